// Decodes a clip with the canvas's own decode.js (no browser): reads the payload as JSON on
// stdin, prints the decoded arrays as JSON.  Used by tests/test_canvas_contract.py.
import { readFileSync } from "node:fs";

const src = readFileSync(process.argv[2], "utf8") + "\nexport { decodeClip, withGrid };";
const { decodeClip, withGrid } = await import("data:text/javascript," + encodeURIComponent(src));
const payload = JSON.parse(readFileSync(0, "utf8"));
for (const d of payload.remember || []) withGrid(d);
const d = withGrid(payload.clip);
if (!d) { console.log(JSON.stringify({ unresolved: true })); process.exit(0); }
const c = decodeClip(d);
const arr = (a) => (a ? Array.from(a, (v) => (Number.isFinite(v) ? v : null)) : null);
console.log(JSON.stringify({ N: c.N, C: c.C, pos: arr(c.pos), prop: arr(c.prop), acc: arr(c.acc),
                             half: arr(c.half), gridN: c.grid.q.length }));
