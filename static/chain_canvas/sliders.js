// In-picture sliders (T, step size): clips held by this page, instant moves to a held clip,
// the choice sent to the server (trigger "tune") and the neighbours asked for (trigger "near").

// Clips this page has been sent, by "<settings context>#<slider indices>": moving an in-picture
// slider to a value held here switches the picture at once, before (and without waiting for)
// the server's run.  Least recently used first; a clip is ~0.2 MB of base64.
const CLIPS = new Map(), CLIP_CACHE_MAX = 24;
const PENDING_MS = 6000;         // a slider choice sent to the server is trusted this long
const NEAR_ASKS = 8;             // requests for one setting's neighbours while none arrives

// ------------------------------------------------- sliders in the picture (T, step size)
// The server sends, with each clip, the sliders that choose it (data.tune) and the clips one
// notch away that it has computed (data.near).  A move to a value whose clip is held here is
// drawn at once; the choice then goes to the server (trigger "tune"), whose run brings the
// numbers, the link and the clip itself (same id: it plays on, no restart).
function cachePut(k, d) {
  if (CLIPS.has(k)) CLIPS.delete(k);
  CLIPS.set(k, d);
  while (CLIPS.size > CLIP_CACHE_MAX) CLIPS.delete(CLIPS.keys().next().value);
}
function cacheGet(k) {
  const d = CLIPS.get(k);
  if (d) { CLIPS.delete(k); CLIPS.set(k, d); }
  return d;
}
function tuneIndices(st) { return st.tuneInputs.map((t) => +t.inp.value); }
function tunePending(st) { return !!st.pending && performance.now() - st.pending.at < PENDING_MS; }
function showTuneValue(t, i) {
  t.val.textContent = t.s.shown[i];
  t.inp.setAttribute("aria-valuetext", t.s.shown[i]);
}

function setTune(st, tune) {
  st.tune = tune;
  const sig = JSON.stringify(tune.sliders.map((s) => [s.name, s.label, s.shown]));
  const fresh = sig !== st.tuneSig;
  if (fresh) {
    st.tuneSig = sig;
    st.ui.tune.innerHTML = "";
    st.tuneInputs = tune.sliders.map((s) => {
      const item = document.createElement("label");
      item.className = "ebm-tune-item";
      const name = document.createElement("span");
      name.className = "ebm-tune-label";
      name.textContent = s.label;
      const inp = document.createElement("input");
      inp.type = "range"; inp.min = "0"; inp.max = String(s.shown.length - 1); inp.step = "1";
      inp.setAttribute("data-testid", "ebm-tune-" + (s.role || s.name));
      const val = document.createElement("span");
      val.className = "ebm-tune-value";
      val.setAttribute("aria-hidden", "true");  // the input's aria-valuetext says it
      item.append(name, inp, val);
      inp.addEventListener("input", () => onTuneInput(st));
      inp.addEventListener("change", () => onTuneCommit(st));
      st.ui.tune.appendChild(item);
      return { inp, val, s };
    });
  }
  st.tuneInputs.forEach((t, k) => { t.s = tune.sliders[k]; });
  // The server's positions, unless the user has chosen since this run started (new inputs
  // always start from the server's).
  if (fresh || !tunePending(st)) {
    st.tuneInputs.forEach((t, k) => { t.inp.value = String(t.s.index); showTuneValue(t, t.s.index); });
  }
}

function setWaiting(st, on) {
  if (!!st.waiting !== on) { st.waiting = on; st.stage.classList.toggle("ebm-waiting", on); }
  setAttr(st, "data-waiting", on ? "1" : "0");
}

// Show a clip now (not on the next animation frame): its first frame is on screen when this returns.
function showClip(st, d) {
  if (st.clip && d.sig && d.sig === st.clip.sig) return;  // already showing exactly this
  setData(st, d);
  if (st.raf != null) { cancelAnimationFrame(st.raf); st.raf = null; }
  draw(st);
  updateControls(st);
  requestDraw(st);
}

function onTuneInput(st) {
  if (!st.tune) return;
  const idx = tuneIndices(st);
  st.tuneInputs.forEach((t, k) => showTuneValue(t, idx[k]));
  const key = idx.join("|");
  st.pending = { key, ctx: st.tune.ctx, at: performance.now() };
  cancelNear(st);
  const d = cacheGet(st.tune.ctx + "#" + key);
  if (d) { showClip(st, d); st.shownKey = key; }
  setWaiting(st, key !== st.shownKey);
  setAttr(st, "data-tune-shown", st.shownKey || "");
  setAttr(st, "data-sig-shown", (st.clip && st.clip.sig) || "");
}

function onTuneCommit(st) {
  if (!st.tune || !st.setTrigger) return;
  const idx = tuneIndices(st), value = {};
  st.tuneInputs.forEach((t, k) => { value[t.s.name] = t.s.options[idx[k]]; });
  st.pending = { key: idx.join("|"), ctx: st.tune.ctx, at: performance.now() };
  // (say whether this clip is held here: then the answer leaves it out)
  value.ctx = st.tune.ctx;
  // (a neighbour's clip is only its first steps: the whole run must still come)
  const mine = CLIPS.get(st.tune.ctx + "#" + st.pending.key);
  value.have = mine && (mine.n_steps | 0) >= (mine.n_total | 0) ? [st.pending.key] : [];
  value.grids = [...GRIDS.keys()].slice(-8);  // (the landscapes held: the answer may name one)
  value.near = heldKeys(st.tune.ctx);  // (every clip held, whole or not: the answer brings the rest)
  st.setTrigger("tune", value);
}

function cancelNear(st) {
  if (st.nearTimer != null) clearTimeout(st.nearTimer);
  st.nearTimer = null;
}

// Keys of the settings one notch away on each slider.
function neighbourKeys(st) {
  const idx = st.tuneInputs.map((t) => t.s.index), out = [];
  st.tuneInputs.forEach((t, k) => {
    for (const d of [1, -1]) {
      const j = idx[k] + d;
      if (j < 0 || j >= t.s.shown.length) continue;
      const n = idx.slice(); n[k] = j;
      out.push(n.join("|"));
    }
  });
  return out;
}

// The server computes the neighbours in the background after its run, the likeliest next move
// first.  Ask for the ones this browser lacks: at once when the server has more than it
// holds, else when the next should be ready (data.eta_ms), backing off while none arrives.
function heldKeys(ctx) {  // every clip held for these settings (so that none is sent twice)
  return [...CLIPS.keys()].filter((k) => k.startsWith(ctx + "#")).map((k) => k.slice(ctx.length + 1)).slice(-16);
}

function scheduleNear(st, data) {
  cancelNear(st);
  const key = data.tune.key, ctx = data.tune.ctx, keys = neighbourKeys(st);
  const held = keys.filter((k) => CLIPS.has(ctx + "#" + k));
  const ready = data.ready | 0, id = ctx + "#" + key;
  if (!st.nearAsks || st.nearAsks.id !== id || ready > st.nearAsks.ready) st.nearAsks = { id, n: 0, ready };
  const more = ready > held.length, later = (data.missing | 0) > 0;
  const ask = held.length < keys.length && (more || later) && st.nearAsks.n < NEAR_ASKS && !!st.setTrigger;
  setAttr(st, "data-near-pending", ask ? "1" : "0");
  if (!ask) return;
  const eta = Math.max(250, Math.min(4000, +data.eta_ms || 600));
  const wait = more ? 30 : Math.min(8000, eta * Math.pow(1.5, st.nearAsks.n));
  st.nearTimer = setTimeout(function again() {
    st.nearTimer = null;
    if (!st.alive || tunePending(st) || st.nearAsks.n >= NEAR_ASKS) return;
    st.nearAsks.n++;
    st.setTrigger("near", { key, ctx, have: heldKeys(ctx) });
    // an answer that changes nothing sends no new data: look again later
    st.nearTimer = setTimeout(again, Math.min(8000, Math.max(600, eta * Math.pow(1.5, st.nearAsks.n))));
  }, wait);
}

// A payload from the server: keep its clips; show it unless the user has moved on since.
function receive(st, data) {
  const tune = data.tune;
  if (!tune || !Array.isArray(tune.sliders)) { if (data.pos != null) showClip(st, data); return; }
  const { near, ...rest } = data;
  rememberGrid(rest);  // (its grid resolves the neighbours' references to it)
  for (const [k, c] of near || []) {
    const full = withGrid(c);
    if (full) cachePut(tune.ctx + "#" + k, full);
  }
  let own = withGrid(rest);
  if (!own) {  // it names a landscape this page no longer holds: ask again, holding nothing
    if (st.setTrigger) st.setTrigger("near", { key: tune.key, ctx: tune.ctx, have: heldKeys(tune.ctx) });
    return;
  }
  if (data.held) {  // the answer to "near": the clip itself was left out, this browser holds it
    own = cacheGet(tune.ctx + "#" + tune.key);
    if (!own || own.sig !== data.sig) {  // not the same copy: ask again, without it
      CLIPS.delete(tune.ctx + "#" + tune.key);
      if (st.setTrigger) st.setTrigger("near", { key: tune.key, ctx: tune.ctx, have: heldKeys(tune.ctx) });
      return;
    }
  } else {
    cachePut(tune.ctx + "#" + tune.key, own);
  }
  // the user's choice has been answered, or the page has changed under it (e.g. a new sampler)
  if (st.pending && (st.pending.key === tune.key || st.pending.ctx !== tune.ctx)) st.pending = null;
  const stale = tunePending(st);  // a newer choice is on its way: keep showing it
  setTune(st, tune);
  clearTimeout(st.staleTimer);
  if (!stale) {
    showClip(st, own);
    st.shownKey = tune.key;
    setWaiting(st, false);
  } else {
    // if that choice is never answered, this answer stands once the choice has expired
    st.staleTimer = setTimeout(() => { if (st.alive && st.lastData === data) receive(st, data); },
                               PENDING_MS - (performance.now() - st.pending.at) + 20);
  }
  setAttr(st, "data-tune", tune.key);
  setAttr(st, "data-tune-shown", st.shownKey || "");
  setAttr(st, "data-sig", data.sig || "");
  setAttr(st, "data-sig-shown", (st.clip && st.clip.sig) || "");
  setAttr(st, "data-near", String(neighbourKeys(st).filter((k) => CLIPS.has(tune.ctx + "#" + k)).length));
  scheduleNear(st, data);
}
