import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { MAX_DATE_TIME_LENGTH } from '../../../libs/leads/lead.dto';
import { BODY_LIMIT, BULK_BODY_LIMIT } from './http-protocol';

type Json = Record<string, any>;

/** Response strings and arrays without a bound of their own stay within these (see the description). */
export const RESPONSE_TEXT_MAX = 10_000;
export const RESPONSE_ITEMS_MAX = 1_000;
const INT32_MAX = 2_147_483_647;

const DESCRIPTION = `Joint investment-promotion CRM of Beibei District (Chongqing) and Mianyang City (Sichuan).

- Errors share one body: { statusCode, error, message, details?, requestId }; \`details\` names each offending field.
- Request bodies are UTF-8 JSON (another charset: 415), nested at most 32 levels (400), at most
  ${BODY_LIMIT / 1024 / 1024} MB, ${BULK_BODY_LIMIT / 1024 / 1024} MB on /sync (413). Unknown fields: 400.
- Every response carries \`RateLimit-Policy\` and \`RateLimit\` (IETF httpapi ratelimit-headers draft):
  API_RATE_LIMIT requests a minute per user or API key (per client address without a valid
  credential); over it 429 with \`Retry-After\`.
- A method a path does not answer: 405 with \`Allow\`.
- Response strings are at most ${RESPONSE_TEXT_MAX.toLocaleString('en')} characters and arrays at most
  ${RESPONSE_ITEMS_MAX.toLocaleString('en')} items unless a smaller bound is given.`;

export function openApiConfig(): Omit<OpenAPIObject, 'paths'> {
  const config = new DocumentBuilder()
    .setTitle('Liancheng (链城) API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description:
        'Access token from POST /api/v1/auth/login (a JWT following RFC8725 best practices: HS256 only, 15-minute exp), or an lck_… API key',
    })
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Partner API key (lck_…)' },
      'apiKey',
    )
    .addCookieAuth('lc_refresh', { type: 'apiKey', in: 'cookie', name: 'lc_refresh' }, 'refreshCookie')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'METRICS_TOKEN of this deployment (not a JWT)',
      },
      'metricsToken',
    )
    .build();
  // OWASP API9 inventory: the one server is the public API of this deployment.
  config.servers = [
    {
      url: '/',
      description: 'This deployment: production, staging or local, as run',
      'x-internal': false,
    } as never,
  ];
  return config;
}

/** The document the API serves: Nest's, completed by `completeOpenApiDocument`. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return completeOpenApiDocument(SwaggerModule.createDocument(app, openApiConfig()));
}

/**
 * What every operation has in common, written once instead of on each handler (DESIGN §11):
 * - request schemas carry the limits the validators enforce, read from the same class-validator
 *   decorators (so the document cannot drift from the server), and `additionalProperties: false`
 *   (the validation pipe refuses unknown fields);
 * - every 2xx and 4xx response documents the RateLimit fields; every operation its 429 (with
 *   Retry-After), 405 and 500, operations with a body their 400, 413 and 415, signed-in ones 401;
 * - response strings, arrays and integers without a bound get the document-wide ones.
 */
export function completeOpenApiDocument(doc: OpenAPIObject): OpenAPIObject {
  const schemas = (doc.components?.schemas ?? {}) as Record<string, Json>;
  const validated = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' }) as Record<
    string,
    Json
  >;
  applyValidatorLimits(schemas, validated);
  const requestSchemas = reachable(
    schemas,
    Object.values(doc.paths).flatMap((item) => operations(item).map((op) => op.requestBody)),
  );
  for (const name of requestSchemas) closeObject(schemas[name]);
  for (const [name, schema] of Object.entries(schemas))
    if (!requestSchemas.has(name)) boundResponseSchema(schema);

  doc.components = { ...doc.components, schemas, headers: { ...doc.components?.headers, ...HEADERS } };
  for (const item of Object.values(doc.paths)) {
    for (const op of operations(item)) {
      applyQueryLimits((op.parameters ?? []) as Json[], validated);
      for (const p of (op.parameters ?? []) as Json[]) boundParameter(p);
      completeResponses(op);
      for (const res of Object.values(op.responses ?? {}) as Json[]) {
        for (const media of Object.values(res.content ?? {}) as Json[]) boundResponseSchema(media.schema);
      }
    }
  }
  return doc;
}

const HEADERS: Record<string, Json> = {
  RateLimit: {
    description:
      'Requests left in the current window and seconds until it resets, e.g. `"api";r=5987;t=42` ' +
      '(IETF httpapi ratelimit-headers draft). Absent when API_RATE_LIMIT=0.',
    schema: { type: 'string', maxLength: 200, pattern: '^"[a-z-]+";r=\\d+;t=\\d+' },
  },
  'RateLimit-Policy': {
    description: 'The quota and its window in seconds, e.g. `"api";q=6000;w=60`.',
    schema: { type: 'string', maxLength: 200, pattern: '^"[a-z-]+";q=\\d+;w=\\d+' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 86_400 },
  },
  Allow: {
    description: 'The methods this path answers',
    schema: { type: 'string', maxLength: 100, pattern: '^[A-Z, ]*$' },
  },
};

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
function operations(item: Json): Json[] {
  return METHODS.filter((m) => item[m]).map((m) => item[m]);
}

const ERROR = { $ref: '#/components/schemas/ErrorBodyDto' };
const errorResponse = (description: string, headers: Json = {}) => ({
  description,
  headers,
  content: { 'application/json': { schema: ERROR } },
});

function completeResponses(op: Json): void {
  const responses = (op.responses ??= {}) as Record<string, Json>;
  const add = (status: string, description: string, headers: Json = {}) => {
    responses[status] ??= errorResponse(description, headers);
  };
  if (op.requestBody) {
    add('400', 'Invalid input; `details` lists each offending field');
    add('413', 'Request body too large (1 MB; 16 MB on /sync)');
    add('415', 'Request body not UTF-8 JSON');
  }
  if (op.security?.length) add('401', 'Missing or bad credentials');
  add('405', 'Another method than this path answers; `Allow` lists them', {
    Allow: { $ref: '#/components/headers/Allow' },
  });
  add('429', 'Rate limited; see Retry-After', {
    'Retry-After': { $ref: '#/components/headers/Retry-After' },
  });
  responses['429'].headers = {
    ...responses['429'].headers,
    'Retry-After': { $ref: '#/components/headers/Retry-After' },
  };
  add('500', 'Unexpected error (logged with the request id)');
  for (const [status, res] of Object.entries(responses)) {
    if (!/^[24]/.test(status)) continue;
    res.headers = {
      ...res.headers,
      RateLimit: { $ref: '#/components/headers/RateLimit' },
      'RateLimit-Policy': { $ref: '#/components/headers/RateLimit-Policy' },
    };
  }
}

/** Limits from the class-validator decorators of each DTO (MaxLength, ArrayMaxSize, Min, IsInt …). */
const LIMIT_KEYWORDS = [
  'maxLength',
  'minLength',
  'maxItems',
  'minItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
];
function applyValidatorLimits(schemas: Record<string, Json>, validated: Record<string, Json>): void {
  for (const [name, schema] of Object.entries(schemas)) {
    const props = validated[name]?.properties as Record<string, Json> | undefined;
    if (!props || !schema.properties) continue;
    for (const [prop, target] of Object.entries(schema.properties as Record<string, Json>)) {
      const source = props[prop];
      if (source) mergeLimits(target, source);
    }
  }
}

/**
 * Query parameters are flattened from a query DTO (LeadListQuery…) without naming it: the DTO is
 * the one whose validated properties are exactly the operation's query parameters.
 */
function applyQueryLimits(params: Json[], validated: Record<string, Json>): void {
  const query = params.filter((p) => p.in === 'query');
  if (!query.length) return;
  const names = query
    .map((p) => p.name as string)
    .sort()
    .join(',');
  const matches = Object.values(validated).filter(
    (s) => s.properties && Object.keys(s.properties).sort().join(',') === names,
  );
  if (matches.length !== 1) return;
  for (const p of query) mergeLimits((p.schema ??= { type: 'string' }), matches[0].properties[p.name]);
}

function mergeLimits(target: Json, source: Json): void {
  if (!source || target.$ref || target.allOf) return;
  // `string | null` and `number | null` properties reach Swagger as Object: the validator knows.
  if (isBareObject(target) && ['string', 'number', 'integer', 'boolean'].includes(source.type))
    target.type = source.type;
  for (const k of LIMIT_KEYWORDS)
    if (source[k] !== undefined && target[k] === undefined) target[k] = source[k];
  if (source.type === 'integer' && target.type === 'number') target.type = 'integer';
  if (source.format && !target.format && target.type === 'string') target.format = source.format;
  if (source.pattern && !target.pattern && !target.enum && target.type === 'string')
    target.pattern = source.pattern;
  if (target.type === 'integer') target.format ??= 'int32';
  if (target.format === 'uuid') target.maxLength ??= 36;
  // Every date-time input is checked by IsSaneDate, which takes at most this many characters.
  if (target.format === 'date-time' && target.type === 'string') target.maxLength ??= MAX_DATE_TIME_LENGTH;
  if (source.items && target.items && !target.items.$ref) mergeLimits(target.items, source.items);
}

/** Names of the schemas a request body can reach. */
function reachable(schemas: Record<string, Json>, roots: unknown[]): Set<string> {
  const seen = new Set<string>();
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const ref = (node as Json).$ref as string | undefined;
    if (ref?.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (!seen.has(name)) {
        seen.add(name);
        visit(schemas[name]);
      }
    }
    for (const v of Object.values(node)) visit(v);
  };
  roots.forEach(visit);
  return seen;
}

function closeObject(schema: Json | undefined): void {
  if (schema && (schema.type === 'object' || schema.properties)) schema.additionalProperties = false;
}

const isBareObject = (s: Json) => s.type === 'object' && !s.properties && !s.additionalProperties;

/** Bounds for what the server writes: by format, else the document-wide ones. */
function boundResponseSchema(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const s = node as Json;
  if (isBareObject(s) && FORMAT_LENGTH[s.format as string]) s.type = 'string'; // `string | null` with a format
  if (s.type === 'string' && s.maxLength === undefined && !s.enum && s.const === undefined) {
    s.maxLength = FORMAT_LENGTH[s.format as string] ?? RESPONSE_TEXT_MAX;
  }
  if (s.type === 'array' && s.maxItems === undefined) s.maxItems = RESPONSE_ITEMS_MAX;
  if (s.type === 'integer') {
    s.format ??= 'int32';
    s.minimum ??= 0;
    s.maximum ??= INT32_MAX;
  }
  for (const v of Object.values(s)) boundResponseSchema(v);
}

const FORMAT_LENGTH: Record<string, number> = { uuid: 36, 'date-time': 32, date: 10, uri: 2048, email: 254 };

/**
 * Path ids are UUIDs (requireUuidPath). Header values longer than 200 characters are refused
 * (If-Match is an ETag like "3", Idempotency-Key at most 200). Query parameters are described on
 * their DTOs.
 */
function boundParameter(p: Json): void {
  const schema = (p.schema ??= { type: 'string' }) as Json;
  if (p.in === 'path' && p.name === 'id' && schema.type === 'string') {
    schema.format ??= 'uuid';
    schema.maxLength ??= 36;
  }
  if (p.in === 'header' && schema.type === 'string') schema.maxLength ??= 200;
}
