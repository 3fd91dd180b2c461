// static/chain_canvas/send.js under the order that blanked a lesson step's page: the canvas asks
// for clips while a page run (which may switch page) is under way.  Prints JSON: what was sent
// to the server after each scenario.
import { readFileSync } from "node:fs";

const app = { state: "notRunning", getAttribute: (a) => (a === "data-test-script-state" ? app.state : null) };
globalThis.window = globalThis;
globalThis.document = { querySelector: (sel) => (sel.includes("stApp") ? app : null) };
const src = readFileSync(new URL("../../static/chain_canvas/send.js", import.meta.url), "utf8");
const { heldSender } = new Function(src + "\nreturn { heldSender };")();

const sent = [];
const st = { alive: true, root: { isConnected: true }, sendNow: (name, value) => sent.push([name, value]) };
const send = heldSender(st);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = {};

// 1. idle: at once
send("near", 1);
out.idle = sent.splice(0);
// 2. a run under way: held, the newest of each kind, sent once idle
app.state = "running";
send("near", 2); send("tune", 3); send("near", 4);
await sleep(120);
out.whileRunning = sent.splice(0);
app.state = "notRunning";
await sleep(120);
out.onceIdle = sent.splice(0);
// 3. the run switched page: the canvas left the document, its held ask is dropped
app.state = "running";
send("near", 5);
st.root.isConnected = false;
app.state = "notRunning";
await sleep(120);
out.afterSwitch = sent.splice(0);
st.root.isConnected = true;
// 4. a lesson key was just sent (its run has not started yet): held a moment, then sent
window.__ebmLessonKeys = { sentAt: performance.now() };
send("drawn", true);
await sleep(120);
out.justAfterKey = sent.splice(0);
await sleep(1100);
out.secondAfterKey = sent.splice(0);
process.stdout.write(JSON.stringify(out));
