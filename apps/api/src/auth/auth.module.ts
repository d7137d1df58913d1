import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysRepository, repositoryProviders } from '@vigil/persistence';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { ApiKeyGuard } from './api-key.guard';
import { BootstrapAdminKey } from './bootstrap-admin-key';
import { KeysController } from './keys.controller';
import { KeysService } from './keys.service';

/** API keys, roles and the global key guard (SPEC §6); `/api/v1/keys` for admins. */
@Module({
  controllers: [KeysController],
  providers: [
    ...repositoryProviders(ApiKeysRepository),
    ApiKeyAuthenticator,
    KeysService,
    BootstrapAdminKey,
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class AuthModule {}
