// Decoding: the payload pack_clip writes (base64 arrays, see ui/mcmc/canvas/clip.py) into
// the typed arrays the drawing reads.  Every property read off the payload `d` is named
// d.<key> (tests/test_canvas_contract.py binds these names to pack_clip's keys).

const PALETTE = ["#E69F00", "#56B4E9", "#CC79A7", "#FFFFFF", "#F0E442", "#0072B2", "#D55E00", "#009E73"];

function b64Bytes(s) {
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function b64U16(s) {
  const b = b64Bytes(s);
  return new Uint16Array(b.buffer, 0, b.length >> 1);
}

// Grids by id: a clip sent with its neighbours refers to a grid it shares ({ref: id}) instead
// of repeating it; the grids of the clips decoded or held here resolve such references.
const GRIDS = new Map();
const GRIDS_MAX = 48;
function rememberGrid(d) {
  const g = d && d.grid;
  if (!g || g.ref != null || g.id == null || g.q == null) return;
  GRIDS.delete(g.id);
  GRIDS.set(g.id, g);
  while (GRIDS.size > GRIDS_MAX) GRIDS.delete(GRIDS.keys().next().value);
}
// The clip with its grid in full, or null when it refers to a grid not held here.
function withGrid(d) {
  if (!d || !d.grid || d.grid.ref == null) { rememberGrid(d); return d; }
  const g = GRIDS.get(d.grid.ref);
  return g ? { ...d, grid: g } : null;
}

function decodeClip(d) {
  const C = Math.max(1, d.n_chains | 0);
  const q = Array.isArray(d.q) && d.q.length === 4 ? d.q.map(Number) : [0, 1, 0, 1];
  const dq = (k, axis) => (k === 65535 ? NaN : q[2 * axis] + k * q[2 * axis + 1] / 65534);
  // flags, two per byte: bit 0 accepted, bit 1 "x' is the next draw", bit 2 "the next draw is
  // the current one" (the points so marked were not sent again)
  const packed = b64Bytes(d.acc), ps = b64U16(d.pos), rest = b64U16(d.prop);
  const N = Math.max(0, Math.min(d.n_steps | 0, Math.floor(2 * packed.length / C)));
  const g = d.grid || {};
  const colors = (d.colors && d.colors.length ? d.colors : PALETTE).slice();
  const pos = new Float32Array((N + 1) * C * 2), prop = new Float32Array(N * C * 2);
  const acc = new Uint8Array(N * C);
  let k = 0, r = 0;
  for (let c = 0; c < 2 * C; c++) pos[c] = k < ps.length ? dq(ps[k++], c & 1) : NaN;
  for (let j = 0; j < N * C; j++) {
    const f = (packed[j >> 1] >> ((j & 1) << 2)) & 15, cur = 2 * j, next = 2 * j + 2 * C;
    for (let a = 0; a < 2; a++) {
      pos[next + a] = f & 4 ? pos[cur + a] : k < ps.length ? dq(ps[k++], a) : NaN;
    }
    for (let a = 0; a < 2; a++) {
      prop[cur + a] = f & 2 ? pos[next + a] : r < rest.length ? dq(rest[r++], a) : NaN;
    }
    acc[j] = f & 3;
  }
  let half = null;
  if (d.half) {
    const hs = b64U16(d.half);
    half = new Float32Array(hs.length);
    for (let i = 0; i < hs.length; i++) half[i] = dq(hs[i], i & 1);
  }
  return {
    id: d.id, N, C, box: d.box, m: Math.max(0, d.burn_in | 0),
    pos, prop, acc,
    half,
    grid: { nx: g.nx | 0, ny: g.ny | 0, q: b64Bytes(g.q), vmin: +g.vmin || 0, vmax: +g.vmax || 0, log: !!g.log },
    levels: d.levels == null ? 10 : d.levels | 0,
    colors: Array.from({ length: C }, (_, c) => colors[c % colors.length]),
    labels: d.labels || {}, speed: +d.speed || 60, autoplay: d.autoplay !== false,
    nTotal: Math.max(N, d.n_total | 0),  // > N: only the first steps so far, the rest follows
    sig: d.sig || null,
  };
}
