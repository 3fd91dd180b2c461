// EBM Lab chain canvas: the events it sends on its own (near, drawn) wait while a page run is under way.
// Why: Streamlit runs a fragment's event after the run in progress, under the page the browser
// was on when it sent it.  If that run switched page (a lesson step: st.switch_page), the late
// fragment run names the old page and the browser drops the new page's elements, leaving the
// lesson bar alone on screen (seen in the clicker test: /mcmc -> /foundations).  So an event is
// held while the app runs, for QUIET_MS after a run ends (a page switch is two runs: the one that
// switches and the new page's, with an idle moment between them), and just after a lesson key
// (whose run may not have started yet); it goes once the app is quiet, only if this canvas is
// still on the page.  A student's own move or click (tune, click) goes at once, as before: it is
// not sent while a key switches the page, and holding it would only delay the answer.

const HOLD_POLL_MS = 40;
const QUIET_MS = 200;
const HOLD_MAX_MS = 15000;  // never hold longer (a page whose runs never go quiet)
const NAV_QUIET_MS = 1000;  // after a lesson key was sent (static/lesson_keys/keys.js)
const AT_ONCE = new Set(["tune", "click"]);

let watched = null;  // { app, lastBusy }: when the app's script state last changed or was seen busy

function watchApp() {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app) return null;
  if (watched && watched.app === app) return watched;
  const w = { app, lastBusy: 0 };
  if (typeof MutationObserver !== "undefined") {  // (every change of state is a run's start or end)
    new MutationObserver(() => { w.lastBusy = performance.now(); })
      .observe(app, { attributes: true, attributeFilter: ["data-test-script-state"] });
  }
  watched = w;
  return w;
}

function appBusy() {
  const w = watchApp();
  const now = performance.now();
  if (w) {
    const state = w.app.getAttribute("data-test-script-state");
    if (state && state !== "notRunning") { w.lastBusy = now; return true; }
    if (now - w.lastBusy < QUIET_MS) return true;
  }
  const keys = window.__ebmLessonKeys;
  return !!(keys && keys.sentAt && now - keys.sentAt < NAV_QUIET_MS);
}

// st.setTrigger for this canvas; st.sendNow is the mount's own setTriggerValue (main.js).
function heldSender(st) {
  const held = new Map();
  let timer = null, since = 0;
  function flush() {
    timer = null;
    if (!st.alive || !st.root.isConnected) { held.clear(); return; }
    if (appBusy() && performance.now() - since < HOLD_MAX_MS) { timer = setTimeout(flush, HOLD_POLL_MS); return; }
    const items = [...held];
    held.clear();
    for (const [name, value] of items) st.sendNow(name, value);
  }
  return (name, value) => {
    if (AT_ONCE.has(name) || (!held.size && !appBusy())) { st.sendNow(name, value); return; }
    if (!held.size) since = performance.now();
    held.delete(name);  // (the newest of each kind, in the order they were last asked)
    held.set(name, value);
    if (timer == null) timer = setTimeout(flush, HOLD_POLL_MS);
  };
}
