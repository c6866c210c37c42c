import type { FastifyReply } from 'fastify';
import { etag } from '../../../../libs/common/concurrency';

/** HTTP pieces shared by the base-data controllers (enterprises, parks). */

export const ETAG_HEADER = {
  ETag: {
    description: 'The record version, `"<version>"`',
    schema: { type: 'string', maxLength: 12, pattern: '^"[0-9]+"$' },
  },
};

export const ID_PARAM = { name: 'id', schema: { type: 'string', format: 'uuid', maxLength: 36 } } as const;

export const IF_MATCH_SCHEMA = { type: 'string', maxLength: 16, example: '"3"' } as const;

/** Sets `ETag: "<version>"` (DESIGN §11) and passes the record through. */
export function withEtag<T extends { version: number }>(res: FastifyReply, record: T): T {
  void res.header('ETag', etag(record.version));
  return record;
}
