// EBM Lab lesson keys: a presentation clicker's keys move through the lesson.
// PageDown / → send "next", PageUp / ← send "prev" (as the trigger "nav"), unless the key is
// meant for something else: a text box, a select box, a slider (Streamlit's, or one inside the
// chain canvas's shadow root: composedPath() sees through it), a tab list, or a key another
// handler already took (defaultPrevented).  One listener per page, whatever the mounts.

const NEXT = new Set(["PageDown", "ArrowRight"]);
const PREV = new Set(["PageUp", "ArrowLeft"]);

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

function onKey(event) {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  const dir = NEXT.has(event.key) ? "next" : PREV.has(event.key) ? "prev" : null;
  if (!dir || !window.__ebmLessonKeys) return;
  const path = event.composedPath ? event.composedPath() : [event.target];
  if (path.some(takesKeys)) return;
  event.preventDefault();  // (PageDown would also scroll the page)
  // a sequence number, so that two presses in a row are two triggers
  window.__ebmLessonKeys.n += 1;
  window.__ebmLessonKeys.send("nav", { dir: dir, n: window.__ebmLessonKeys.n });
}

export default function (component) {
  const { setTriggerValue } = component;
  const holder = window.__ebmLessonKeys || { n: 0, send: null, bound: false };
  holder.send = setTriggerValue;  // the newest mount's: the one Streamlit listens to
  window.__ebmLessonKeys = holder;
  if (!holder.bound) {
    document.addEventListener("keydown", onKey);
    holder.bound = true;
  }
  return () => {
    if (window.__ebmLessonKeys && window.__ebmLessonKeys.send === setTriggerValue) {
      document.removeEventListener("keydown", onKey);
      window.__ebmLessonKeys.bound = false;
      window.__ebmLessonKeys.send = null;
    }
  };
}
