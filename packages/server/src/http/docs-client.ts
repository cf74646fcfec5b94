/**
 * The script that starts Swagger UI on /docs, served as a file of its own so the page's CSP can
 * forbid inline scripts. It hands over from the server-rendered list once the operations rendered.
 * Plain ES2017 for any current browser; it is not bundled.
 */
export const DOCS_CLIENT_JS = `'use strict';
(function () {
  var shell = document.getElementById('shell');
  var note = document.getElementById('shell-note');
  var target = document.getElementById('swagger-ui');
  if (typeof window.SwaggerUIBundle !== 'function') {
    note.textContent = 'The interactive console did not load. The list below and /openapi.json still work.';
    return;
  }
  function reveal() {
    document.body.classList.add('console-ready');
    shell.setAttribute('aria-busy', 'false');
  }
  window.ui = window.SwaggerUIBundle({
    url: document.documentElement.getAttribute('data-spec'),
    dom_id: '#swagger-ui',
    layout: 'BaseLayout',
    deepLinking: true,
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    filter: true,
    // Swagger UI would otherwise load a badge from validator.swagger.io: this page makes no outside request.
    validatorUrl: null,
    // A key typed into Authorize stays in this tab's memory only, never in localStorage.
    persistAuthorization: false,
    onComplete: function () {
      if (target.querySelector('.opblock')) return reveal();
      var watch = new MutationObserver(function () {
        if (!target.querySelector('.opblock')) return;
        watch.disconnect();
        reveal();
      });
      watch.observe(target, { childList: true, subtree: true });
    },
  });
})();
`;
