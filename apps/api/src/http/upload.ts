import { HttpStatus } from '@nestjs/common';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { createHash } from 'crypto';
import { AppError, fieldError } from '../../../../libs/common/errors';

/** A multipart upload read into memory: the file and the form fields sent before it. */
export interface Upload {
  filename: string;
  fields: Record<string, string>;
  file: Buffer;
}

const UPLOAD = Symbol('upload');
type WithUpload = FastifyRequest & { [UPLOAD]?: Promise<Upload> };

/**
 * The request's uploaded file (multipart/form-data, one file). A request's stream is read once:
 * the result is kept on the request, so the idempotency check (which hashes the file) and the
 * handler read the same upload.
 */
export function readUpload(req: FastifyRequest): Promise<Upload> {
  const r = req as WithUpload;
  r[UPLOAD] ??= read(req);
  return r[UPLOAD];
}

/** What identifies an upload for Idempotency-Key: the query, the fields, the file's name and digest. */
export async function uploadDigest(req: FastifyRequest): Promise<unknown> {
  const u = await readUpload(req);
  return {
    query: req.query ?? null,
    fields: u.fields,
    filename: u.filename,
    sha256: createHash('sha256').update(u.file).digest('hex'),
  };
}

async function read(req: FastifyRequest): Promise<Upload> {
  if (!req.isMultipart()) throw fieldError('file', 'send the file as multipart/form-data');
  let part: MultipartFile | undefined;
  try {
    part = await req.file();
  } catch (e) {
    throw fieldError('file', `unreadable upload: ${(e as Error).message}`);
  }
  if (!part) throw fieldError('file', 'is required');
  const fields: Record<string, string> = {};
  for (const [name, f] of Object.entries(part.fields)) {
    const value = (f as { value?: unknown } | undefined)?.value;
    if (name !== part.fieldname && typeof value === 'string') fields[name] = value;
  }
  try {
    return { filename: part.filename, fields, file: await part.toBuffer() };
  } catch (e) {
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
      throw new AppError(HttpStatus.PAYLOAD_TOO_LARGE, 'FILE_TOO_LARGE', 'the file is larger than 16 MB', [
        { field: 'file', message: 'must be at most 16 MB' },
      ]);
    }
    throw fieldError('file', `unreadable upload: ${(e as Error).message}`);
  }
}
