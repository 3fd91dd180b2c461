// EBM Lab chain canvas: plays a whole MCMC clip client-side (no server work while playing).
// Entry: Streamlit calls the default export on every mount and data change.  The files
// decode.js, draw.js, player.js, sliders.js and send.js come before this one in the same ES module
// (ui/mcmc/canvas/__init__.py joins them), so they share one scope and this is its only export.

// ------------------------------------------------------------------------------ entry
function setData(st, data) {
  const prevId = st.clip ? st.clip.id : null;
  const clip = decodeClip(data);
  Object.assign(clip, decodeRecords(data));  // (records.js: what the sampler did, exact draws)
  const sameClip = prevId != null && clip.id === prevId;
  // The picture of the landscape depends on the grid alone: a new step size keeps it.
  const g = data.grid || {};
  const gridKey = [g.q, g.nx, g.ny, g.vmin, g.vmax, g.log, clip.levels].join("|");
  if (gridKey !== st.gridKey || !st.heat) {
    st.heat = heatImage(clip.grid);
    st.contours = contourSegments(clip.grid.q, clip.grid.nx, clip.grid.ny, clip.levels);
    st.gridKey = gridKey;
  }
  if (st.dataSpeed !== clip.speed || !st.userSpeed) {
    st.speed = Math.max(SPEED_MIN, Math.min(SPEED_MAX, clip.speed));
    st.userSpeed = false;
  }
  st.dataSpeed = clip.speed;
  st.clip = clip;
  st.shown = {};
  st.ui.legend.innerHTML = legendHtml(clip) + recordsLegendHtml(clip);
  if (!sameClip) {
    st.waitingForRest = false;
    st.step = 0;
    st.playing = false;
    if (clip.autoplay && clip.N > 0) play(st);
  } else {
    st.step = Math.min(st.step, clip.N);
    if (st.waitingForRest && clip.N > st.step) play(st);
  }
  // A new box, axis labels or landscape: lay out and redraw the background; otherwise (e.g.
  // only the step size changed) keep it and only start the paths again.
  const lab = clip.labels;
  const bgKey = [gridKey, clip.box.join(","), lab.colorbar, lab.x_axis, lab.y_axis].join("#");
  if (bgKey !== st.bgKey) {
    st.layoutDirty = true;
    st.bgKey = bgKey;
  } else {
    st.trailStep = -1;
  }
  st.needRender = true;
  updateControls(st);
  exportLabel(st);  // (export.js)
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  let st = STATES.get(parentElement);
  if (!st || !st.alive) {
    st = createState(parentElement);
    STATES.set(parentElement, st);
  }
  st.sendNow = setTriggerValue;
  // (send.js; an exported clip has no server: no trigger)
  st.setTrigger = setTriggerValue ? st.held || (st.held = heldSender(st)) : null;
  addExportButton(st);  // (export.js)
  st.askDrawn = !!(data && data.ask_drawn);
  // A new payload that still asks means the server did not get our word (Streamlit can drop a
  // fragment's event that comes while a long page run is under way): say it again, a few times.
  if (st.askDrawn && st.toldDrawn && data !== st.lastData && (st.drawnSaid | 0) < 5) st.toldDrawn = false;
  // presentation mode: the labels' scale (not part of the clip: a new one only lays out again)
  const labelScale = Math.max(0.5, Math.min(3, +(data && data.label_scale) || 1));
  if (labelScale !== st.labelScale) { st.labelScale = labelScale; st.layoutDirty = true; }
  st.root.classList.toggle("ebm-big", labelScale > 1);  // (canvas.css: controls beside the picture)
  const gen = ++st.gen;
  if (data && (data.pos != null || data.held)) {
    if (data !== st.lastData) {
      st.lastData = data;
      receive(st, data);
    } else {
      st.layoutDirty = true;  // e.g. a theme change: redraw with the new colours
    }
  }
  if (st.clip && (!st.playing || st.needRender)) {
    // draw right away when laid out (a new clip too, even if it autoplays: its first frame
    // should not wait for the next animation frame), so data-rendered means "the picture is there"
    if (st.raf != null) { cancelAnimationFrame(st.raf); st.raf = null; }
    draw(st);
    updateControls(st);
  }
  requestDraw(st);
  // Streamlit keeps only the latest cleanup and runs it on unmount; an older one may
  // still be called in a race, so only the newest generation tears down.
  return () => { if (st.gen === gen) destroy(st); };
}
