import escapeHtml from 'escape-html';
import { PROLOPE_LOGO_SVG } from './docs-logo.js';

type Operation = { operationId?: string; summary?: string; tags?: string[]; deprecated?: boolean };
type Doc = {
  info?: { title?: string; version?: string; summary?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, Operation | unknown>>;
  webhooks?: Record<string, Record<string, Operation | unknown>>;
};

/** Where the page's files are served; asset names carry a version or a content hash, so they are cached for good. */
export interface DocsPageAssets {
  spec: string;
  css: string;
  script: string;
  logo: string;
  swaggerUiCss: string;
  swaggerUiBundle: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

interface ListedOperation {
  method: string;
  path: string;
  id: string | undefined;
  summary: string;
  deprecated: boolean;
}

function operationsOf(items: Doc['paths']): Map<string, ListedOperation[]> {
  const byTag = new Map<string, ListedOperation[]>();
  for (const [path, item] of Object.entries(items ?? {})) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.includes(method) || !raw || typeof raw !== 'object') continue;
      const op = raw as Operation;
      const tag = op.tags?.[0] ?? 'default';
      const list = byTag.get(tag) ?? [];
      list.push({ method, path, id: op.operationId, summary: op.summary ?? '', deprecated: op.deprecated === true });
      byTag.set(tag, list);
    }
  }
  return byTag;
}

function operationItem(tag: string, op: ListedOperation): string {
  const body = `<span class="m ${op.method}">${op.method}</span><code>${escapeHtml(op.path)}</code><span>${escapeHtml(op.summary)}${op.deprecated ? ' (deprecated)' : ''}</span>`;
  // Swagger UI's deep-link form: followed before it has loaded, it still opens the operation once it has.
  if (!op.id) return `<li><span class="op">${body}</span></li>`;
  return `<li><a href="#/${encodeURIComponent(tag)}/${encodeURIComponent(op.id)}">${body}</a></li>`;
}

/**
 * The /docs page as the server sends it: title, logo and every operation, readable before any script
 * runs (Swagger UI's bundle takes a few seconds to start on a slow machine). Swagger UI then renders
 * the same operations with "Try it out" and the page swaps to it. Computed once at startup.
 */
export function renderDocsPage(doc: Doc, assets: DocsPageAssets): string {
  const title = doc.info?.title ?? 'API';
  const version = doc.info?.version ?? '';
  const byTag = operationsOf(doc.paths);
  const tagOrder = [...(doc.tags ?? []).map((t) => t.name), ...[...byTag.keys()].filter((t) => !doc.tags?.some((d) => d.name === t))];
  const sections = tagOrder
    .filter((tag) => byTag.has(tag))
    .map((tag) => {
      const description = doc.tags?.find((t) => t.name === tag)?.description;
      const ops = byTag
        .get(tag)!
        .map((op) => operationItem(tag, op))
        .join('');
      return `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${description ? `<p>${escapeHtml(description)}</p>` : ''}<ul class="ops">${ops}</ul>`;
    });
  const events = Object.entries(doc.webhooks ?? {}).map(([name, item]) => {
    const op = (item.post ?? {}) as Operation;
    return `<li><span class="op"><span class="m event">event</span><code>${escapeHtml(name)}</code><span>${escapeHtml(op.summary ?? '')}</span></span></li>`;
  });
  if (events.length > 0) {
    sections.push(`<h2 id="webhooks">Webhooks</h2><p>Events Prolope sends to your webhook endpoints.</p><ul class="ops">${events.join('')}</ul>`);
  }
  const e = escapeHtml;
  return `<!doctype html>
<html lang="en" data-spec="${e(assets.spec)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<meta name="description" content="${e(`${title} reference: every operation, with Try it out.`)}">
<link rel="icon" type="image/svg+xml" href="${e(assets.logo)}">
<link rel="preload" href="${e(assets.spec)}" as="fetch" crossorigin>
<link rel="stylesheet" href="${e(assets.swaggerUiCss)}">
<link rel="stylesheet" href="${e(assets.css)}">
<script defer src="${e(assets.swaggerUiBundle)}"></script>
<script defer src="${e(assets.script)}"></script>
<noscript><style>#shell-note{display:none}</style></noscript>
</head>
<body>
<header class="bar"><a class="brand" href="/docs">${PROLOPE_LOGO_SVG}<span>${e(title)}</span></a><span class="ver">${e(version)}</span>
<nav><a href="${e(assets.spec)}">openapi.json</a><a href="/status">Status</a></nav></header>
<main id="shell" aria-busy="true">
<h1>${e(title)}<small>${e(version)}</small></h1>
${doc.info?.summary ? `<p>${e(doc.info.summary)}</p>` : ''}
<p class="note" id="shell-note">Loading the interactive console (Authorize, Try it out)…</p>
<noscript><p class="note">Try it out needs JavaScript; this list and <a href="${e(assets.spec)}">openapi.json</a> work without it.</p></noscript>
${sections.join('\n')}
</main>
<div id="swagger-ui"></div>
</body>
</html>
`;
}
