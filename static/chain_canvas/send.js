// EBM Lab chain canvas: its events (tune, near, drawn, click) wait while a page run is under way.
// Why: Streamlit runs a fragment's event after the run in progress, under the page the browser
// was on when it sent it.  If that run switched page (a lesson step: st.switch_page), the late
// fragment run names the old page and the browser drops the new page's elements, leaving the
// lesson bar alone on screen (seen in the clicker test: /mcmc -> /foundations).  So an event is
// held while the app runs (and just after a lesson key, whose run may not have started yet) and
// goes once the app is idle, only if this canvas is still on the page.

const HOLD_POLL_MS = 40;
const HOLD_MAX_MS = 15000;  // never hold longer (a page whose runs never go idle)
const NAV_QUIET_MS = 1000;  // after a lesson key was sent (static/lesson_keys/keys.js)

function appBusy() {
  const app = document.querySelector("[data-testid='stApp']");
  const state = app && app.getAttribute("data-test-script-state");
  if (state && state !== "notRunning") return true;
  const keys = window.__ebmLessonKeys;
  return !!(keys && keys.sentAt && performance.now() - keys.sentAt < NAV_QUIET_MS);
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
    if (!held.size && !appBusy()) { st.sendNow(name, value); return; }
    if (!held.size) since = performance.now();
    held.delete(name);  // (the newest of each kind, in the order they were last asked)
    held.set(name, value);
    if (timer == null) timer = setTimeout(flush, HOLD_POLL_MS);
  };
}
