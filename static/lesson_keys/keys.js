// EBM Lab lesson keys: a presentation clicker's keys move through the lesson.
// PageDown / → send "next", PageUp / ← send "prev" (as the trigger "nav"), unless the key is
// meant for something else: a text box, a select box, a slider (Streamlit's, or one inside the
// chain canvas's shadow root: composedPath() sees through it), a tab list, or a key another
// handler already took (defaultPrevented).  One listener per page, whatever the mounts.
//
// The trigger says which step it moves from ({dir, from}); the server moves only from that step,
// so sending it again is harmless.  It is sent again (every RESEND_MS, at most RESENDS times)
// while the page still shows that step: Streamlit may flush a trigger together with another
// component's update inside a fragment (the chain canvas asks for clips on its own), and such a
// fragment run never reaches the lesson bar.

const NEXT = new Set(["PageDown", "ArrowRight"]);
const PREV = new Set(["PageUp", "ArrowLeft"]);
const RESEND_MS = 1500;
const RESENDS = 4;

function takesKeys(el) {
  if (!el || el.nodeType !== 1) return false;
  if (el.isContentEditable) return true;
  const tag = el.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return true;  // text, number, range: all use the arrows
  const role = el.getAttribute("role");
  return role === "slider" || role === "tab" || role === "combobox" || role === "listbox" ||
    role === "option" || role === "spinbutton" || role === "textbox";
}

// Mounts.  Streamlit (BidiComponent) calls the default export again on every change of its data
// (each step), each time with a fresh setTriggerValue, and loads the module asynchronously: a
// call started for step k can finish after the one for step k+1, and is then cleaned up at once
// (its effect is already gone).  A single "the newest send" slot was therefore unsafe: the late
// call wrote the old step into it and its cleanup emptied it, leaving the page with no listener
// until the next rerun (the flaky clicker test).  So every mount is a record; a cleanup removes
// only its own record; the one used is the newest record still in the document.  Late calls
// are cleaned up in a microtask, before any key event can come.
const MAX_MOUNTS = 32;

function holder() {
  if (!window.__ebmLessonKeys) {
    window.__ebmLessonKeys = { n: 0, mounts: [], bound: false, pending: null, timer: null,
      current: null, ready: null };
    const h = window.__ebmLessonKeys;
    h.current = () => {
      for (let i = h.mounts.length - 1; i >= 0; i--) {
        const m = h.mounts[i];
        if (!m.parent || m.parent.isConnected) return m;
      }
      return null;
    };
    h.ready = () => { const m = h.current(); return !!(m && m.send && m.step != null); };
  }
  return window.__ebmLessonKeys;
}

function fire(h) {
  const m = h.current();
  if (!m || !h.pending) return;
  if (m.step !== h.pending.from) { h.pending = null; return; }  // the page moved: done
  h.sentAt = performance.now();  // (the chain canvas holds its events a moment: chain_canvas/send.js)
  m.send("nav", h.pending);
}

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const dir = NEXT.has(event.key) ? "next" : PREV.has(event.key) ? "prev" : null;
  const h = holder();
  const m = h.current();
  if (!dir || !m || m.step == null) return;
  const path = event.composedPath ? event.composedPath() : [event.target];
  if (path.some(takesKeys)) return;
  event.preventDefault();  // (PageDown would also scroll the page)
  h.n += 1;  // a sequence number: two presses in a row are two triggers
  h.pending = { dir: dir, from: m.step, n: h.n };
  fire(h);
  if (h.timer) clearInterval(h.timer);
  let left = RESENDS;
  h.timer = setInterval(() => {
    if (!h.pending || left-- <= 0) { clearInterval(h.timer); h.timer = null; return; }
    fire(h);
  }, RESEND_MS);
}

// A new step opens at the top of the page: Streamlit's tabs scroll their selected tab into view
// (block "nearest") when the step changes the open tab, which put the step's picture off the
// screen.  So for PIN_MS after a step change the main area is held at the top, unless the
// viewer scrolls, clicks or presses a key meanwhile.
const PIN_MS = 15000;

function pinTop(h) {
  const main = document.querySelector("[data-testid='stMain']");
  if (!main) return;
  main.scrollTop = 0;
  h.pinUntil = performance.now() + PIN_MS;
  if (h.pinned === main) return;
  h.pinned = main;
  main.addEventListener("scroll", () => {
    if (performance.now() < h.pinUntil && main.scrollTop !== 0) main.scrollTop = 0;
  }, { passive: true });
  if (!h.pinStops) {
    h.pinStops = true;
    for (const ev of ["wheel", "touchstart", "mousedown", "keydown"]) {
      document.addEventListener(ev, () => { h.pinUntil = 0; }, { capture: true, passive: true });
    }
  }
}

export default function (component) {
  const { setTriggerValue, data, parentElement } = component;
  const h = holder();
  const step = data && data.step != null ? data.step : null;
  const mount = { send: setTriggerValue, step: step, parent: parentElement || null };
  const newest = h.current();
  h.mounts.push(mount);
  if (step != null && (!newest || newest.step !== step)) pinTop(h);
  if (h.mounts.length > MAX_MOUNTS) h.mounts.splice(0, h.mounts.length - MAX_MOUNTS);
  if (!h.bound) {  // one listener for the page's life: it acts only while a mount is in the document
    document.addEventListener("keydown", onKey);
    h.bound = true;
  }
  return () => {
    const i = h.mounts.indexOf(mount);
    if (i >= 0) h.mounts.splice(i, 1);
  };
}
