import { sofiaWallClockOf } from '@prolope/rules';
import { serviceName } from './services.js';
import type { Status } from './status-data.js';

/** Text for HTML content and quoted attribute values: every character that could end either is escaped. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STATE_LABEL: Record<string, string> = {
  operational: 'Operational',
  degraded: 'Degraded performance',
  outage: 'Outage',
  maintenance: 'Under maintenance',
};

const WINDOW_LABEL: Record<string, string> = { scheduled: 'Scheduled', in_progress: 'In progress', completed: 'Completed' };

/** `2026-11-10 12:20` as the clock in Sofia shows it, with the UTC instant in `datetime`. */
function time(at: string): string {
  return `<time datetime="${escapeHtml(at)}">${escapeHtml(sofiaWallClockOf(new Date(at)).replace('T', ' '))}</time>`;
}

const CSS = `
:root{color-scheme:light dark;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--maint:#0969da;--line:#d0d7de}
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1.5rem;max-width:52rem;margin-inline:auto}
h1{font-size:1.6rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.sub{color:#57606a;margin:0}
ul{list-style:none;padding:0;margin:0;border:1px solid var(--line);border-radius:6px}
li{padding:.6rem .9rem;border-top:1px solid var(--line);display:flex;justify-content:space-between;gap:1rem;flex-wrap:wrap}
li:first-child{border-top:0}
.state{font-weight:600}
.operational{color:var(--ok)}.degraded{color:var(--warn)}.outage,.critical{color:var(--bad)}.maintenance{color:var(--maint)}
.high{color:var(--warn)}
.none{color:#57606a;font-style:italic}
`;

// Refreshes the page from /status.json every 30 s: the data is written with textContent, never as HTML.
// Without JavaScript the page is complete as served; it just does not refresh itself.
const SCRIPT = `
(function(){
  var names={cloud_pbx:'Cloud PBX',contact_center:'Contact Center',voice_ai:'Voice AI',sip_trunking:'SIP Trunking',api:'API'};
  var labels=${JSON.stringify(STATE_LABEL)};
  var wl=${JSON.stringify(WINDOW_LABEL)};
  function el(tag,cls,text){var e=document.createElement(tag);if(cls)e.className=cls;if(text!=null)e.textContent=String(text);return e}
  var fmt=null;try{fmt=new Intl.DateTimeFormat('sv-SE',{timeZone:'Europe/Sofia',year:'numeric',month:'2-digit',day:'2-digit',hour:'2-digit',minute:'2-digit',hourCycle:'h23'})}catch(e){}
  function when(at){var t=el('time',null,fmt?fmt.format(new Date(at)):at.slice(0,16).replace('T',' ')+' UTC');t.setAttribute('datetime',at);return t}
  function list(id,items,empty,row){var ul=document.getElementById(id);if(!ul)return;ul.textContent='';
    if(!items.length){ul.appendChild(el('li','none',empty));return}
    items.forEach(function(x){ul.appendChild(row(x))})}
  function refresh(){
    fetch('status.json',{headers:{accept:'application/json'}}).then(function(r){return r.ok?r.json():null}).then(function(s){
      if(!s)return;
      list('services',s.services,'',function(x){var li=el('li');li.setAttribute('data-service',x.service);li.setAttribute('data-status',x.status);
        li.appendChild(el('span','name',x.name));li.appendChild(el('span','state '+x.status,labels[x.status]||x.status));return li});
      list('incidents',s.incidents,'No open incidents.',function(x){var li=el('li','incident');li.setAttribute('data-incident',x.id);
        var a=el('span');a.appendChild(el('span','severity '+x.severity,x.severity));a.appendChild(document.createTextNode(' \\u00b7 '+(names[x.service]||x.service)+' \\u00b7 '+x.status));
        li.appendChild(a);var b=el('span',null,'since ');b.appendChild(when(x.started_at));li.appendChild(b);return li});
      list('maintenance',s.maintenance,'No maintenance scheduled.',function(x){var li=el('li','window');li.setAttribute('data-window',x.id);
        var a=el('span');a.appendChild(el('strong',null,x.title));a.appendChild(document.createTextNode(' \\u00b7 '+x.services.map(function(v){return names[v]||v}).join(', ')+' \\u00b7 '+(wl[x.status]||x.status)));
        li.appendChild(a);var b=el('span');b.appendChild(when(x.starts_at));b.appendChild(document.createTextNode(' \\u2013 '));b.appendChild(when(x.ends_at));li.appendChild(b);return li});
      var sum=document.getElementById('summary');if(sum)sum.textContent=s.services.every(function(x){return x.status==='operational'})?'All services are operational.':'Some services are affected.';
      var u=document.getElementById('updated');if(u){u.textContent='';u.appendChild(when(s.updated_at))}
      document.body.setAttribute('data-refreshed',s.updated_at);
    }).catch(function(){});
  }
  setInterval(refresh,30000);
})();
`;

/** The public status page: self-contained (inline CSS, no external assets), complete without JavaScript. */
export function renderStatusPage(status: Status): string {
  const services = status.services
    .map(
      (s) =>
        `<li data-service="${escapeHtml(s.service)}" data-status="${escapeHtml(s.status)}"><span class="name">${escapeHtml(s.name)}</span><span class="state ${escapeHtml(s.status)}">${escapeHtml(STATE_LABEL[s.status] ?? s.status)}</span></li>`,
    )
    .join('\n');
  const incidents =
    status.incidents
      .map(
        (i) =>
          `<li class="incident" data-incident="${escapeHtml(i.id)}"><span><span class="severity ${escapeHtml(i.severity)}">${escapeHtml(i.severity)}</span> · ${escapeHtml(serviceName(i.service))} · ${escapeHtml(i.status)}</span><span>since ${time(i.started_at)}</span></li>`,
      )
      .join('\n') || '<li class="none">No open incidents.</li>';
  const maintenance =
    status.maintenance
      .map(
        (w) =>
          `<li class="window" data-window="${escapeHtml(w.id)}"><span><strong>${escapeHtml(w.title)}</strong> · ${escapeHtml(w.services.map(serviceName).join(', '))} · ${escapeHtml(WINDOW_LABEL[w.status] ?? w.status)}</span><span>${time(w.starts_at)} – ${time(w.ends_at)}</span></li>`,
      )
      .join('\n') || '<li class="none">No maintenance scheduled.</li>';
  const allOk = status.services.every((s) => s.status === 'operational');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Prolope status</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Prolope status</h1>
<p class="sub" id="summary">${allOk ? 'All services are operational.' : 'Some services are affected.'}</p>
<p class="sub">Updated <span id="updated">${time(status.updated_at)}</span> (Sofia time). Also as <a href="status.json">JSON</a>.</p>
</header>
<main>
<h2>Services</h2>
<ul id="services">
${services}
</ul>
<h2>Open incidents</h2>
<ul id="incidents">
${incidents}
</ul>
<h2>Maintenance</h2>
<ul id="maintenance">
${maintenance}
</ul>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
