// EBM Lab chain canvas, the part sent with every message: it loads the player's code once per
// page from the app's static folder (the files next to this one, joined in the order the
// server lists them into one ES module) and hands every mount to it.  Sending the ~45 KB of
// code inline would repeat it in each of the page's messages (issue 16: kilobytes per move).

let loaded = null;   // the player's module, once imported
let loading = null;  // the import under way

function load(assets) {
  const base = new URL(assets.base, document.baseURI);
  const texts = assets.files.map((f) =>
    fetch(new URL(f + "?v=" + encodeURIComponent(assets.v), base)).then((r) => {
      if (!r.ok) throw new Error(f + ": HTTP " + r.status);
      return r.text();
    }));
  // (a Blob URL, not the file's own: the app's static files are served as plain text)
  return Promise.all(texts).then((parts) =>
    import(URL.createObjectURL(new Blob([parts.join("\n")], { type: "text/javascript" }))));
}

function failed(parent, err) {
  const p = document.createElement("p");
  p.className = "load-error";
  p.textContent = "The chain canvas could not load its code (" + err.message +
    "). The server must run with server.enableStaticServing = true.";
  parent.replaceChildren(p);
}

export default function (component) {
  if (loaded) return loaded.default(component);
  const assets = component.data && component.data.assets;
  if (!assets) return undefined;
  let cleanup = null, unmounted = false;
  loading = loading || load(assets);
  loading.then((mod) => {
    loaded = mod;
    if (!unmounted) cleanup = mod.default(component);
  }).catch((err) => { loading = null; failed(component.parentElement, err); });
  return () => { unmounted = true; if (cleanup) cleanup(); };
}
