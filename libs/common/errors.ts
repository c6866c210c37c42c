import { HttpException, HttpStatus } from '@nestjs/common';

export interface FieldError {
  field: string;
  message: string;
}

/**
 * An expected outcome with a stable machine code (STYLE: "two error channels").
 * The body follows DESIGN §11: { statusCode, error, message, details?, requestId }.
 */
export class AppError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly extra?: Record<string, unknown>,
  ) {
    super({ code, message, details, ...extra }, status);
  }
}

export const badRequest = (code: string, message: string, details?: FieldError[]) =>
  new AppError(HttpStatus.BAD_REQUEST, code, message, details);
export const fieldError = (field: string, message: string, code = 'VALIDATION_FAILED') =>
  new AppError(HttpStatus.BAD_REQUEST, code, `${field}: ${message}`, [{ field, message }]);
export const notFound = (entity: string) =>
  new AppError(HttpStatus.NOT_FOUND, `${entity.toUpperCase()}_NOT_FOUND`, `${entity} not found`);
export const forbidden = (code: string, message: string) => new AppError(HttpStatus.FORBIDDEN, code, message);
export const conflict = (code: string, message: string, extra?: Record<string, unknown>) =>
  new AppError(HttpStatus.CONFLICT, code, message, undefined, extra);
