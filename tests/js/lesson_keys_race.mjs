// keys.js under the mount order Streamlit's BidiComponent can produce: the call for step 7 is
// made after the one for step 8 and cleaned up at once (its effect is gone).  Prints JSON: what
// each key press sent, and whether the listener was still ready after each scenario.
const listeners = [];  // the document's keydown listeners
const others = {};  // its other listeners (the scroll pin's stops), by event
const main = { scrollTop: 0, on: [], addEventListener(t, f) { this.on.push(f); },
               scroll(y) { this.scrollTop = y; for (const f of this.on) f(); } };
globalThis.window = globalThis;
globalThis.document = {
  addEventListener: (t, f) => t === "keydown" && f.name === "onKey" ? listeners.push(f) : (others[t] ||= []).push(f),
  removeEventListener: (t, f) => { const i = listeners.indexOf(f); if (i >= 0) listeners.splice(i, 1); },
  querySelector: (sel) => (sel.includes("stMain") ? main : null),
};
const url = new URL("../../static/lesson_keys/keys.js", import.meta.url);
const mountKeys = (await import(url.href)).default;
const sent = [];
const press = (key) => {
  const ev = { key, defaultPrevented: false, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false,
    target: { nodeType: 1, tagName: "DIV", getAttribute: () => null }, composedPath: () => [],
    preventDefault() { this.defaultPrevented = true; } };
  for (const f of [...listeners]) f(ev);
};
const parent = { isConnected: true };
const mount = (step, tag) => mountKeys({ data: { step }, parentElement: parent,
  setTriggerValue: (name, value) => sent.push({ tag, name, from: value.from, dir: value.dir }) });

const out = {};
// 1. the newest call (step 8) first, then the late call for step 7, cleaned up at once
const c8 = mount(8, "m8");
const c7 = mount(7, "m7-late");
c7();
out.readyAfterLateCleanup = window.__ebmLessonKeys.ready();
press("PageDown");
out.afterLate = sent.splice(0);
// 2. the page (the component's container) goes away: keys do nothing; a new page's mount works
parent.isConnected = false;
press("PageDown");
out.afterGone = sent.splice(0);
const other = { isConnected: true };
const c9 = mountKeys({ data: { step: 9 }, parentElement: other,
  setTriggerValue: (name, value) => sent.push({ tag: "m9", name, from: value.from, dir: value.dir }) });
c8();  // (the old page's cleanup, after the new page mounted)
press("ArrowLeft");
out.afterSwitch = sent.splice(0);
out.listeners = listeners.length;
// 3. a step change pins the page to the top (a tab scrolled into view is undone) until the viewer
//    scrolls: a wheel turn ends the pin
main.scroll(900);
out.scrollAfterStepChange = main.scrollTop;
for (const f of others.wheel) f();
main.scroll(900);
out.scrollAfterWheel = main.scrollTop;
const c9b = mountKeys({ data: { step: 9 }, parentElement: other, setTriggerValue: () => {} });
main.scroll(500);
out.scrollAfterSameStep = main.scrollTop;  // (a rerun of the same step: no pin)
c9(); c9b();
clearInterval(window.__ebmLessonKeys.timer);
console.log(JSON.stringify(out));
