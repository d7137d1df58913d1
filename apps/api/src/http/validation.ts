import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemError } from './problem';
import { badRequest } from './problem';

/** Flattens class-validator's tree into one entry per offending parameter (`services.0`). */
export function validationProblems(errors: ValidationError[], parent = ''): ProblemError[] {
  return errors.flatMap((error) => {
    const parameter = parent === '' ? error.property : `${parent}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ parameter, detail }));
    return [...own, ...validationProblems(error.children ?? [], parameter)];
  });
}

/** The API's one validation pipe: unknown properties stripped, every fault named in a 400. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors: ValidationError[]) => {
      const problems = validationProblems(errors);
      const list = problems.length > 0 ? problems : [{ detail: 'The request is not valid' }];
      return badRequest(
        list
          .map((p) =>
            'parameter' in p ? `Invalid parameter "${p.parameter}": ${p.detail}` : p.detail,
          )
          .join('; '),
        list,
      );
    },
  });
}
