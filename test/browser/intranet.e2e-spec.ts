/**
 * DESIGN §11: the web UI works over plain HTTP on an intranet address. Chromium resolves
 * liancheng.intranet to 127.0.0.1 (and nothing else to anything), so the page is opened from a
 * non-localhost origin, as an office PC would, without traffic leaving the machine.
 */
import { AddressInfo } from 'net';
import { Page, Request } from 'playwright-core';
import { TEST_PASSWORD, TestUser, makeUser } from '../support/factories';
import { freeLoopbackPort } from '../support/redis-server';
import { BrowserHarness, login, newContext, shot, startBrowserHarness } from './browser';

jest.setTimeout(180_000);

const HOST = 'liancheng.intranet';
const RESOLVER = [`--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP * ~NOTFOUND`];

function intranetUrl(h: BrowserHarness): string {
  const { port } = h.t.app.getHttpServer().address() as AddressInfo;
  return `http://${HOST}:${port}`;
}

function watchCspViolations(page: Page): { violations: string[]; reloading(): void } {
  const violations: string[] = [];
  let inFlight = new Set<Request>();
  let cancelledByReload = new Set<Request>();
  page.on('request', (r) => inFlight.add(r));
  page.on('requestfinished', (r) => inFlight.delete(r));
  page.on('console', (m) => {
    if (/Content Security Policy|Mixed Content|ERR_/i.test(m.text())) violations.push(m.text());
  });
  page.on('requestfailed', (r) => {
    inFlight.delete(r);
    // The notification stream stays open until the page goes away: a reload cancels it, and any
    // other request still on its way then (a route's code chunk loading on a busy machine).
    const cancelled =
      r.failure()?.errorText === 'net::ERR_ABORTED' &&
      (new URL(r.url()).pathname === '/api/v1/notifications/stream' || cancelledByReload.has(r));
    if (!cancelled) violations.push(`${r.url()} ${r.failure()?.errorText}`);
  });
  return {
    violations,
    reloading() {
      cancelledByReload = inFlight;
      inFlight = new Set();
    },
  };
}

describe('web UI over plain HTTP on an intranet address', () => {
  let h: BrowserHarness;
  let officer: TestUser;
  beforeAll(async () => {
    h = await startBrowserHarness({}, RESOLVER);
    officer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer');
  });
  afterAll(() => h?.close());

  it('renders, signs in, shows the home page, and keeps the session across a reload', async () => {
    const base = intranetUrl(h);
    const ctx = await newContext({ ...h, base });
    const page = await ctx.newPage();
    const { violations, reloading } = watchCspViolations(page);
    const first = await page.goto(`${base}/`);
    const csp = first!.headers()['content-security-policy'];
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(first!.headers()['strict-transport-security']).toBeUndefined();
    await page.locator('#username').waitFor();
    expect(new URL(page.url()).host).toBe(new URL(base).host);
    await login(page, officer.username);
    await page.locator('.ant-layout-sider').waitFor();
    await page.locator('.ant-layout-content').getByText(/./).first().waitFor();
    await shot(page, '40-intranet-home');
    // The refresh cookie is not Secure over plain HTTP, so a reload signs in again by itself.
    reloading();
    await page.reload();
    await page.locator('.ant-layout-sider').waitFor();
    expect(page.url()).not.toContain('/login');
    expect(violations).toEqual([]);
    await ctx.close();
  });
});

describe('web UI with PUBLIC_URL=https://…', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness({ PUBLIC_URL: `https://${HOST}` }, RESOLVER);
  });
  afterAll(() => h?.close());

  it('the page is served with HSTS and upgrade-insecure-requests (it is meant for a TLS proxy in front)', async () => {
    const base = intranetUrl(h);
    const ctx = await newContext({ ...h, base });
    const page = await ctx.newPage();
    const res = await page.goto(`${base}/`, { waitUntil: 'commit' });
    expect(res!.headers()['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(res!.headers()['strict-transport-security']).toMatch(/max-age=31536000/);
    await ctx.close();
  });
});

describe('sign-in while Redis is down', () => {
  let h: BrowserHarness;
  beforeAll(async () => {
    h = await startBrowserHarness({ REDIS_URL: `redis://127.0.0.1:${await freeLoopbackPort()}` });
  });
  afterAll(() => h?.close());

  it('fails closed and says so in the user’s language', async () => {
    const officer = await makeUser(h.t.ds, h.t.http, 'beibei', 'officer', { login: false });
    const ctx = await newContext(h);
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.locator('#username').fill(officer.username);
    await page.locator('#password').fill(TEST_PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.getByRole('alert').getByText('登录服务暂时不可用').waitFor();
    await shot(page, '41-login-limiter-down');
    await ctx.close();
  });
});
