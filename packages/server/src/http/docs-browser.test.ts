import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_FLAGS, requireChromium } from '../status/chromium.js';
import { startTestServer, type TestServer } from '../test/harness.js';
import { operationTable } from './operations.js';

requireChromium('docs page in chromium');

/** Console errors (CSP violations among them), page errors and any request that leaves `origins`. */
function watch(page: Page, origins: string[]): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => {
    if (!origins.some((o) => r.url().startsWith(`${o}/`))) problems.push(`request elsewhere: ${r.url()}`);
  });
  return problems;
}

// Swagger UI parses and draws a spec of 158 operations: seconds of CPU in a page that shares two cores with
// the rest of the suite. CI timed a test out at the suite's 30 s with every step still going; the time
// allowed is longer here, and nothing in these tests measures time.
describe.skipIf(!CHROMIUM)('/docs in headless chromium', { timeout: 120_000 }, () => {
  let t: TestServer;
  let c: Awaited<ReturnType<TestServer['customer']>>;
  let browser: Browser;
  let elsewhere: Server;
  let elsewhereUrl: string;

  beforeAll(async () => {
    t = await startTestServer('sqlite');
    c = await t.customer();
    // playwright-core drives the system's chromium; it downloads no browser of its own. launch() uses a fresh profile.
    browser = await chromium.launch({
      executablePath: CHROMIUM!,
      args: [...CHROMIUM_FLAGS],
    });
    // Another origin (another port) for a page that calls the API cross-origin.
    elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
  });
  // Playwright's own wait is 30 s by default; under the suite's load a step may take longer.
  const newPage = async () => {
    const page = await browser.newPage();
    page.setDefaultTimeout(100_000);
    return page;
  };
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => elsewhere?.close(resolve));
    await t?.close();
  });

  it('shows the title and every operation before any script has loaded, then hands over to Swagger UI', async () => {
    const page = await newPage();
    const problems = watch(page, [t.url]);
    // Swagger UI's bundle is held until the server-rendered page has been checked: the list cannot come from it.
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route('**/swagger-ui-bundle.js', async (route) => {
      await held;
      await route.continue();
    });
    // Deferred scripts hold DOMContentLoaded back, so wait only for the response to start.
    await page.goto(`${t.url}/docs`, { waitUntil: 'commit' });
    await page.locator('#shell a', { hasText: 'List API keys' }).waitFor({ state: 'visible' });
    expect(await page.title()).toBe('Prolope API');
    expect(await page.locator('#shell .ops a').count()).toBe(operationTable().size);
    expect(await page.locator('#shell-note').textContent()).toContain('Loading the interactive console');
    expect(await page.locator('#swagger-ui .opblock').count()).toBe(0);

    release();
    await page.locator('body.console-ready').waitFor({ state: 'attached' });
    // Swagger UI holds every operation (from 150 tags and operations it draws only those near the
    // viewport, so its model is counted, not the DOM) ...
    expect(
      await page.evaluate(() => (window as unknown as { ui: { specSelectors: { operations(): { size: number } } } }).ui.specSelectors.operations().size),
    ).toBeGreaterThanOrEqual(operationTable().size);
    // ... and draws them: filtered to one tag, as a reader of a large API would, all of the tag's at once.
    await page.locator('.operation-filter-input').fill('apiKeys');
    const listKeys = page.locator('#swagger-ui .opblock-get', { has: page.locator('.opblock-summary-path[data-path="/v1/api-keys"]') });
    await listKeys.waitFor({ state: 'visible' });
    expect(await listKeys.textContent()).toContain('List API keys');
    expect(await page.locator('#shell').isHidden()).toBe(true);
    // Prolope's bar and logo; no Swagger top bar.
    expect((await page.locator('header.bar .brand').textContent())?.trim()).toBe('Prolope API');
    expect(await page.locator('header.bar svg[aria-label="Prolope"]').count()).toBe(1);
    expect(await page.locator('.topbar').count()).toBe(0);
    const icon = await page.locator('link[rel="icon"]').getAttribute('href');
    expect(icon).toMatch(/^\/docs\/assets\/prolope-logo\.[0-9a-f]+\.svg$/);
    // The servers list names this server, so "Try it out" stays on the page's own origin.
    expect(await page.locator('.servers select').inputValue()).toBe(t.url);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('runs "Try it out": Authorize with a key, execute GET /v1/accounts/me, and show 200 with the account', async () => {
    const page = await newPage();
    const problems = watch(page, [t.url]);
    await page.goto(`${t.url}/docs`);
    await page.locator('body.console-ready').waitFor({ state: 'attached' });

    // Once (CI, the page at 170 operations) the first click opened nothing and the field never came: the
    // click can land while Swagger UI is still rendering. Click again until the dialog shows, a few times.
    for (let attempt = 1; ; attempt++) {
      await page.locator('button.authorize').first().click();
      const shown = await page
        .locator('#auth-bearer-value')
        .waitFor({ state: 'visible', timeout: 15_000 })
        .then(() => true)
        .catch((err: unknown) => {
          if (attempt === 5) throw err;
          return false;
        });
      if (shown) break;
    }
    await page.locator('#auth-bearer-value').fill(c.key);
    await page.locator('button[aria-label="Apply credentials"]').click();
    await page.locator('.modal-ux .btn-done').click();
    // Filtered to one tag, as a reader of a large API would: Swagger UI then draws the tag's operations
    // all at once (below 150 it does not virtualize), and opening one no longer moves the page under the click.
    await page.locator('.operation-filter-input').fill('accounts');

    const op = page.locator('#swagger-ui .opblock-get', { has: page.locator('.opblock-summary-path[data-path="/v1/accounts/me"]') });
    await op.locator('.opblock-summary').click();
    await op.locator('.try-out__btn').click();
    await op.locator('button.execute').click();
    const status = op.locator('.live-responses-table .response .response-col_status');
    await status.waitFor({ state: 'visible' });
    expect((await status.textContent())?.trim()).toBe('200');
    expect(await op.locator('.request-url').textContent()).toContain(`${t.url}/v1/accounts/me`);
    expect(await op.locator('.live-responses-table .response').textContent()).toContain(c.accountId);
    // The key stays in the tab's memory: nothing in storage for the next visitor of this browser.
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(c.key);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('lets a page on another origin call the API with a bearer key and read its headers (CORS)', async () => {
    const page = await newPage();
    const problems = watch(page, [t.url, elsewhereUrl]);
    await page.goto(elsewhereUrl);
    const got = await page.evaluate(
      async ({ api, key }) => {
        const auth = { authorization: `Bearer ${key}` };
        const me = await fetch(`${api}/v1/accounts/me`, { headers: auth });
        const create = () =>
          fetch(`${api}/v1/contacts`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': 'browser-cors-1' },
            body: JSON.stringify({ name: 'Browser Contact', email: 'browser@example.com' }),
          });
        const first = await create();
        const again = await create();
        const denied = await fetch(`${api}/v1/accounts/me`, { headers: { authorization: 'Bearer pk_live_notakey0000000000000000' } });
        return {
          me: { status: me.status, id: (await me.json()).id, requestId: me.headers.get('prolope-request-id') },
          first: { status: first.status, id: (await first.json()).id },
          again: { status: again.status, id: (await again.json()).id, replayed: again.headers.get('idempotent-replayed') },
          denied: { status: denied.status, code: (await denied.json()).code, requestId: denied.headers.get('prolope-request-id') },
        };
      },
      { api: t.url, key: c.key },
    );
    expect(got.me).toEqual({ status: 200, id: c.accountId, requestId: expect.stringMatching(/^req_/) });
    expect(got.first.status).toBe(201);
    expect(got.again).toEqual({ status: 201, id: got.first.id, replayed: 'true' });
    expect(got.denied).toEqual({ status: 401, code: 'invalid_api_key', requestId: expect.stringMatching(/^req_/) });
    // One contact: the replay wrote nothing.
    const contacts = await c.api.get('/v1/contacts');
    expect(contacts.body.data.map((x: { id: string }) => x.id)).toEqual([got.first.id]);
    // Chromium logs the 401 as a failed resource load; nothing else may be in the console.
    expect(problems.filter((p) => !p.includes('401 (Unauthorized)'))).toEqual([]);
    await page.close();
  });
});
