import type { IncomingMessage, ServerResponse } from 'http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for `options`, computed once. Without CSP nonces they are the same on
 * every response, so the server adds one prepared set instead of running helmet's middleware,
 * which rebuilds its policy on every request.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const res = {
    setHeader: (name: string, value: unknown) => void (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => void delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return Object.freeze(headers);
}

/**
 * Liancheng's security headers. DESIGN §11: over plain HTTP on an intranet address the UI must
 * load, so HSTS and upgrade-insecure-requests (which rewrites every script URL to https) are on
 * only when users reach the server over HTTPS (PUBLIC_URL=https://…).
 */
export function securityHeaders(https: boolean): Readonly<Record<string, string>> {
  return helmetHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: https ? [] : null,
      },
    },
    hsts: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}
