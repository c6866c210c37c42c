import { ValidationError, applyDecorators } from '@nestjs/common';
import { IsObject, ValidateNested, ValidatorOptions } from 'class-validator';
import type { FieldError } from './errors';

/** How request bodies are checked (the API's validation pipe, and import rows checked as bodies). */
export const BODY_VALIDATION: ValidatorOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: false },
};

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
