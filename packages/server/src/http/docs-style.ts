/**
 * The page's own styles: the Prolope bar and the server-rendered operation list shown until
 * Swagger UI has rendered (method colours match Swagger UI's, so the hand-over does not flash).
 * `overflow-anchor:none`: from 150 tags and operations Swagger UI draws only those near the viewport,
 * and the browser's scroll anchoring then fought its placement (a reader scrolling up was pushed back).
 */
export const DOCS_CSS = `
body{margin:0;overflow-anchor:none;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#fff}
.bar{display:flex;align-items:center;gap:.75rem;padding:.6rem 1.25rem;background:#14142b;color:#fff}
.bar a{color:inherit;text-decoration:none}
.brand{display:flex;align-items:center;gap:.55rem;font-weight:600;font-size:1.05rem}
.brand svg{width:28px;height:28px;display:block}
.bar .ver{opacity:.75;font-size:.85rem}
.bar nav{margin-left:auto;display:flex;gap:1.1rem;font-size:.9rem}
.bar nav a:hover{text-decoration:underline}
#shell{max-width:1460px;margin:0 auto;padding:0 20px 2rem;box-sizing:border-box}
#shell h1{font-size:1.9rem;margin:1.5rem 0 .25rem}
#shell h1 small{font-size:.9rem;font-weight:400;color:#57606a;margin-left:.5rem}
#shell h2{font-size:1.25rem;margin:1.75rem 0 .25rem;padding-bottom:.35rem;border-bottom:1px solid #d8dee4}
#shell h2+p{margin:.25rem 0 .5rem;color:#57606a;font-size:.92rem}
.note{display:inline-block;margin:.75rem 0;padding:.4rem .75rem;border-radius:4px;background:#fff8c5;border:1px solid #e6d58a;font-size:.9rem}
.ops{list-style:none;padding:0;margin:0}
.ops li{margin:.3rem 0}
.ops a,.ops span.op{display:flex;gap:.75rem;align-items:center;padding:.3rem .5rem;border:1px solid #d8dee4;border-radius:4px;color:inherit;text-decoration:none}
.ops a:hover{background:#f6f8fa}
.ops code{font:600 .9rem ui-monospace,SFMono-Regular,Menlo,monospace}
.m{display:inline-block;min-width:4.75rem;text-align:center;font:700 .8rem/1.7 ui-monospace,SFMono-Regular,Menlo,monospace;color:#fff;border-radius:3px;text-transform:uppercase}
.m.get{background:#61affe}.m.post{background:#49cc90}.m.put{background:#fca130}.m.patch{background:#50e3c2}.m.delete{background:#f93e3e}.m.head{background:#9012fe}.m.event{background:#6e7781}
body.console-ready #shell{display:none}
body:not(.console-ready) #swagger-ui{display:none}
`;
