import { lookup } from 'dns/promises';
import { isIP } from 'net';

/**
 * SSRF guard for webhook targets (DESIGN §11): a URL whose host resolves to anything but a public
 * address is refused unless the host is on WEBHOOK_ALLOWED_HOSTS. Pure classification first, so
 * the rules are unit-tested without sending a packet anywhere.
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'reserved'
  | 'carrier-nat'
  | 'invalid';

type V4Range = [base: number, bits: number, cls: AddressClass];

const V4_RANGES: V4Range[] = [
  [ip4('0.0.0.0'), 8, 'unspecified'], // "this network"
  [ip4('10.0.0.0'), 8, 'private'],
  [ip4('100.64.0.0'), 10, 'carrier-nat'],
  [ip4('127.0.0.0'), 8, 'loopback'],
  [ip4('169.254.0.0'), 16, 'link-local'], // includes cloud metadata 169.254.169.254
  [ip4('172.16.0.0'), 12, 'private'],
  [ip4('192.0.0.0'), 24, 'reserved'],
  [ip4('192.0.2.0'), 24, 'reserved'], // TEST-NET-1
  [ip4('192.88.99.0'), 24, 'reserved'],
  [ip4('192.168.0.0'), 16, 'private'],
  [ip4('198.18.0.0'), 15, 'reserved'], // benchmarking
  [ip4('198.51.100.0'), 24, 'reserved'], // TEST-NET-2
  [ip4('203.0.113.0'), 24, 'reserved'], // TEST-NET-3
  [ip4('224.0.0.0'), 4, 'multicast'],
  [ip4('240.0.0.0'), 4, 'reserved'], // includes broadcast
];

function ip4(text: string): number {
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function classifyV4(value: number): AddressClass {
  for (const [base, bits, cls] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    if (value >= base && value < base + size) return cls;
  }
  return 'public';
}

/** Parses an IPv6 text form into 8 16-bit groups (handles `::` and a dotted IPv4 tail). */
function parseV6(text: string): number[] | null {
  let s = text.toLowerCase();
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  const lastColon = s.lastIndexOf(':');
  const v4 = s.slice(lastColon + 1);
  if (v4.includes('.')) {
    if (isIP(v4) !== 4) return null;
    const n = ip4(v4);
    s = `${s.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parse = (h: string) =>
    h === '' ? [] : h.split(':').map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  const head = parse(halves[0]);
  let groups = head;
  if (halves.length === 2) {
    const rest = parse(halves[1]);
    const fill = 8 - head.length - rest.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...rest];
  }
  if (groups.length !== 8 || groups.some((g) => Number.isNaN(g))) return null;
  return groups;
}

function classifyV6(g: number[]): AddressClass {
  if (g.every((x) => x === 0)) return 'unspecified'; // ::
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback'; // ::1
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-compatible ::a.b.c.d: judge the IPv4 address.
  if (g.slice(0, 5).every((x) => x === 0) && (g[5] === 0xffff || g[5] === 0)) {
    return classifyV4(g[6] * 65536 + g[7]);
  }
  // NAT64 64:ff9b::/96 embeds an IPv4 address as well.
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) {
    return classifyV4(g[6] * 65536 + g[7]);
  }
  if ((g[0] & 0xfe00) === 0xfc00) return 'private'; // fc00::/7 unique local
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local'; // fe80::/10
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // fec0::/10 deprecated site-local
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'reserved'; // documentation
  if (g[0] === 0x2002) return 'reserved'; // 6to4 can tunnel to any IPv4, refuse
  if (g[0] === 0x2001 && g[1] === 0) return 'reserved'; // Teredo
  return 'public';
}

/** Classifies an IP address literal (IPv4 or IPv6). Not an address → 'invalid'. */
export function classifyAddress(ip: string): AddressClass {
  const family = isIP(ip.includes('%') ? ip.slice(0, ip.indexOf('%')) : ip);
  if (family === 4) return classifyV4(ip4(ip));
  if (family === 6) {
    const g = parseV6(ip);
    return g ? classifyV6(g) : 'invalid';
  }
  return 'invalid';
}

export interface TargetCheck {
  ok: boolean;
  /** The addresses the host resolved to (the delivery connects to the first of them). */
  addresses: { address: string; family: number }[];
  reason?: string;
}

export type Resolver = (host: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

/**
 * Checks a webhook URL: http(s) only, no credentials in it, and every address its host resolves
 * to is public, unless the host is allow-listed. Called at subscription creation and again at each
 * delivery (DNS may change in between); the delivery then connects to the checked address so a
 * second lookup cannot swap it (DNS rebinding).
 */
export async function checkWebhookTarget(
  rawUrl: string,
  allowedHosts: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<TargetCheck> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { ok: false, addresses: [], reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, addresses: [], reason: 'only http and https URLs are allowed' };
  }
  if (url.username || url.password) {
    return { ok: false, addresses: [], reason: 'credentials in the URL are not allowed' };
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowed = allowedHosts.includes(host);
  let addresses: { address: string; family: number }[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await resolve(host);
    } catch {
      return { ok: false, addresses: [], reason: `host ${host} does not resolve` };
    }
  }
  if (!addresses.length) return { ok: false, addresses, reason: `host ${host} does not resolve` };
  if (!allowed) {
    const bad = addresses.find((a) => classifyAddress(a.address) !== 'public');
    if (bad) {
      return {
        ok: false,
        addresses,
        reason: `host ${host} resolves to a ${classifyAddress(bad.address)} address (${bad.address}); only public addresses are allowed unless the host is listed in WEBHOOK_ALLOWED_HOSTS`,
      };
    }
  }
  return { ok: true, addresses };
}
