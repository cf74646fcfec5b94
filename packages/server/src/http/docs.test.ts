import { request } from 'node:http';
import escapeHtml from 'escape-html';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test/harness.js';
import { renderDocsPage } from './docs-page.js';
import { openapiDocument, operationTable } from './operations.js';
import { servedServers } from './served-spec.js';

/** GET with a Host header of our choosing (fetch sets its own). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const assetsOf = (html: string) => [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));

describe('served spec and /docs', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite');
  });
  afterAll(() => t?.close());

  it('names this server in servers (not a fixed localhost:3000), with the Prolope title and logo', async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const doc = await res.json();
    expect(doc.servers).toEqual([{ url: t.url, description: 'This server, as you reached it' }]);
    expect(Object.keys(doc).slice(0, 3)).toEqual(['openapi', 'info', 'servers']);
    expect(doc.info.title).toBe('Prolope API');
    expect(Object.keys(doc.paths)).toEqual(Object.keys(openapiDocument.paths));
    const logo = await fetch(new URL(doc.info['x-logo'].url, t.url));
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(await logo.text()).toContain('aria-label="Prolope"');
  });

  it('follows the Host the request came with, and falls back to where it listens for an odd one', async () => {
    const port = new URL(t.url).port;
    const viaName = await getWithHost(`${t.url}/openapi.json`, `localhost:${port}`);
    expect(JSON.parse(viaName.body).servers).toEqual([{ url: `http://localhost:${port}`, description: 'This server, as you reached it' }]);
    for (const odd of ['evil.example"><script>', 'a b', 'x/y', 'host:123456', 'a:b:c']) {
      const res = await getWithHost(`${t.url}/openapi.json`, odd);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body).servers, odd).toEqual([{ url: t.url, description: 'This server' }]);
    }
  });

  it('serves a page with the title, logo and every operation before any script runs, and only local assets', async () => {
    const res = await fetch(`${t.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain('<title>Prolope API</title>');
    expect(html).not.toMatch(/swagger ui<\/title>|fastify/i);
    expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="\/docs\/assets\/prolope-logo\.[0-9a-f]{12}\.svg">/);
    // Every operation is listed in the HTML itself, linked to Swagger UI's deep link.
    const table = operationTable();
    expect(table.size).toBeGreaterThan(100);
    for (const op of table.values()) {
      const summary = (openapiDocument.paths[op.path]![op.method.toLowerCase()] as { summary?: string }).summary!;
      expect(html).toContain(`<code>${escapeHtml(op.path)}</code><span>${escapeHtml(summary)}`);
    }
    expect(html).toContain('<a href="#/apiKeys/apiKeys.list"><span class="m get">get</span><code>/v1/api-keys</code><span>List API keys</span></a>');
    expect(html).not.toMatch(/<script>/);

    const assets = assetsOf(html).filter((a) => !a.startsWith('#'));
    expect(assets.length).toBeGreaterThan(5);
    for (const asset of assets) {
      expect(asset, 'nothing is loaded from another host').toMatch(/^\/[^/]/);
      if (asset === '/status') continue;
      const got = await fetch(t.url + asset);
      expect(got.status, asset).toBe(200);
      expect((await got.arrayBuffer()).byteLength, asset).toBeGreaterThan(100);
      if (asset.startsWith('/docs/assets/')) expect(got.headers.get('cache-control'), asset).toContain('immutable');
    }
  });

  it("serves only Swagger UI's two files from its folder, and redirects /docs/", async () => {
    const html = await (await fetch(`${t.url}/docs`)).text();
    const bundle = assetsOf(html).find((a) => a.endsWith('/swagger-ui-bundle.js'))!;
    const folder = bundle.slice(0, bundle.lastIndexOf('/') + 1);
    for (const other of ['package.json', 'index.html', 'swagger-initializer.js', 'swagger-ui-bundle.js.map', '../../../../package.json']) {
      const res = await fetch(t.url + folder + other);
      expect(res.status, other).toBe(404);
      expect((await res.json()).code).toBe('route_not_found');
    }
    const slash = await fetch(`${t.url}/docs/`, { redirect: 'manual' });
    expect(slash.status).toBe(301);
    expect(slash.headers.get('location')).toBe('/docs');
  });
});

describe('served spec with PROLOPE_PUBLIC_URL', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('sqlite', { config: { publicUrl: 'https://api.prolope.test/' } });
  });
  afterAll(() => t?.close());

  it('lists the public URL first and this server second, and lets the page call both', async () => {
    const doc = await (await fetch(`${t.url}/openapi.json`)).json();
    expect(doc.servers).toEqual([
      { url: 'https://api.prolope.test', description: 'Public address (PROLOPE_PUBLIC_URL)' },
      { url: t.url, description: 'This server, as you reached it' },
    ]);
    const page = await fetch(`${t.url}/docs`);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self' https://api.prolope.test;");
  });
});

describe('docs building blocks', () => {
  it('lists each server once, without a trailing slash', () => {
    expect(servedServers('http://127.0.0.1:3000/', 'http://127.0.0.1:3000', undefined)).toEqual([
      { url: 'http://127.0.0.1:3000', description: 'Public address (PROLOPE_PUBLIC_URL)' },
    ]);
    expect(servedServers(undefined, undefined, 'http://127.0.0.1:4000')).toEqual([{ url: 'http://127.0.0.1:4000', description: 'This server' }]);
    expect(servedServers(undefined, undefined, undefined)).toEqual([]);
  });

  it('escapes whatever the spec says', () => {
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const html = renderDocsPage(
      {
        info: { title: evil, version: evil, summary: evil },
        tags: [{ name: evil, description: evil }],
        paths: { [`/v1/${evil}`]: { get: { operationId: evil, summary: evil, tags: [evil] } } },
        webhooks: { [evil]: { post: { summary: evil } } },
      },
      { spec: '/openapi.json', css: '/c.css', script: '/s.js', logo: '/l.svg', swaggerUiCss: '/u.css', swaggerUiBundle: '/u.js' },
    );
    expect(html).not.toContain('<img');
    expect(html).not.toContain('"\'&');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).toContain(`href="#/${encodeURIComponent(evil)}/${encodeURIComponent(evil)}"`);
  });
});
