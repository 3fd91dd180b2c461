"""What the presentation-mode browser test measures (issue 13 §3), as page.evaluate snippets.

``TEXT_SIZES_JS``: the computed font size of every visible text on the page (the main area, the
chain canvas's shadow DOM and Plotly's SVG text included), smallest first.
``PLOTLY_SIZES_JS``: the font sizes Plotly was asked to draw, read from each chart's
``_fullLayout`` / ``_fullData`` (ticks, axis titles, legend, colour bars, annotations, 3D scenes).
``BOX_JS``: an element's bounding box (``[left, top, right, bottom]``, CSS px), by selector,
looking inside shadow roots too.
"""

from __future__ import annotations

TEXT_SIZES_JS = r"""() => {
  const out = [];
  const seen = (root) => {
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    let n;
    while ((n = w.nextNode())) {
      if (n.nodeType === 1) { if (n.shadowRoot) seen(n.shadowRoot); continue; }
      const text = n.textContent.replace(/[\s\u200b-\u200d\ufeff]+/g, ' ').trim();
      if (!text) continue;  // (KaTeX's zero-width struts are not text anyone reads)
      const el = n.parentElement;
      if (!el || el.closest('script, style, .katex-mathml')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || +cs.opacity === 0) continue;
      out.push({text: text.slice(0, 40), px: parseFloat(cs.fontSize)});
    }
  };
  seen(document.querySelector('[data-testid=stMain]'));
  return out.sort((a, b) => a.px - b.px);
}"""

PLOTLY_SIZES_JS = """() => [...document.querySelectorAll('[data-testid=stMain] .js-plotly-plot')].map(p => {
  const L = p._fullLayout, sizes = [];
  if (!L) return null;
  const add = (what, f) => { if (f && f.size != null) sizes.push([what, f.size]); };
  const axis = (name, a) => {
    if (!a || a.visible === false) return;
    if (a.showticklabels !== false) add(name + ' ticks', a.tickfont);
    if (a.title && a.title.text) add(name + ' title', a.title.font);
  };
  if (L.title && L.title.text) add('title', L.title.font);
  if (L.showlegend) add('legend', L.legend.font);
  for (const k of Object.keys(L)) {
    if (/^[xy]axis\\d*$/.test(k)) axis(k, L[k]);
    if (/^scene\\d*$/.test(k)) for (const a of ['xaxis', 'yaxis', 'zaxis']) axis(k + '.' + a, L[k][a]);
  }
  for (const a of L.annotations || []) if (a.visible !== false && a.text) add('annotation', a.font);
  for (const t of p._fullData || []) {
    const cb = t.showscale ? t.colorbar : (t.marker && t.marker.showscale ? t.marker.colorbar : null);
    if (cb) { add(t.type + ' colour bar ticks', cb.tickfont); if (cb.title && cb.title.text) add(t.type + ' colour bar title', cb.title.font); }
  }
  return {sizes, lines: (p._fullData || []).filter(t => t.line && t.mode && t.mode.includes('lines')).map(t => t.line.width)};
}).filter(Boolean)"""

BOX_JS = """(sel) => {
  const find = (root) => {
    const hit = root.querySelector(sel);
    if (hit) return hit;
    for (const e of root.querySelectorAll('*')) if (e.shadowRoot) { const h = find(e.shadowRoot); if (h) return h; }
    return null;
  };
  const e = find(document);
  if (!e) return null;
  const r = e.getBoundingClientRect();
  return [r.left, r.top, r.right, r.bottom];
}"""
