// Player: the component's DOM and state, play / pause / step / reset, the animation loop
// (requestAnimationFrame), and the controls under the picture.

const SPEED_MIN = 1, SPEED_MAX = 500, SLIDER_MAX = 1000;
const STATES = new WeakMap();    // parentElement -> state (the function is called again on each data change)

// frames drawn since the last Play, when it started (performance.now()), payloads drawn,
// and the ms spent drawing those frames (for benchmarks)
const STATS = (window.__ebmCanvasStats = window.__ebmCanvasStats || { frames: 0, startedAt: 0, renders: 0, drawMs: 0 });

const ICONS = {
  play: '<svg viewBox="0 0 16 16"><path d="M3 1.5v13l11-6.5z"/></svg>',
  pause: '<svg viewBox="0 0 16 16"><path d="M3 1.5h3.5v13H3zM9.5 1.5H13v13H9.5z"/></svg>',
  step: '<svg viewBox="0 0 16 16"><path d="M2 1.5v13l8-6.5zM11 1.5h3v13h-3z"/></svg>',
  reset: '<svg viewBox="0 0 16 16"><path d="M2 1.5h3v13H2zM14 1.5v13L6 8z"/></svg>',
};

function fmt(template, vars) {
  return String(template || "").replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}
function speedFromSlider(u) { return Math.pow(SPEED_MAX, u / SLIDER_MAX); }
function sliderFromSpeed(v) { return Math.round((SLIDER_MAX * Math.log(Math.max(SPEED_MIN, Math.min(SPEED_MAX, v)))) / Math.log(SPEED_MAX)); }
function fmtSpeed(v) { return v < 10 ? v.toFixed(1) : String(Math.round(v)); }

function createState(parentElement) {
  const root = document.createElement("div");
  root.className = "ebm-root";
  root.setAttribute("data-testid", "ebm-chain-canvas");
  root.innerHTML =
    // two layers: the landscape and the paths so far (drawn onto, never redrawn while playing),
    // and a transparent overlay for the moving parts (cleared where it was drawn, each frame)
    '<div class="ebm-tune" data-role="tune"></div>' +
    '<div class="ebm-stage"><canvas class="ebm-canvas ebm-trail" data-testid="ebm-chain-canvas-trail"></canvas>' +
    '<canvas class="ebm-canvas" data-testid="ebm-chain-canvas-canvas"></canvas></div>' +
    '<div class="ebm-controls">' +
    '<button type="button" class="ebm-btn ebm-primary" data-role="play" data-testid="ebm-play"></button>' +
    '<button type="button" class="ebm-btn" data-role="step" data-testid="ebm-step"></button>' +
    '<button type="button" class="ebm-btn" data-role="reset" data-testid="ebm-reset"></button>' +
    '<label class="ebm-speed"><span data-role="speed-label"></span>' +
    '<input type="range" min="0" max="' + SLIDER_MAX + '" step="1" data-role="speed" data-testid="ebm-speed">' +
    '<span class="ebm-speed-value" data-role="speed-value"></span></label>' +
    '<span class="ebm-counter" data-role="counter" data-testid="ebm-counter"></span>' +
    '<span class="ebm-legend" data-role="legend"></span>' +
    "</div>";
  parentElement.appendChild(root);
  const $ = (r) => root.querySelector('[data-role="' + r + '"]');
  const trail = root.querySelector(".ebm-trail");
  const canvas = root.querySelector('[data-testid="ebm-chain-canvas-canvas"]');
  const st = {
    parentElement, root, canvas, ctx: canvas.getContext("2d"),
    stage: root.querySelector(".ebm-stage"),
    ui: { play: $("play"), step: $("step"), reset: $("reset"), speed: $("speed"), speedLabel: $("speed-label"),
          speedValue: $("speed-value"), counter: $("counter"), legend: $("legend"), tune: $("tune") },
    bg: document.createElement("canvas"), trail, overlayBox: null,
    cbar: colorbarImage(),
    clip: null, heat: null, contours: null,
    step: 0, trailStep: 0, playing: false, accum: 0, lastT: null, frames: 0,
    speed: 60, userSpeed: false, dataSpeed: null,
    raf: null, alive: true, gen: 0, renders: 0, needRender: false,
    layout: null, cssW: 0, cssH: 0, dpr: 1, layoutDirty: true,
    setTrigger: null, shown: {},
    tune: null, tuneSig: "", tuneInputs: [], shownKey: null, pending: null, nearTimer: null, nearAsks: null,
  };
  st.bgCtx = st.bg.getContext("2d");
  st.trailCtx = st.trail.getContext("2d");
  st.onFrame = (t) => onFrame(st, t);

  st.ui.play.addEventListener("click", () => (st.playing ? pause(st) : play(st)));
  st.ui.step.addEventListener("click", () => { pause(st); setStep(st, st.step + 1); });
  st.ui.reset.addEventListener("click", () => { pause(st); setStep(st, 0); });
  st.ui.speed.addEventListener("input", () => {
    st.speed = speedFromSlider(+st.ui.speed.value);
    st.userSpeed = true;
    updateControls(st);
  });
  canvas.addEventListener("click", (e) => onCanvasClick(st, e));
  st.ro = new ResizeObserver(() => { st.layoutDirty = true; requestDraw(st); });
  st.ro.observe(st.stage);
  return st;
}

function destroy(st) {
  st.alive = false;
  st.playing = false;
  cancelNear(st);
  clearTimeout(st.staleTimer);
  if (st.raf != null) cancelAnimationFrame(st.raf);
  st.raf = null;
  if (st.ro) st.ro.disconnect();
  if (st.root.parentNode) st.root.parentNode.removeChild(st.root);
  st.bg.width = st.bg.height = st.trail.width = st.trail.height = 0;  // free the bitmaps
  if (STATES.get(st.parentElement) === st) STATES.delete(st.parentElement);
}

function requestDraw(st) {
  if (st.alive && st.raf == null) st.raf = requestAnimationFrame(st.onFrame);
}

function setStep(st, i) {
  if (!st.clip) return;
  st.step = Math.max(0, Math.min(st.clip.N, i | 0));
  updateControls(st);
  requestDraw(st);
}

function play(st) {
  if (!st.clip || st.clip.N === 0) return;
  if (st.step >= st.clip.N) st.step = 0;
  st.playing = true;
  st.accum = 0;
  st.lastT = null;
  st.frames = 0;
  STATS.frames = 0;
  STATS.drawMs = 0;
  STATS.startedAt = performance.now();
  updateControls(st);
  requestDraw(st);
}

function pause(st) {
  st.playing = false;
  st.waitingForRest = false;
  updateControls(st);
}

function onFrame(st, t) {
  st.raf = null;
  if (!st.alive || !st.clip) return;
  if (st.playing) {
    if (st.lastT == null) st.lastT = t;
    const dt = Math.min(0.1, Math.max(0, (t - st.lastT) / 1000));
    st.lastT = t;
    st.accum += dt * st.speed;
    const k = Math.floor(st.accum);
    if (k > 0) {
      st.accum -= k;
      st.step = Math.min(st.clip.N, st.step + k);
    }
    if (st.step >= st.clip.N) {
      st.playing = false;
      st.waitingForRest = st.clip.nTotal > st.clip.N;  // resume when the rest of the run arrives
    }
  }
  const t0 = performance.now();
  const drawn = draw(st);
  if (drawn && st.playing) { st.frames++; STATS.frames++; STATS.drawMs += performance.now() - t0; }
  updateControls(st);
  if (st.playing) requestDraw(st);
}

// ---------------------------------------------------------------------------- controls
function setText(st, key, el, html) {
  if (st.shown[key] !== html) { st.shown[key] = html; el.innerHTML = html; }
}
function setAttr(st, name, value) {
  const k = "@" + name;
  if (st.shown[k] !== value) { st.shown[k] = value; st.root.setAttribute(name, value); }
}

function updateControls(st) {
  const clip = st.clip;
  if (!clip) return;
  const lab = clip.labels;
  setText(st, "play", st.ui.play, st.playing ? ICONS.pause + esc(lab.pause || "Pause") : ICONS.play + esc(lab.play || "Play"));
  setText(st, "step", st.ui.step, ICONS.step + esc(lab.step || "Step"));
  setText(st, "reset", st.ui.reset, ICONS.reset + esc(lab.reset || "Reset"));
  setText(st, "speedLabel", st.ui.speedLabel, esc(lab.speed || "Speed"));
  setText(st, "speedValue", st.ui.speedValue, esc(fmtSpeed(st.speed) + " " + (lab.speed_unit || "steps/s")));
  // While playing, the counter changes ~10 times a second, not every frame: a text change
  // makes the browser lay out and repaint the controls, and nobody reads 60 numbers a second.
  const now = performance.now();
  if (!st.playing || !(now - st.counterAt < 100)) {
    setText(st, "counter", st.ui.counter, esc(fmt(lab.step_counter || "step {i} / {n}", { i: st.step, n: clip.nTotal })));
    st.counterAt = now;
  }
  const su = String(sliderFromSpeed(st.speed));
  if (st.ui.speed.value !== su && document.activeElement !== st.ui.speed) st.ui.speed.value = su;
  st.ui.step.disabled = st.step >= clip.N;
  setAttr(st, "data-step", String(st.step));
  setAttr(st, "data-playing", st.playing ? "1" : "0");
  setAttr(st, "data-frames", String(st.frames));
  setAttr(st, "data-n-steps", String(clip.N));
}

function legendHtml(clip) {
  const lab = clip.labels;
  const arrowSvg = (col) =>
    '<svg viewBox="0 0 28 14"><path d="M2 7h17" stroke="' + col + '" stroke-width="3"/><path d="M27 7l-9-5v10z" fill="' + col + '"/></svg>';
  let h = "<span>" + arrowSvg(ACC_COLOR) + esc(lab.accepted || "accepted") + "</span>" +
          "<span>" + arrowSvg(REJ_COLOR) + esc(lab.rejected || "rejected") + "</span>";
  if (lab.start) {
    h += '<span><svg viewBox="0 0 28 14"><circle cx="14" cy="7" r="5" fill="none" stroke="currentColor" stroke-width="2"/></svg>' +
         esc(lab.start) + "</span>";
  }
  if (clip.m > 0) {
    h += '<span><svg viewBox="0 0 28 14"><path d="M2 10L10 4L18 9L26 3" fill="none" stroke="currentColor" stroke-opacity="0.3" stroke-width="2"/></svg>' +
         esc(fmt(lab.burn_in_note || "faded: burn-in (m = {m})", { m: clip.m })) + "</span>";
  }
  return h;
}

function onCanvasClick(st, e) {
  const L = st.layout;
  if (!L || !st.setTrigger) return;
  const r = st.canvas.getBoundingClientRect();
  const cx = e.clientX - r.left, cy = e.clientY - r.top;
  if (cx < L.L || cx > L.L + L.W || cy < L.T || cy > L.T + L.H) return;
  const x = L.x0 + (cx - L.L) / L.s, y = L.y1 - (cy - L.T) / L.s;
  st.setTrigger("click", [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4]);
}
