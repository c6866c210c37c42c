import { BadRequestException, ValidationError, ValidationPipe, applyDecorators } from '@nestjs/common';
import { IsObject, ValidateNested } from 'class-validator';
import type { FieldError } from './errors';

/** Flattens class-validator errors into `{field, message}` with dotted / indexed paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = /^\d+$/.test(e.property)
      ? `${prefix}[${e.property}]`
      : prefix
        ? `${prefix}.${e.property}`
        : e.property;
    for (const message of Object.values(e.constraints ?? {})) {
      out.push({ field, message: message.replace(/^property \S+ should not exist$/, 'unknown field') });
    }
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flattenValidationErrors(errors);
      const fields = [...new Set(details.map((d) => d.field))];
      return new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `Invalid fields: ${fields.join(', ')}`,
        details,
      });
    },
  });
}

/**
 * An array of nested objects (contacts, external refs…): each item must be an object of the DTO.
 * class-validator's ValidateNested alone lets an array in the array through (`[[]]`, `[[{…}]]`),
 * which would then be stored (DESIGN §11: arrays of objects accept only objects).
 */
export const ValidateNestedObjects = () =>
  applyDecorators(
    IsObject({ each: true, message: 'each item of $property must be an object' }),
    ValidateNested({ each: true }),
  );
