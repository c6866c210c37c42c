import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorBodyDto } from '../../../../libs/common/error-body.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input; `details` lists each offending field',
  401: 'Missing or bad credentials',
  403: 'Visible but not yours to change, or missing role / scope',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict (e.g. an illegal stage transition or a duplicate)',
  412: 'If-Match is stale; the body carries the current version',
  422: 'Milestone facts missing (`details` names each field, DESIGN §6), or an Idempotency-Key reused with another body',
  428: 'If-Match header required (sent empty, or missing where it is required)',
  429: 'Rate limited; see Retry-After',
  503: 'A dependency is down',
};

export function ApiErrors(...codes: number[]) {
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...codes.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error',
        schema: { $ref: getSchemaPath(ErrorBodyDto) },
      }),
    ),
  );
}

/** A `{ items, nextCursor }` page of `model`. */
export function ApiPage(model: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(model),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', maxItems: 200, items: { $ref: getSchemaPath(model) } },
          nextCursor: {
            type: 'string',
            nullable: true,
            maxLength: 512,
            description: 'Opaque; pass as ?cursor= for the next page',
          },
        },
      },
    }),
  );
}
