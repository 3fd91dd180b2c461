// static/chain_canvas/send.js under the order that blanked a lesson step's page: the canvas asks
// for clips while a page run (which may switch page) is under way.  Prints JSON: what was sent
// to the server after each scenario.
import { readFileSync } from "node:fs";

const observers = [];  // the page's MutationObservers: told of every change of the script state
globalThis.MutationObserver = class { constructor(f) { this.f = f; } observe() { observers.push(this.f); } };
const app = { state: "notRunning", getAttribute: (a) => (a === "data-test-script-state" ? app.state : null) };
const setState = (s) => { app.state = s; for (const f of observers) f([]); };
globalThis.window = globalThis;
globalThis.document = { querySelector: (sel) => (sel.includes("stApp") ? app : null) };
const src = readFileSync(new URL("../../static/chain_canvas/send.js", import.meta.url), "utf8");
const { heldSender } = new Function(src + "\nreturn { heldSender };")();

const sent = [];
const st = { alive: true, root: { isConnected: true }, sendNow: (name, value) => sent.push([name, value]) };
const send = heldSender(st);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const out = {};

// 1. quiet (the page has been idle a while): at once
await sleep(250);
send("near", 1);
out.idle = sent.splice(0);
// 2. a run under way: held, the newest of each kind, sent once the app has been idle a moment
setState("running");
send("near", 2); send("drawn", 3); send("near", 4); send("tune", 9);
await sleep(120);
out.whileRunning = sent.splice(0);
setState("notRunning");
await sleep(100);
out.justAfterTheRun = sent.splice(0);
await sleep(250);
out.onceQuiet = sent.splice(0);
// 3. a page switch: the run that switches, an idle moment, the new page's run; the canvas leaves
setState("running");
send("near", 5);
setState("notRunning");
await sleep(60);  // (the idle moment between the two runs: nothing may go out now)
out.inTheGap = sent.splice(0);
setState("running");
st.root.isConnected = false;
setState("notRunning");
await sleep(350);
out.afterSwitch = sent.splice(0);
st.root.isConnected = true;
// 4. a lesson key was just sent (its run has not started yet): held a moment, then sent
await sleep(250);
window.__ebmLessonKeys = { sentAt: performance.now() };
send("drawn", true);
await sleep(150);
out.justAfterKey = sent.splice(0);
await sleep(1100);
out.secondAfterKey = sent.splice(0);
process.stdout.write(JSON.stringify(out));
