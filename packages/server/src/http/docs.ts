import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import swaggerUiDir from 'swagger-ui-dist/absolute-path.js';
import { DOCS_CLIENT_JS } from './docs-client.js';
import { PROLOPE_LOGO_SVG } from './docs-logo.js';
import { renderDocsPage } from './docs-page.js';
import { DOCS_CSS } from './docs-style.js';
import { openapiDocument } from './operations.js';
import { listeningOrigin, requestOrigin, servedServers, servedSpec } from './served-spec.js';

export interface DocsOptions {
  /** PROLOPE_PUBLIC_URL: listed first in the served spec's `servers`. */
  publicUrl?: string | undefined;
}

const ASSETS = '/docs/assets';
// Swagger UI's own files, straight from swagger-ui-dist (the project's distribution, no CDN); only these two are served.
const SWAGGER_UI_FILES = new Set(['/swagger-ui-bundle.js', '/swagger-ui.css']);
const YEAR = 365 * 24 * 3600;

/** `name.<hash>.ext`: a new build changes the URL, so browsers may cache each file for good. */
function hashed(name: string, ext: string, body: string): string {
  return `${ASSETS}/${name}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${ext}`;
}

function sendAsset(reply: FastifyReply, type: string, body: string): FastifyReply {
  return reply.header('cache-control', `public, max-age=${YEAR}, immutable`).type(type).send(body);
}

/**
 * Serves the contract at /openapi.json, with `servers` naming this server, and the reference at
 * /docs: a server-rendered page (title, logo, every operation) that Swagger UI takes over with
 * "Try it out". Every asset is local; the page loads nothing from elsewhere.
 */
export async function registerDocs(app: FastifyInstance, opts: DocsOptions = {}): Promise<void> {
  const swaggerUiRoot = swaggerUiDir();
  const swaggerUiVersion = (JSON.parse(readFileSync(join(swaggerUiRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const swaggerUiPrefix = `${ASSETS}/swagger-ui/${swaggerUiVersion}/`;
  const assets = {
    spec: '/openapi.json',
    css: hashed('docs', 'css', DOCS_CSS),
    script: hashed('docs', 'js', DOCS_CLIENT_JS),
    logo: hashed('prolope-logo', 'svg', PROLOPE_LOGO_SVG),
    swaggerUiCss: `${swaggerUiPrefix}swagger-ui.css`,
    swaggerUiBundle: `${swaggerUiPrefix}swagger-ui-bundle.js`,
  };

  const spec = servedSpec(openapiDocument, { 'x-logo': { url: assets.logo, altText: 'Prolope' } });
  app.get('/openapi.json', async (req, reply) =>
    reply.type('application/json').send(spec(servedServers(opts.publicUrl, requestOrigin(req), listeningOrigin(app)))),
  );

  const page = renderDocsPage(openapiDocument as never, assets);
  // "Try it out" calls the servers the spec lists: this origin, and the public URL when it is another.
  const connect = ["'self'", ...(opts.publicUrl ? [new URL(opts.publicUrl).origin] : [])].join(' ');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // Swagger UI (React) sets style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  app.get('/docs', async (_req, reply) =>
    reply
      .header('content-security-policy', csp)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(page),
  );
  app.get('/docs/', async (_req, reply) => reply.redirect('/docs', 301));
  app.get(assets.css, async (_req, reply) => sendAsset(reply, 'text/css; charset=utf-8', DOCS_CSS));
  app.get(assets.script, async (_req, reply) => sendAsset(reply, 'text/javascript; charset=utf-8', DOCS_CLIENT_JS));
  app.get(assets.logo, async (_req, reply) => sendAsset(reply, 'image/svg+xml', PROLOPE_LOGO_SVG));

  await app.register(fastifyStatic, {
    root: swaggerUiRoot,
    prefix: swaggerUiPrefix,
    decorateReply: false,
    index: false,
    list: false,
    allowedPath: (path) => SWAGGER_UI_FILES.has(path),
    // The version is in the URL, so the files never change under it.
    maxAge: YEAR * 1000,
    immutable: true,
  });
}
