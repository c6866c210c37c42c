import createClient from 'openapi-fetch';
import type { paths } from './schema';
import { session, type SessionUser } from './session';

const REFRESH_PATH = '/api/v1/auth/refresh';

let refreshing: Promise<boolean> | null = null;

/**
 * A refresh token is used once: presenting a rotated one again looks like a stolen copy and ends
 * the sign-in (DESIGN §11). So tabs of one browser refresh in turn (Web Locks): the second one
 * sends the cookie the first one just received.
 */
function oneTabAtATime<T>(refresh: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks.request('liancheng-refresh', refresh) as Promise<T>) : refresh();
}

/** One refresh at a time: concurrent 401s wait for the same renewal. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      const res = await oneTabAtATime(() =>
        fetch(REFRESH_PATH, { method: 'POST', credentials: 'same-origin' }),
      );
      if (!res.ok) {
        session.set(null, null);
        return false;
      }
      const body = (await res.json()) as { accessToken: string; user: SessionUser };
      session.set(body.accessToken, body.user);
      return true;
    } catch {
      return false;
    } finally {
      setTimeout(() => (refreshing = null), 0);
    }
  })();
  return refreshing;
}

function withAuth(request: Request): Request {
  const token = session.token;
  if (!token) return request;
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  const lang = localStorage.getItem('lc.locale') === 'en' ? 'en' : 'zh-CN';
  headers.set('Accept-Language', lang);
  return new Request(request, { headers });
}

/** fetch with the in-memory token; on 401 it renews the token once through the cookie and retries. */
export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const res = await fetch(withAuth(input));
  if (res.status !== 401 || input.url.endsWith('/auth/login') || input.url.endsWith('/auth/refresh'))
    return res;
  if (!(await refreshSession())) return res;
  return fetch(withAuth(retry));
}

export const api = createClient<paths>({ baseUrl: '', fetch: authFetch, credentials: 'same-origin' });

/** Error from the API, in the shape of DESIGN.md §11. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: {
      code?: string;
      message?: string | string[];
      details?: { field: string; message: string }[];
      currentVersion?: number;
      allowed?: string[];
      allowedStages?: string[];
      [key: string]: unknown;
    },
  ) {
    super(Array.isArray(body?.message) ? body.message.join('; ') : (body?.message ?? `HTTP ${status}`));
  }
}

/** Unwraps an openapi-fetch result: the data, or an ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; response: Response }> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (e) {
    throw new ApiError(0, { message: e instanceof Error ? e.message : String(e), code: 'NETWORK' });
  }
  if (!result.response.ok)
    throw new ApiError(result.response.status, (result.error ?? {}) as ApiError['body']);
  return { data: result.data as T, response: result.response };
}
