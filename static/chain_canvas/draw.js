// Drawing: the landscape (heatmap, contours, axes, colour bar) on a background canvas, the
// paths so far on the trail canvas, and the moving parts on a transparent overlay.

const VIRIDIS = "44015448186a472d7b4240863b528b33638d2c728e26828e21918c1fa08828ae803fbc735ec96284d44baddc30d8e219fde725";
const ACC_COLOR = "#2ca02c", REJ_COLOR = "#d62728", EMPTY_RGB = [205, 205, 205];
const FADE_CHAIN_STEPS = 32;     // rejected proposals fade out over ~32 / C steps (2..8)
const MARGIN = { left: 58, right: 92, top: 12, bottom: 46 };

const LUT = (() => {
  const stops = [];
  for (let i = 0; i < VIRIDIS.length; i += 6) {
    stops.push([0, 2, 4].map((k) => parseInt(VIRIDIS.substr(i + k, 2), 16)));
  }
  const at = stops.map((_, k) => (k === stops.length - 1 ? 255 : k * 16));
  const lut = new Uint8ClampedArray(256 * 3);
  let k = 0;
  for (let v = 0; v < 256; v++) {
    while (k < stops.length - 2 && v > at[k + 1]) k++;
    const t = (v - at[k]) / (at[k + 1] - at[k]);
    for (let c = 0; c < 3; c++) lut[v * 3 + c] = Math.round(stops[k][c] + t * (stops[k + 1][c] - stops[k][c]));
  }
  return lut;
})();

function niceTicks(lo, hi, want) {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, want);
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / p;
  const step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * p;
  const out = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  return out;
}
function fmtTick(t) {
  const a = Math.abs(t);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return t.toExponential(1);
  return String(+t.toPrecision(6));
}
function fmtValue(v) {
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e4 || a < 1e-2)) return v.toExponential(1);
  return String(+v.toPrecision(3));
}

// Marching squares on the quantised grid (255 = empty).  Segments in grid-index units.
function contourSegments(q, nx, ny, nLevels) {
  const out = [];
  if (!(nLevels > 0) || nx < 2 || ny < 2) return new Float32Array(0);
  for (let k = 0; k < nLevels; k++) {
    const lev = (254 * (k + 0.5)) / nLevels + 0.013;
    for (let iy = 0; iy < ny - 1; iy++) {
      const r0 = iy * nx, r1 = r0 + nx;
      for (let ix = 0; ix < nx - 1; ix++) {
        const a = q[r0 + ix], b = q[r0 + ix + 1], c = q[r1 + ix + 1], d = q[r1 + ix];
        if (a === 255 || b === 255 || c === 255 || d === 255) continue;
        const idx = (a > lev ? 1 : 0) | (b > lev ? 2 : 0) | (c > lev ? 4 : 0) | (d > lev ? 8 : 0);
        if (idx === 0 || idx === 15) continue;
        const e0x = ix + (lev - a) / (b - a), e0y = iy;
        const e1x = ix + 1, e1y = iy + (lev - b) / (c - b);
        const e2x = ix + (lev - d) / (c - d), e2y = iy + 1;
        const e3x = ix, e3y = iy + (lev - a) / (d - a);
        switch (idx) {
          case 1: case 14: out.push(e0x, e0y, e3x, e3y); break;
          case 2: case 13: out.push(e0x, e0y, e1x, e1y); break;
          case 3: case 12: out.push(e3x, e3y, e1x, e1y); break;
          case 4: case 11: out.push(e1x, e1y, e2x, e2y); break;
          case 6: case 9: out.push(e0x, e0y, e2x, e2y); break;
          case 7: case 8: out.push(e2x, e2y, e3x, e3y); break;
          case 5: case 10: {
            const centre = (a + b + c + d) / 4 > lev;
            if ((idx === 5) === centre) out.push(e0x, e0y, e1x, e1y, e2x, e2y, e3x, e3y);
            else out.push(e0x, e0y, e3x, e3y, e1x, e1y, e2x, e2y);
            break;
          }
        }
      }
    }
  }
  return new Float32Array(out);
}

function heatImage(grid) {
  const { nx, ny, q } = grid;
  const cv = document.createElement("canvas");
  cv.width = Math.max(1, nx); cv.height = Math.max(1, ny);
  if (nx < 1 || ny < 1 || q.length < nx * ny) return cv;
  const cx = cv.getContext("2d");
  const img = cx.createImageData(nx, ny);
  const px = img.data;
  for (let iy = 0; iy < ny; iy++) {
    const row = (ny - 1 - iy) * nx;  // row 0 of the grid is the bottom (y0)
    for (let ix = 0; ix < nx; ix++) {
      const v = q[iy * nx + ix], o = (row + ix) * 4;
      if (v === 255) { px[o] = EMPTY_RGB[0]; px[o + 1] = EMPTY_RGB[1]; px[o + 2] = EMPTY_RGB[2]; }
      else { px[o] = LUT[v * 3]; px[o + 1] = LUT[v * 3 + 1]; px[o + 2] = LUT[v * 3 + 2]; }
      px[o + 3] = 255;
    }
  }
  cx.putImageData(img, 0, 0);
  return cv;
}

function colorbarImage() {
  const cv = document.createElement("canvas");
  cv.width = 1; cv.height = 256;
  const cx = cv.getContext("2d");
  const img = cx.createImageData(1, 256);
  for (let v = 0; v < 256; v++) {
    const o = (255 - v) * 4;
    img.data[o] = LUT[v * 3]; img.data[o + 1] = LUT[v * 3 + 1]; img.data[o + 2] = LUT[v * 3 + 2]; img.data[o + 3] = 255;
  }
  cx.putImageData(img, 0, 0);
  return cv;
}

// ---------------------------------------------------------------------------- layout
// Sizes are read only when the ResizeObserver (or new data) marked the layout dirty, so
// a playing frame never forces a synchronous layout.
function measure(st) {
  const dpr = st.exportDpr || Math.max(1, Math.min(3, window.devicePixelRatio || 1));  // (export.js)
  if (st.layoutDirty || !st.layout || dpr !== st.dpr) {
    const w = Math.floor(st.stage.clientWidth), h = Math.floor(st.stage.clientHeight);
    if (w < 2 || h < 2) return false;
    st.cssW = w; st.cssH = h; st.dpr = dpr;
    for (const cv of [st.canvas, st.bg, st.trail]) {
      cv.width = Math.round(w * dpr);
      cv.height = Math.round(h * dpr);
    }
    const [x0, x1, y0, y1] = st.clip.box;
    const k = st.labelScale || 1;  // presentation mode: larger labels need wider margins
    const aw = Math.max(10, w - k * (MARGIN.left + MARGIN.right)), ah = Math.max(10, h - k * (MARGIN.top + MARGIN.bottom));
    const s = Math.min(aw / (x1 - x0), ah / (y1 - y0));
    const pw = (x1 - x0) * s, ph = (y1 - y0) * s;
    const L = k * MARGIN.left + (aw - pw) / 2, T = k * MARGIN.top + (ah - ph) / 2;
    st.layout = { L, T, W: pw, H: ph, s, x0, x1, y0, y1 };
    // plot rectangle in CSS px relative to the canvas, for tests that click at data points
    st.root.setAttribute("data-plot", JSON.stringify({ left: L, top: T, width: pw, height: ph, box: [x0, x1, y0, y1] }));
    st.layoutDirty = false;
    st.bgDirty = true;
    st.trailStep = -1;  // force a full trail rebuild
  }
  return true;
}

function themeColors(st) {
  const cs = getComputedStyle(st.root);
  const text = (cs.getPropertyValue("--st-text-color") || "").trim() || cs.color || "#31333f";
  const font = (cs.getPropertyValue("--st-font") || "").trim() || cs.fontFamily || "sans-serif";
  return { text, font };
}

// ------------------------------------------------------------------------ background
function drawBackground(st) {
  const c = st.bgCtx, L = st.layout, clip = st.clip, g = clip.grid;
  const { text, font } = themeColors(st);
  const k = st.labelScale || 1, fpx = (n) => Math.round(n * k) + "px ";  // presentation mode: label scale
  c.setTransform(1, 0, 0, 1, 0, 0);
  c.clearRect(0, 0, st.bg.width, st.bg.height);
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  // heatmap
  c.imageSmoothingEnabled = true;
  c.imageSmoothingQuality = "high";
  if (st.heat) c.drawImage(st.heat, L.L, L.T, L.W, L.H);
  // contours
  if (st.contours && st.contours.length) {
    const seg = st.contours, sx = L.W / g.nx, sy = L.H / g.ny;
    c.save();
    c.beginPath();
    for (let i = 0; i < seg.length; i += 4) {
      c.moveTo(L.L + (seg[i] + 0.5) * sx, L.T + L.H - (seg[i + 1] + 0.5) * sy);
      c.lineTo(L.L + (seg[i + 2] + 0.5) * sx, L.T + L.H - (seg[i + 3] + 0.5) * sy);
    }
    c.strokeStyle = "rgba(255,255,255,0.5)";
    c.lineWidth = 0.9;
    c.stroke();
    c.restore();
  }
  // frame and ticks
  c.strokeStyle = text;
  c.fillStyle = text;
  c.globalAlpha = 0.7;
  c.lineWidth = 1;
  c.strokeRect(L.L - 0.5, L.T - 0.5, L.W + 1, L.H + 1);
  c.font = fpx(13) + font;
  c.textAlign = "center";
  c.textBaseline = "top";
  c.beginPath();
  for (const t of niceTicks(L.x0, L.x1, Math.max(2, Math.round(L.W / (90 * k))))) {
    const x = L.L + (t - L.x0) * L.s;
    c.moveTo(x, L.T + L.H); c.lineTo(x, L.T + L.H + 5);
    c.fillText(fmtTick(t), x, L.T + L.H + 7 * k);
  }
  c.textAlign = "right";
  c.textBaseline = "middle";
  for (const t of niceTicks(L.y0, L.y1, Math.max(2, Math.round(L.H / (70 * k))))) {
    const y = L.T + (L.y1 - t) * L.s;
    c.moveTo(L.L - 5, y); c.lineTo(L.L, y);
    c.fillText(fmtTick(t), L.L - 8 * k, y);
  }
  c.stroke();
  c.globalAlpha = 1;
  c.font = "italic " + fpx(15) + font;
  c.textAlign = "center";
  c.textBaseline = "bottom";
  c.fillText(clip.labels.x_axis || "", L.L + L.W / 2, L.T + L.H + 44 * k);
  c.save();
  c.translate(L.L - 44 * k, L.T + L.H / 2);
  c.rotate(-Math.PI / 2);
  c.textBaseline = "middle";
  c.fillText(clip.labels.y_axis || "", 0, 0);
  c.restore();
  // colour bar
  const bx = L.L + L.W + 16, bw = 14 * k, by = L.T + 20 * k, bh = Math.max(20, L.H - 20 * k);
  c.imageSmoothingEnabled = true;
  c.drawImage(st.cbar, bx, by, bw, bh);
  c.globalAlpha = 0.7;
  c.strokeRect(bx - 0.5, by - 0.5, bw + 1, bh + 1);
  c.globalAlpha = 1;
  c.font = fpx(12) + font;
  c.textAlign = "left";
  c.textBaseline = "middle";
  if (g.vmax > g.vmin) {
    c.beginPath();
    for (const t of niceTicks(g.vmin, g.vmax, 4)) {
      const y = by + bh - ((t - g.vmin) / (g.vmax - g.vmin)) * bh;
      c.moveTo(bx + bw, y); c.lineTo(bx + bw + 4, y);
      c.fillText(g.log ? fmtValue(Math.pow(10, t)) : fmtTick(t), bx + bw + 6, y);
    }
    c.stroke();
  }
  const title = clip.labels.colorbar || "";
  if (title) {
    c.font = fpx(13) + font;
    c.textAlign = "center";
    c.textBaseline = "bottom";
    c.fillText(title + (g.log ? " (log)" : ""), bx + bw / 2 + 10, by - 6);
  }
  st.root.setAttribute("data-label-px", String(Math.round(12 * k)));  // its smallest label (tests)
  st.bgDirty = false;
}

// ----------------------------------------------------------------------------- trail
function px(L, x) { const v = L.L + (x - L.x0) * L.s; return v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v; }
function py(L, y) { const v = L.T + (L.y1 - y) * L.s; return v > 1e5 ? 1e5 : v < -1e5 ? -1e5 : v; }
function fin(a, b) { return Number.isFinite(a) && Number.isFinite(b); }

function clipToPlot(c, L) {
  c.beginPath();
  c.rect(L.L, L.T, L.W, L.H);
  c.clip();
}

// Append transitions [a, b) of every chain to the trail canvas.
function drawTrail(st, a, b) {
  const c = st.trailCtx, L = st.layout, clip = st.clip, { C, m, pos, half } = clip;
  c.save();
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  clipToPlot(c, L);
  c.lineJoin = "round";
  c.lineCap = "round";
  for (let ch = 0; ch < C; ch++) {
    for (const [lo, hi, faded] of [[a, Math.min(b, m), true], [Math.max(a, m), b, false]]) {
      if (lo >= hi) continue;
      c.beginPath();
      let pen = false, any = false;
      for (let i = lo; i < hi; i++) {
        const p = (i * C + ch) * 2, q = p + 2 * C;
        const xa = pos[p], ya = pos[p + 1], xb = pos[q], yb = pos[q + 1];
        if (!fin(xa, ya) || !fin(xb, yb)) { pen = false; continue; }
        if (xa === xb && ya === yb && !half) continue;
        if (!pen) { c.moveTo(px(L, xa), py(L, ya)); pen = true; }
        if (half) {
          const hx = half[p], hy = half[p + 1];
          if (fin(hx, hy)) c.lineTo(px(L, hx), py(L, hy));
        }
        c.lineTo(px(L, xb), py(L, yb));
        any = true;
      }
      if (!any) continue;
      c.strokeStyle = clip.colors[ch];
      c.globalAlpha = faded ? 0.28 : 0.8;
      c.lineWidth = (faded ? 1.3 : 1.8) * (st.labelScale || 1);
      c.stroke();
    }
  }
  c.restore();
}

// ---------------------------------------------------------------------------- overlay
function arrow(c, pts, color, alpha, width) {
  // pts: [x0, y0, x1, y1, ...] in px; arrow head at the last point
  const n = pts.length;
  const ex = pts[n - 2], ey = pts[n - 1], sx = pts[n - 4], sy = pts[n - 3];
  const dx = ex - sx, dy = ey - sy, len = Math.hypot(dx, dy);
  const head = Math.min(11, Math.max(6, len * 0.45));
  c.globalAlpha = alpha;
  const ux = len > 0 ? dx / len : 1, uy = len > 0 ? dy / len : 0;
  const bx = ex - ux * head * 0.8, by = ey - uy * head * 0.8;
  for (const [col, w] of [["rgba(0,0,0,0.6)", width + 2.5], [color, width]]) {
    c.beginPath();
    c.moveTo(pts[0], pts[1]);
    for (let i = 2; i < n - 2; i += 2) c.lineTo(pts[i], pts[i + 1]);
    c.lineTo(bx, by);
    c.strokeStyle = col;
    c.lineWidth = w;
    c.stroke();
  }
  if (len >= 2) {
    c.beginPath();
    c.moveTo(ex, ey);
    c.lineTo(ex - ux * head - uy * head * 0.5, ey - uy * head + ux * head * 0.5);
    c.lineTo(ex - ux * head + uy * head * 0.5, ey - uy * head - ux * head * 0.5);
    c.closePath();
    c.fillStyle = color;
    c.strokeStyle = "rgba(0,0,0,0.6)";
    c.lineWidth = 1.2;
    c.fill();
    c.stroke();
  }
  c.globalAlpha = 1;
}

function proposalPath(st, j, ch) {
  const { C, pos, prop, half } = st.clip, L = st.layout;
  const p = (j * C + ch) * 2;
  const xa = pos[p], ya = pos[p + 1], xb = prop[p], yb = prop[p + 1];
  if (!fin(xa, ya) || !fin(xb, yb)) return null;
  const pts = [px(L, xa), py(L, ya)];
  if (half && fin(half[p], half[p + 1])) pts.push(px(L, half[p]), py(L, half[p + 1]));
  pts.push(px(L, xb), py(L, yb));
  return pts;
}

function drawOverlay(st) {
  const c = st.ctx, L = st.layout, clip = st.clip, { C, N, pos, prop, acc } = clip, i = st.step;
  // what this frame draws is inside the plot rectangle (clipped) and near these points
  const bb = [Infinity, Infinity, -Infinity, -Infinity];
  const grow = (x, y, r) => {
    if (x - r < bb[0]) bb[0] = x - r;
    if (y - r < bb[1]) bb[1] = y - r;
    if (x + r > bb[2]) bb[2] = x + r;
    if (y + r > bb[3]) bb[3] = y + r;
  };
  const growPath = (pts) => { for (let k = 0; k < pts.length; k += 2) grow(pts[k], pts[k + 1], 16); };
  c.save();
  c.setTransform(st.dpr, 0, 0, st.dpr, 0, 0);
  clipToPlot(c, L);
  c.lineCap = "round";
  c.lineJoin = "round";
  // starting points: hollow circles
  for (let ch = 0; ch < C; ch++) {
    const x = pos[ch * 2], y = pos[ch * 2 + 1];
    if (!fin(x, y)) continue;
    c.beginPath();
    c.arc(px(L, x), py(L, y), 7 * (st.labelScale || 1), 0, 2 * Math.PI);
    grow(px(L, x), py(L, y), 12 * (st.labelScale || 1));
    c.strokeStyle = "rgba(0,0,0,0.65)"; c.lineWidth = 4.5; c.stroke();
    c.strokeStyle = clip.colors[ch]; c.lineWidth = 2.2; c.stroke();
  }
  if (prop && acc) {
    // recently rejected proposals fade out
    const fade = Math.max(2, Math.min(8, Math.round(FADE_CHAIN_STEPS / C)));
    for (let j = Math.max(0, i - fade); j < i - 1; j++) {
      const alpha = 0.7 * (1 - (i - 1 - j) / fade);
      if (alpha <= 0.02) continue;
      for (let ch = 0; ch < C; ch++) {
        if (acc[j * C + ch] & 1) continue;
        const pts = proposalPath(st, j, ch);
        if (pts) { arrow(c, pts, REJ_COLOR, alpha, 1.8); growPath(pts); }
      }
    }
    // the current step's proposal x -> x'
    if (i > 0 && i <= N) {
      const j = i - 1;
      for (let ch = 0; ch < C; ch++) {
        const pts = proposalPath(st, j, ch);
        if (pts) { arrow(c, pts, acc[j * C + ch] & 1 ? ACC_COLOR : REJ_COLOR, 1, 2.6); growPath(pts); }
      }
    }
  }
  drawStepRecords(st, c, growPath);  // (records.js: leapfrog path, drift and noise)
  // current positions
  let off = 0;
  for (let ch = 0; ch < C; ch++) {
    const p = (i * C + ch) * 2, x = pos[p], y = pos[p + 1];
    if (!fin(x, y)) continue;
    if (x < L.x0 || x > L.x1 || y < L.y0 || y > L.y1) {
      const m = offBoxMarker(c, L, x, y, clip.colors[ch]);
      grow(m[0], m[1], 16);
      off++;
      continue;
    }
    c.beginPath();
    c.arc(px(L, x), py(L, y), 6 * (st.labelScale || 1), 0, 2 * Math.PI);
    grow(px(L, x), py(L, y), 10 * (st.labelScale || 1));
    c.fillStyle = clip.colors[ch];
    c.fill();
    c.strokeStyle = "rgba(0,0,0,0.75)";
    c.lineWidth = 1.8;
    c.stroke();
  }
  c.restore();
  setAttr(st, "data-off-box", String(off));
  // device pixels, cut to the plot (the overlay is clipped to it), 2 px of slack for antialiasing
  const d = st.dpr;
  st.overlayBox = bb[0] > bb[2] ? [0, 0, 0, 0] : [
    Math.floor(Math.max(bb[0], L.L) * d) - 2, Math.floor(Math.max(bb[1], L.T) * d) - 2,
    Math.ceil(Math.min(bb[2], L.L + L.W) * d) + 2, Math.ceil(Math.min(bb[3], L.T + L.H) * d) + 2];
}

// A chain outside the drawn box: a triangle on the box's edge, pointing to where it is.
function offBoxMarker(c, L, x, y, color) {
  const X = px(L, x), Y = py(L, y), inset = 11, h = 10;
  const ex = Math.min(L.L + L.W - inset, Math.max(L.L + inset, X));
  const ey = Math.min(L.T + L.H - inset, Math.max(L.T + inset, Y));
  let dx = X - ex, dy = Y - ey;
  const len = Math.hypot(dx, dy) || 1;
  dx /= len; dy /= len;
  c.beginPath();
  c.moveTo(ex + dx * h, ey + dy * h);
  c.lineTo(ex - dx * h * 0.6 - dy * h * 0.8, ey - dy * h * 0.6 + dx * h * 0.8);
  c.lineTo(ex - dx * h * 0.6 + dy * h * 0.8, ey - dy * h * 0.6 - dx * h * 0.8);
  c.closePath();
  c.fillStyle = color;
  c.fill();
  c.strokeStyle = "rgba(0,0,0,0.75)";
  c.lineWidth = 1.5;
  c.stroke();
  return [ex, ey];
}

// Draw one frame; returns false when there is nothing to draw yet (no size).
function draw(st) {
  if (!st.clip || !measure(st)) return false;
  if (st.bgDirty) { drawBackground(st); st.trailStep = -1; }
  // The trail layer is the background plus the paths so far: rebuilt only when the play head
  // goes back or the layout changes, otherwise each frame only appends its new segments.
  if (st.step < st.trailStep || st.trailStep < 0) {
    st.trailCtx.setTransform(1, 0, 0, 1, 0, 0);
    st.trailCtx.clearRect(0, 0, st.trail.width, st.trail.height);
    st.trailCtx.drawImage(st.bg, 0, 0);
    drawExactDraws(st);  // (records.js)
    st.trailStep = 0;
    st.overlayBox = null;  // (a resize also cleared the overlay)
  }
  if (st.step > st.trailStep) {
    drawTrail(st, st.trailStep, st.step);
    st.trailStep = st.step;
  }
  // The overlay is transparent: wipe only what the last frame drew there, so the browser
  // re-rasters a small rectangle, not the whole picture, at 60 frames a second.
  const c = st.ctx;
  c.setTransform(1, 0, 0, 1, 0, 0);
  const b = st.overlayBox;
  if (b) c.clearRect(b[0], b[1], b[2] - b[0], b[3] - b[1]);
  else c.clearRect(0, 0, st.canvas.width, st.canvas.height);
  drawOverlay(st);
  if (st.needRender) {
    st.needRender = false;
    st.renders++;
    STATS.renders++;
    st.root.setAttribute("data-rendered", String(st.renders));
    // (when the page's first picture was drawn, in ms since navigation: bench/first_view.py)
    if (!STATS.firstMs) STATS.firstMs = Math.round(performance.now());
    if (!st.root.hasAttribute("data-first-ms")) st.root.setAttribute("data-first-ms", String(STATS.firstMs));
    // The page holds its charts back until the picture is on screen (their script bundles
    // would delay it): say once that it is.
    if (st.askDrawn && !st.toldDrawn && st.setTrigger) {
      st.toldDrawn = true;
      st.drawnSaid = (st.drawnSaid | 0) + 1;
      st.setTrigger("drawn", true);
    }
  }
  return true;
}
