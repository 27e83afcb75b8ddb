"""`GET /docs`: a page listing the API from /openapi.json, with no asset from the internet.

FastAPI's Swagger UI loads its JavaScript and CSS from a CDN, which an offline server cannot
reach; this page is plain HTML plus a few lines of inline script that render the schema's paths,
methods, summaries and request bodies."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>cozelite API</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}
code,pre{background:#f4f4f4;padding:.1rem .3rem}
.op{border-top:1px solid #ddd;padding:.5rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:bold}
</style></head>
<body><h1>cozelite API</h1>
<p>The machine-readable schema is <a href="/openapi.json">/openapi.json</a>. Every /v1 request needs
<code>Authorization: Bearer &lt;key&gt;</code> (<code>cozelite keys create USER</code>).</p>
<div id="ops">loading /openapi.json ...</div>
<script>
fetch("/openapi.json").then(r => r.json()).then(spec => {
  const out = document.getElementById("ops");
  out.textContent = "";
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const div = document.createElement("div");
      div.className = "op";
      const m = document.createElement("span"); m.className = "m"; m.textContent = method.toUpperCase();
      const p = document.createElement("code"); p.textContent = path;
      const s = document.createElement("div"); s.textContent = op.summary || "";
      div.append(m, p, s);
      const body = op.requestBody && op.requestBody.content;
      if (body) {
        const pre = document.createElement("pre");
        pre.textContent = Object.keys(body).join(", ") + ": " + JSON.stringify(Object.values(body)[0].schema);
        div.append(pre);
      }
      out.append(div);
    }
  }
});
</script></body></html>
"""


@router.get("/docs", response_class=HTMLResponse)
def docs() -> HTMLResponse:
    return HTMLResponse(_PAGE)
