import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsOptional,
  IsRFC3339,
  IsString,
  Length,
  Matches,
} from 'class-validator';
import {
  API_KEY_ROLES,
  ApiKeyRecord,
  ApiKeyStatus,
  SERVICE_ID_PATTERN,
  apiKeyStatus,
} from '@vigil/persistence';
import type { Role } from '../roles.decorator';

export class CreateApiKeyDto {
  @ApiProperty({
    description: 'Who or what uses the key',
    example: 'grc-dashboard',
    minLength: 1,
    maxLength: 100,
  })
  @IsString()
  @Length(1, 100)
  // PostgreSQL text cannot hold NUL; other control characters have no place in a name either.
  @Matches(/^[^\p{Cc}]*$/u, { message: 'name must not contain control characters' })
  name!: string;

  @ApiProperty({ enum: API_KEY_ROLES, example: 'dashboard' })
  @IsIn(API_KEY_ROLES)
  role!: Role;

  @ApiPropertyOptional({
    description: 'Auditor keys only: the service ids the key may read (all when absent)',
    type: [String],
    example: ['payments-api'],
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @Matches(SERVICE_ID_PATTERN, {
    each: true,
    message: 'each value in services must be a service id',
  })
  services?: string[];

  @ApiPropertyOptional({
    description: 'When the key stops working (RFC 3339)',
    example: '2027-01-01T00:00:00Z',
  })
  @IsOptional()
  @IsRFC3339()
  expiresAt?: string;
}

export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  name!: string;
  @ApiProperty({ enum: API_KEY_ROLES })
  role!: Role;
  @ApiProperty({
    description: 'The first 8 characters of the key, to recognise it',
    example: 'vgl_Xk3q',
  })
  keyPrefix!: string;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'Services an auditor key is limited to; null = all',
  })
  services!: string[] | null;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] })
  status!: ApiKeyStatus;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revokedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time' })
  createdAt!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Updated at most once a minute',
  })
  lastUsedAt!: string | null;

  static of(key: ApiKeyRecord, now: Date): ApiKeyView {
    return {
      id: key.id,
      name: key.name,
      role: key.role,
      keyPrefix: key.keyPrefix,
      services: key.services,
      status: apiKeyStatus(key, now),
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    };
  }
}

export class CreatedApiKeyView extends ApiKeyView {
  @ApiProperty({
    description: 'The key itself. Shown only in this answer: store it now.',
    example: 'vgl_…',
  })
  secret!: string;
}

export class ApiKeyPage {
  @ApiProperty({ type: [ApiKeyView] })
  items!: ApiKeyView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last',
  })
  nextCursor!: string | null;
}
