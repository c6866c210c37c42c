import { execFileSync } from 'child_process';
import { existsSync, mkdirSync } from 'fs';
import { AddressInfo } from 'net';
import { join } from 'path';
import { Browser, BrowserContext, Page, chromium } from 'playwright-core';
import { TestApp, startApp } from '../support/app';
import { TEST_PASSWORD } from '../support/factories';

export const ROOT = join(__dirname, '..', '..');
export const SCREENSHOTS = join(ROOT, 'test', 'artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds the web UI when there is no build yet (the API serves apps/web/dist). */
export function ensureWebBuild(): void {
  if (existsSync(join(ROOT, 'apps', 'web', 'dist', 'index.html')) && process.env.WEB_REBUILD !== 'true')
    return;
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'apps/web/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

export interface BrowserHarness {
  t: TestApp;
  base: string;
  browser: Browser;
  close(): Promise<void>;
}

/** The real API (serving the built UI) on a loopback port, and Debian's chromium driven by playwright-core. */
export async function startBrowserHarness(
  env: Record<string, string> = {},
  chromiumArgs: string[] = [],
): Promise<BrowserHarness> {
  ensureWebBuild();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const t = await startApp({ SERVE_WEB: 'true', ...env });
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...chromiumArgs,
    ],
  });
  return {
    t,
    base: `http://127.0.0.1:${port}`,
    browser,
    close: async () => {
      await browser.close();
      await t.close();
    },
  };
}

/** A fresh browser profile at the size the officers use (1366×768). */
export async function newContext(h: BrowserHarness): Promise<BrowserContext> {
  const ctx = await h.browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    baseURL: h.base,
    // The UI then skips its animations (as for any user who asks for less motion): a click never
    // lands on a modal still zooming in, and a closed one leaves the page at once, however loaded
    // the machine is.
    reducedMotion: 'reduce',
  });
  // Script errors in the page are test failures waiting to happen: show them in the test output.
  ctx.on('weberror', (e) => console.error(`[page error] ${e.error().message}`));
  ctx.on('console', (m) => {
    // HTTP errors the UI handles (401 before sign-in, 409/412 in the conflict tests) are expected.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      console.error(`[console] ${m.text()} ${m.location().url}`);
  });
  return ctx;
}

export async function login(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.locator('button[type=submit]').click();
  await page.locator('.ant-layout-sider').waitFor();
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(800); // let charts and transitions settle before the picture
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

/** Picks segments in the TreeSelect segment picker by their visible names. */
export async function pickSegments(page: Page, selector: string, names: string[]): Promise<void> {
  const select = page.locator('.ant-select', { has: page.locator(selector) }).first();
  for (const name of names) {
    await select.click();
    await page.keyboard.type(name);
    await page.locator('.ant-select-tree-title', { hasText: name }).first().click();
  }
  await page.keyboard.press('Escape');
}
