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

function holder() {
  if (!window.__ebmLessonKeys) {
    window.__ebmLessonKeys = { n: 0, send: null, bound: false, step: null, pending: null, timer: null };
  }
  return window.__ebmLessonKeys;
}

function fire(h) {
  if (h.send && h.pending) h.send("nav", h.pending);
}

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const dir = NEXT.has(event.key) ? "next" : PREV.has(event.key) ? "prev" : null;
  const h = holder();
  if (!dir || !h.send || h.step == null) return;
  const path = event.composedPath ? event.composedPath() : [event.target];
  if (path.some(takesKeys)) return;
  event.preventDefault();  // (PageDown would also scroll the page)
  h.n += 1;  // a sequence number: two presses in a row are two triggers
  h.pending = { dir: dir, from: h.step, n: h.n };
  fire(h);
  if (h.timer) clearInterval(h.timer);
  let left = RESENDS;
  h.timer = setInterval(() => {
    if (!h.pending || left-- <= 0) { clearInterval(h.timer); h.timer = null; return; }
    fire(h);
  }, RESEND_MS);
}

export default function (component) {
  const { setTriggerValue, data } = component;
  const h = holder();
  h.send = setTriggerValue;  // the newest mount's: the one Streamlit listens to
  const step = data && data.step != null ? data.step : null;
  if (h.pending && step !== h.pending.from) h.pending = null;  // the page moved: done
  h.step = step;
  if (!h.bound) {
    document.addEventListener("keydown", onKey);
    h.bound = true;
  }
  return () => {
    if (h.send === setTriggerValue) {
      document.removeEventListener("keydown", onKey);
      h.bound = false;
      h.send = null;
    }
  };
}
