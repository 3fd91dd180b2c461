// Decoding: the payload pack_clip writes (base64 arrays, see ui/mcmc/canvas/__init__.py) into
// the typed arrays the drawing reads.  Every property read off the payload `d` is named
// d.<key> (tests/test_canvas_contract.py binds these names to pack_clip's keys).

const PALETTE = ["#E69F00", "#56B4E9", "#CC79A7", "#FFFFFF", "#F0E442", "#0072B2", "#D55E00", "#009E73"];

function b64Bytes(s) {
  const bin = atob(s || "");
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function b64F32(s) {
  const b = b64Bytes(s);
  return new Float32Array(b.buffer, 0, b.length >> 2);
}

function decodeClip(d) {
  const C = Math.max(1, d.n_chains | 0);
  const pos = b64F32(d.pos);
  let N = Math.max(0, d.n_steps | 0);
  N = Math.max(0, Math.min(N, Math.floor(pos.length / (2 * C)) - 1));
  const g = d.grid || {};
  const colors = (d.colors && d.colors.length ? d.colors : PALETTE).slice();
  // flags: bit 0 accepted, bit 1 "x' is the next draw" (then it was not sent)
  const acc = b64Bytes(d.acc), rest = b64F32(d.prop);
  let prop = null;
  if (acc.length >= N * C) {
    prop = new Float32Array(N * C * 2);
    let k = 0;
    for (let j = 0; j < N * C; j++) {
      if (acc[j] & 2) { prop[2 * j] = pos[2 * j + 2 * C]; prop[2 * j + 1] = pos[2 * j + 1 + 2 * C]; }
      else if (k + 1 < rest.length) { prop[2 * j] = rest[k++]; prop[2 * j + 1] = rest[k++]; }
      else { prop[2 * j] = prop[2 * j + 1] = NaN; }
    }
  }
  return {
    id: d.id, N, C, box: d.box, m: Math.max(0, d.burn_in | 0),
    pos, prop, acc: prop ? acc : null,
    half: d.half ? b64F32(d.half) : null,
    grid: { nx: g.nx | 0, ny: g.ny | 0, q: b64Bytes(g.q), vmin: +g.vmin || 0, vmax: +g.vmax || 0, log: !!g.log },
    levels: d.levels == null ? 10 : d.levels | 0,
    colors: Array.from({ length: C }, (_, c) => colors[c % colors.length]),
    labels: d.labels || {}, speed: +d.speed || 60, autoplay: d.autoplay !== false,
    nTotal: Math.max(N, d.n_total | 0),  // > N: only the first steps so far, the rest follows
    sig: d.sig || null,
  };
}
