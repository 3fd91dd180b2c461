// What the sampler did (payload keys rec and exact; ui/mcmc/canvas/records.py writes them): HMC's
// leapfrog path and initial momentum, Langevin's drift and noise arrows and MALA's 1-σ proposal
// circle, drawn on the overlay at the current step; i.i.d. draws from the exact p_T, drawn once
// on the trail layer under the chains' paths.  Kept apart from draw.js: three one-line hooks call
// in here (main.js setData, draw.js draw and drawOverlay).

const REC_COLORS = { path: "#ffffff", momentum: "#ff5fd2", drift: "#00e0ff", noise: "#ffd23f" };
const ANIMATE_MAX_SPEED = 12;  // steps/s at most for the leapfrog path to grow along the step

// d.rec / d.exact into typed arrays of data coordinates (same uint16 codes as the clip's points).
function decodeRecords(d) {
  const q = Array.isArray(d.q) && d.q.length === 4 ? d.q.map(Number) : [0, 1, 0, 1];
  const points = (s) => {
    const u = b64U16(s), out = new Float32Array(u.length);
    for (let i = 0; i < u.length; i++) out[i] = u[i] === 65535 ? NaN : q[2 * (i & 1)] + u[i] * q[2 * (i & 1) + 1] / 65534;
    return out;
  };
  let rec = null, exact = null;
  const r = d.rec, e = d.exact;
  if (r && r.pts && (r.per | 0) > 0) {
    const pts = points(r.pts), C = Math.max(1, d.n_chains | 0), per = r.per | 0;
    const k = Math.min(r.k | 0, Math.floor(pts.length / (2 * C * per)));
    rec = { kind: String(r.kind || ""), k, per, pts, scale: +r.scale || 0, sigma: +r.sigma || 0 };
  }
  if (e && e.pts) {
    const pts = points(e.pts);
    exact = { n: Math.min(e.n | 0, pts.length >> 1), of: e.of | 0, pts };
  }
  return { rec, exact };
}

// ------------------------------------------------------------------- exact draws (trail layer)
function drawExactDraws(st) {
  const E = st.clip && st.clip.exact, L = st.layout;
  setAttr(st, "data-exact", E ? String(E.n) : "0");
  if (!E || !L) return;
  const c = st.trailCtx, p = E.pts;
  c.save();
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  clipToPlot(c, L);
  // dark rim, light centre: visible on both ends of viridis (density: dense = yellow; energy: purple)
  for (const [col, r] of [["rgba(0,0,0,0.55)", 1.6], ["rgba(255,255,255,0.9)", 0.8]]) {
    c.fillStyle = col;
    for (let i = 0; i < 2 * E.n; i += 2) {
      const x = p[i], y = p[i + 1];
      if (!fin(x, y) || x < L.x0 || x > L.x1 || y < L.y0 || y > L.y1) continue;
      c.fillRect(px(L, x) - r, py(L, y) - r, 2 * r, 2 * r);
    }
  }
  c.restore();
}

// ----------------------------------------------------------- the current step (overlay layer)
// HMC, transition j of chain ch: the path x_j, x_1 … x_{L−1}, x' in px, and the momentum tip.
function leapfrogPoints(st, j, ch) {
  const { C, pos, prop, rec } = st.clip, L = st.layout, p = (j * C + ch) * 2;
  const base = (j * C + ch) * rec.per * 2;
  if (!fin(pos[p], pos[p + 1]) || !fin(prop[p], prop[p + 1])) return null;
  const pts = [px(L, pos[p]), py(L, pos[p + 1])];
  for (let k = 0; k < rec.per - 1; k++) {
    const x = rec.pts[base + 2 * k], y = rec.pts[base + 2 * k + 1];
    if (fin(x, y)) pts.push(px(L, x), py(L, y));
  }
  pts.push(px(L, prop[p]), py(L, prop[p + 1]));
  const tx = rec.pts[base + 2 * (rec.per - 1)], ty = rec.pts[base + 2 * (rec.per - 1) + 1];
  return { pts, tip: fin(tx, ty) ? [px(L, tx), py(L, ty)] : null };
}

function polyline(c, pts, n) {
  c.beginPath();
  c.moveTo(pts[0], pts[1]);
  for (let k = 2; k < n; k += 2) c.lineTo(pts[k], pts[k + 1]);
}

function drawLeapfrog(c, st, j, ch, growPath) {
  const lf = leapfrogPoints(st, j, ch);
  if (!lf) return;
  const { pts, tip } = lf;
  if (tip) { arrow(c, [pts[0], pts[1], tip[0], tip[1]], REC_COLORS.momentum, 0.95, 2.2); growPath([pts[0], pts[1], tip[0], tip[1]]); }
  polyline(c, pts, pts.length);
  c.strokeStyle = "rgba(0,0,0,0.6)"; c.lineWidth = 3.4; c.stroke();
  c.strokeStyle = REC_COLORS.path; c.lineWidth = 1.5; c.stroke();
  for (let k = 2; k < pts.length - 2; k += 2) {
    c.beginPath();
    c.arc(pts[k], pts[k + 1], 2.4, 0, 2 * Math.PI);
    c.fillStyle = REC_COLORS.path; c.fill();
    c.strokeStyle = "rgba(0,0,0,0.7)"; c.lineWidth = 1; c.stroke();
  }
  growPath(pts);
}

// While playing slowly, transition i grows along its leapfrog path over the step's time (f in [0, 1]).
function drawLeapfrogGrowing(c, st, i, ch, f, growPath) {
  const lf = leapfrogPoints(st, i, ch);
  if (!lf) return;
  const pts = lf.pts, segs = pts.length / 2 - 1, t = f * segs, k = Math.min(segs - 1, Math.floor(t)), u = t - k;
  const hx = pts[2 * k] + u * (pts[2 * k + 2] - pts[2 * k]), hy = pts[2 * k + 1] + u * (pts[2 * k + 3] - pts[2 * k + 1]);
  const part = pts.slice(0, 2 * k + 2).concat([hx, hy]);
  polyline(c, part, part.length);
  c.setLineDash([4, 3]);
  c.strokeStyle = REC_COLORS.path; c.lineWidth = 1.5; c.globalAlpha = 0.85; c.stroke();
  c.setLineDash([]);
  c.globalAlpha = 1;
  c.beginPath();
  c.arc(hx, hy, 4, 0, 2 * Math.PI);
  c.fillStyle = st.clip.colors[ch]; c.fill();
  c.strokeStyle = "rgba(0,0,0,0.75)"; c.lineWidth = 1.2; c.stroke();
  growPath(part);
}

// ULA / MALA, transition j of chain ch: drift x → x + drift, noise x + drift → x', MALA's circle.
function drawLangevin(c, st, j, ch, growPath) {
  const { C, pos, prop, rec } = st.clip, L = st.layout, p = (j * C + ch) * 2, b = (j * C + ch) * rec.per * 2;
  const x = pos[p], y = pos[p + 1], mx = rec.pts[b], my = rec.pts[b + 1], qx = prop[p], qy = prop[p + 1];
  if (!fin(x, y) || !fin(mx, my)) return;
  const a = [px(L, x), py(L, y), px(L, mx), py(L, my)];
  if (rec.kind === "mala" && rec.sigma > 0) {
    const r = rec.sigma * L.s;
    c.beginPath();
    c.arc(a[2], a[3], r, 0, 2 * Math.PI);
    c.setLineDash([5, 4]);
    c.strokeStyle = "rgba(0,0,0,0.5)"; c.lineWidth = 3; c.stroke();
    c.strokeStyle = "rgba(255,255,255,0.9)"; c.lineWidth = 1.4; c.stroke();
    c.setLineDash([]);
    growPath([a[2] - r, a[3] - r, a[2] + r, a[3] + r]);
  }
  arrow(c, a, REC_COLORS.drift, 0.95, 2.2);
  growPath(a);
  if (fin(qx, qy)) {
    const n = [a[2], a[3], px(L, qx), py(L, qy)];
    arrow(c, n, REC_COLORS.noise, 0.95, 2.2);
    growPath(n);
  }
}

// Hook (drawOverlay): the records of the transition whose arrow is drawn now (x_{i−1} → x').
function drawStepRecords(st, c, growPath) {
  const clip = st.clip, R = clip && clip.rec;
  if (!R || R.k < 1) { setAttr(st, "data-rec", ""); return; }
  const j = st.step - 1;
  for (let ch = 0; ch < clip.C; ch++) {
    if (j >= 0 && j < R.k) (R.kind === "hmc" ? drawLeapfrog : drawLangevin)(c, st, j, ch, growPath);
    if (R.kind === "hmc" && st.playing && st.speed <= ANIMATE_MAX_SPEED && st.step < Math.min(R.k, clip.N)) {
      drawLeapfrogGrowing(c, st, st.step, ch, Math.min(1, Math.max(0, st.accum)), growPath);
    }
  }
  setAttr(st, "data-rec", R.kind + ":" + R.k);
}

// Hook (setData): the legend's entries for these layers.
function recordsLegendHtml(clip) {
  const lab = clip.labels, R = clip.rec, E = clip.exact;
  const arrowSvg = (col) =>
    '<svg viewBox="0 0 28 14"><path d="M2 7h17" stroke="' + col + '" stroke-width="3"/><path d="M27 7l-9-5v10z" fill="' + col + '"/></svg>';
  const item = (svg, text) => (text ? "<span>" + svg + esc(text) + "</span>" : "");
  let h = "";
  if (R) {
    if (R.kind === "hmc") {
      h += item('<svg viewBox="0 0 28 14"><path d="M2 11L9 5L16 7L26 3" fill="none" stroke="#000" stroke-opacity="0.5" stroke-width="3.4"/>' +
                '<path d="M2 11L9 5L16 7L26 3" fill="none" stroke="#fff" stroke-width="1.5"/><circle cx="9" cy="5" r="2.2" fill="#fff" stroke="#000"/>' +
                '<circle cx="16" cy="7" r="2.2" fill="#fff" stroke="#000"/></svg>', lab.rec_path);
      h += item(arrowSvg(REC_COLORS.momentum), lab.rec_momentum);
    } else {
      h += item(arrowSvg(REC_COLORS.drift), lab.rec_drift);
      h += item(arrowSvg(REC_COLORS.noise), lab.rec_noise);
      if (R.kind === "mala") {
        h += item('<svg viewBox="0 0 28 14"><circle cx="14" cy="7" r="5.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-dasharray="3 2"/></svg>', lab.rec_circle);
      }
    }
    if (R.k < clip.nTotal && lab.rec_note) h += "<span>(" + esc(fmt(lab.rec_note, { k: R.k })) + ")</span>";
  }
  if (E && lab.exact_note) {
    h += item('<svg viewBox="0 0 28 14"><rect x="4" y="3" width="3" height="3" fill="currentColor"/><rect x="13" y="8" width="3" height="3" fill="currentColor"/>' +
              '<rect x="20" y="4" width="3" height="3" fill="currentColor"/></svg>', fmt(lab.exact_note, { n: E.n, of: E.of }));
  }
  return h;
}
