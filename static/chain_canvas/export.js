// Exports for slides: the picture as a PNG at projector resolution (issue 13 §5).  The picture
// is drawn again at a larger pixel ratio (the layers are vector drawings of the clip, so the PNG
// is sharp, not an enlarged screen), the layers joined, and the size put back.  main.js adds the
// button (addExportButton) once per canvas; the label comes with the clip (labels.png).

const EXPORT_WIDTH = 1920;  // px: a 1080p projector's width

function addExportButton(st) {
  if (st.ui.png) return;
  const b = document.createElement("button");
  b.type = "button";
  b.className = "ebm-btn";
  b.setAttribute("data-testid", "ebm-png");
  b.addEventListener("click", () => exportPng(st));
  st.ui.png = b;
  st.root.querySelector(".ebm-controls").appendChild(b);
}

function exportLabel(st) {
  const lab = (st.clip && st.clip.labels) || {};
  if (st.ui.png) st.ui.png.textContent = lab.png || "PNG";
}

// The current frame (landscape, paths so far, the moving parts) as one PNG, EXPORT_WIDTH wide.
function exportPng(st) {
  if (!st.clip || !st.cssW) return;
  st.exportDpr = Math.max(1, EXPORT_WIDTH / st.cssW);
  st.layoutDirty = true;
  let out = null;
  try {
    draw(st);
    out = document.createElement("canvas");
    out.width = st.trail.width; out.height = st.trail.height;
    const c = out.getContext("2d");
    c.fillStyle = "#ffffff";
    c.fillRect(0, 0, out.width, out.height);
    c.drawImage(st.trail, 0, 0);
    c.drawImage(st.canvas, 0, 0);
  } finally {
    st.exportDpr = null;
    st.layoutDirty = true;
    draw(st);
  }
  setAttr(st, "data-export-size", out.width + "x" + out.height);
  out.toBlob((blob) => {
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "ebm-lab-mcmc-step-" + st.step + ".png";
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }, "image/png");
}
