import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { BODY_VALIDATION, flattenValidationErrors } from '../../../../libs/common/validation';

/** Request DTOs are checked with class-validator (STYLE: whitelist, forbidNonWhitelisted, transform). */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    ...BODY_VALIDATION,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
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
