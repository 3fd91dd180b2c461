// Decodes a clip's records with the canvas's own decode.js and records.js (no browser): reads the
// payload as JSON on stdin, prints what the canvas would draw as JSON.  Used by
// tests/test_canvas_records.py.
import { readFileSync } from "node:fs";

const read = (name) => readFileSync(new URL("../../static/chain_canvas/" + name, import.meta.url), "utf8");
const { decodeRecords } = new Function(read("decode.js") + "\n" + read("records.js") + "\nreturn { decodeRecords };")();
const r = decodeRecords(JSON.parse(readFileSync(0, "utf8")));
console.log(JSON.stringify({ k: r.rec.k, per: r.rec.per, kind: r.rec.kind, scale: r.rec.scale,
                             pts: Array.from(r.rec.pts), n: r.exact.n, of: r.exact.of, ex: Array.from(r.exact.pts) }));
