import { BadRequestException, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '../../../../libs/common/validation';

/** Request DTOs are checked with class-validator (STYLE: whitelist, forbidNonWhitelisted, transform). */
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
