import { ApiError, authFetch } from '../api/client';

/** The file name of a Content-Disposition header (RFC 6266 filename* first). */
export function fileNameOf(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i);
  if (star) return decodeURIComponent(star[1]);
  const plain = disposition?.match(/filename="([^"]+)"/i);
  return plain ? plain[1] : fallback;
}

/** Query string of the set values only. */
export function queryOf(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  return q.toString();
}

/** Downloads a file the API answers (an export, a template, an import result) with the session's token. */
export async function downloadFile(url: string, fallbackName: string): Promise<void> {
  const res = await authFetch(new Request(url, { credentials: 'same-origin' }));
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as ApiError['body'];
    throw new ApiError(res.status, body);
  }
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = fileNameOf(res.headers.get('content-disposition'), fallbackName);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
