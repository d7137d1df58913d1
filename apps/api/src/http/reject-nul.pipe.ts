import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { invalidParameter } from './problem';

const NUL = '\u0000';

/**
 * 400 naming the parameter for a path or query value with a NUL character: PostgreSQL cannot
 * store or compare one in text, so without this an id like `a%00b` ends in a 500.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' && metadata.type !== 'query') return value;
    if (metadata.data !== undefined) {
      if (containsNul(value)) throw invalidParameter(metadata.data, 'must not contain NUL');
    } else if (typeof value === 'object' && value !== null) {
      for (const [name, item] of Object.entries(value)) {
        if (containsNul(item)) throw invalidParameter(name, 'must not contain NUL');
      }
    }
    return value;
  }
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  return Array.isArray(value) && value.some((v) => typeof v === 'string' && v.includes(NUL));
}
