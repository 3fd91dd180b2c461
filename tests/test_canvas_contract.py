"""The chain canvas's contract: what the server writes is what the JavaScript reads.

``pack_clip`` (ui/mcmc/canvas/clip.py) and the page (ui/mcmc/tune.py) write a payload; the
front end (ui/mcmc/canvas/*.js) reads it by property name.  A key renamed on one side only
would fail silently in the browser (``undefined``, a default), so this test reads both sides
and binds them: every name the JavaScript reads off the payload is written, and every key
written is read (or is listed in ``SERVER_ONLY`` with its reason).  No browser needed; the
JavaScript's syntax is checked with ``node --check`` where node is installed.
"""

from __future__ import annotations

import ast
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch

import ui.mcmc.canvas as canvas
from nodejs import NODE, needs_node, run_json
from ui.mcmc.canvas import pack_clip

ROOT = Path(__file__).resolve().parents[1]
FRONT = canvas.FRONTEND_DIR
TUNE_PY = ROOT / "ui" / "mcmc" / "tune.py"
CLIP_PY = ROOT / "ui" / "mcmc" / "canvas" / "clip.py"

#: Keys written but not read by the JavaScript, and why.
SERVER_ONLY = {"v": "format version; ui/mcmc/tune.py copies it into the answer that leaves the clip out"}

#: Which variables hold what, file by file (the test checks the grid's binding itself).
PAYLOAD_VARS = {"decode.js": ("d",), "main.js": ("data",), "sliders.js": ("data", "d", "own"), "records.js": ("d",)}
GRID_VARS = {"decode.js": ("g",), "main.js": ("g",)}
#: grid keys the page writes: a neighbour's clip that shares its grid refers to it (ui/mcmc/tune.py)
GRID_PAGE = {"ref"} if '{"ref": grid_id}' in TUNE_PY.read_text() else set()
TUNE_VARS = {"sliders.js": ("tune",)}
SLIDER_VARS = {"sliders.js": ("s", "t.s")}
#: the optional layers of what the sampler did and of exact draws (ui/mcmc/canvas/records.py)
REC_VARS = {"records.js": ("r",)}
EXACT_VARS = {"records.js": ("e",)}


def _code(text: str) -> str:
    """The JavaScript without its line comments (the files use no block comments)."""
    assert "/*" not in text, "block comment: teach _code to strip it"
    return re.sub(r"(^|\s)//.*$", r"\1", text, flags=re.M)


def _reads(sources: dict[str, str], table: dict[str, tuple[str, ...]]) -> set[str]:
    """Property names read as ``<var>.<name>`` or destructured as ``const {a, b} = <var>``."""
    out = set()
    for name, names in table.items():
        code = _code(sources[name])
        for var in names:
            out |= set(re.findall(rf"(?<![\w.$]){re.escape(var)}\.([A-Za-z_$][\w$]*)", code))
            for group in re.findall(rf"const\s*\{{([^}}]*)\}}\s*=\s*{var}\b", code):
                out |= {p.strip() for p in group.split(",") if p.strip() and not p.strip().startswith("...")}
    return out


def _js_sources() -> dict[str, str]:
    return {name: (FRONT / name).read_text() for name in canvas.JS_FILES}


def _small_clip() -> dict:
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(6, 2, 2))
    # with every optional layer (rec, exact): the default clip is the same without those keys
    rec = {"kind": "hmc", "points": rng.normal(size=(3, 2, 4, 2)), "scale": 1.0, "sigma": None}
    return pack_clip(pos, pos[1:] + 0.1, rng.random((5, 2)) < 0.5, rng.random((8, 9)), (-1, 1, -1, 1), 2,
                     half=pos[1:], rec=rec, exact=rng.normal(size=(7, 2)), exact_of=9)


def _dict_keys(node: ast.Dict) -> set[str]:
    return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}


def _page_keys() -> tuple[set[str], set[str]]:
    """The keys ui/mcmc/tune.py adds to the payload, and those of its ``tune`` dict (from its source)."""
    tree = ast.parse(TUNE_PY.read_text())
    fns = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    ret = [n.value for n in ast.walk(fns["payload"]) if isinstance(n, ast.Return)][-1]
    page, tune = _dict_keys(ret), set()
    for k, v in zip(ret.keys, ret.values):
        if isinstance(k, ast.Constant) and k.value == "tune":
            tune = _dict_keys(v)
    # the answer that leaves out a clip the browser holds: {"v", "id", "sig", "held": True}
    held = [n for n in ast.walk(fns["canvas_data"]) if isinstance(n, ast.Dict) and "held" in _dict_keys(n)]
    assert held, "tune.canvas_data no longer writes 'held'"
    # and the keys it sets one by one (data["ask_drawn"] = True)
    assigned = {t.slice.value for n in ast.walk(fns["canvas_data"]) if isinstance(n, ast.Assign)
                for t in n.targets if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name)
                and t.value.id == "data" and isinstance(t.slice, ast.Constant)}
    return page | _dict_keys(held[0]) | assigned, tune


def _slider_keys() -> set[str]:
    from ui.mcmc import tune

    keys = [set(s) for s in tune.sliders("mh", 1.0, 0.5)]
    assert len(keys) == 2 and keys[0] == keys[1]
    return keys[0]


def mismatches(sources: dict[str, str], packed: dict, page: set[str], tune_keys: set[str],
               slider_keys: set[str]) -> list[str]:
    """Every way the two sides disagree, in words (empty: they agree)."""
    bad = []
    for name, var in (("decode.js", "d"), ("main.js", "data")):
        if not re.search(rf"const g = {var}\.grid\b", _code(sources[name])):
            bad.append(f"{name}: `g` is no longer {var}.grid (update GRID_VARS)")
    top, written = _reads(sources, PAYLOAD_VARS), set(packed) | page
    bad += [f"the JS reads payload.{k}, which nobody writes" for k in sorted(top - written)]
    bad += [f"pack_clip writes {k!r}, which the JS never reads" for k in sorted(set(packed) - top - set(SERVER_ONLY))]
    bad += [f"the page writes {k!r}, which the JS never reads" for k in sorted(page - top - set(SERVER_ONLY))]
    bad += [f"SERVER_ONLY lists {k!r}, which pack_clip no longer writes" for k in sorted(set(SERVER_ONLY) - set(packed))]
    bad += [f"SERVER_ONLY lists {k!r}, which the JS reads" for k in sorted(set(SERVER_ONLY) & top)]
    grid = _reads(sources, GRID_VARS)
    if grid != set(packed["grid"]) | GRID_PAGE:
        bad.append(f"grid: the JS reads {sorted(grid)}, pack_clip writes {sorted(packed['grid'])}")
    tune = _reads(sources, TUNE_VARS)
    if tune != tune_keys:
        bad.append(f"tune: the JS reads {sorted(tune)}, the page writes {sorted(tune_keys)}")
    sl = _reads(sources, SLIDER_VARS)
    if sl != slider_keys:
        bad.append(f"tune.sliders[]: the JS reads {sorted(sl)}, the page writes {sorted(slider_keys)}")
    for key, table in (("rec", REC_VARS), ("exact", EXACT_VARS)):
        if not re.search(rf"{table['records.js'][0]} = d\.{key}\b", _code(sources["records.js"])):
            bad.append(f"records.js: `{table['records.js'][0]}` is no longer d.{key} (update {key.upper()}_VARS)")
        got = _reads(sources, table)
        if key in packed and got != set(packed[key]):
            bad.append(f"{key}: the JS reads {sorted(got)}, pack_clip writes {sorted(packed[key])}")
    return bad


def test_what_pack_clip_and_the_page_write_is_what_the_js_reads():
    page, tune_keys = _page_keys()
    bad = mismatches(_js_sources(), _small_clip(), page, tune_keys, _slider_keys())
    assert not bad, bad


def test_every_payload_key_is_documented():
    """clip.py's docstring table names every key the server writes."""
    doc = ast.get_docstring(ast.parse(CLIP_PY.read_text()))
    lines = doc.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("=" * 10)]
    rows = lines[rules[1] + 1 : rules[2]]  # the table's body, between its 2nd and 3rd rule
    documented = {line.split()[0] for line in rows if line[:1].strip()}
    page, _ = _page_keys()
    assert set(_small_clip()) | page <= documented, sorted((set(_small_clip()) | page) - documented)


@pytest.mark.parametrize("side", ["js", "pack_clip", "grid", "page", "slider"])
def test_the_contract_fails_when_one_side_renames_a_key(side):
    sources, packed = _js_sources(), _small_clip()
    page, tune_keys = _page_keys()
    slider_keys = _slider_keys()
    if side == "js":
        sources["decode.js"] = sources["decode.js"].replace("d.burn_in", "d.burnin")
    elif side == "pack_clip":
        packed["burnin"] = packed.pop("burn_in")
    elif side == "grid":
        packed["grid"]["vmaximum"] = packed["grid"].pop("vmax")
    elif side == "page":
        page = (page - {"eta_ms"}) | {"eta"}
    else:
        sources["sliders.js"] = sources["sliders.js"].replace("s.role", "s.kind")
    assert mismatches(sources, packed, page, tune_keys, slider_keys)


def test_the_module_is_the_files_joined_in_order():
    assert canvas._JS == "\n".join((FRONT / n).read_text() for n in canvas.JS_FILES)
    assert canvas._CSS == (FRONT / canvas.CSS_FILE).read_text()
    assert sorted(p.name for p in FRONT.glob("*.js")) == sorted([*canvas.JS_FILES, canvas.LOADER_FILE])
    assert "export default" in _code(_js_sources()["main.js"])
    assert sum(_code(s).count("export ") for s in _js_sources().values()) == 1
    # the loader (sent inline) fetches exactly these files, in this order, from where they are served
    assert canvas.ASSETS["files"] == list(canvas.JS_FILES)
    assert canvas.ASSETS["base"] == "app/static/" + FRONT.name + "/" and FRONT.parent.name == "static"
    assert "export default" in _code(canvas._LOADER) and "assets.files" in canvas._LOADER


@needs_node
@pytest.mark.parametrize("name", [*canvas.JS_FILES, canvas.LOADER_FILE, "(joined)"])
def test_the_javascript_parses(name, tmp_path):
    """``node --check`` on each file and on the module Streamlit gets (as an ES module: the
    joined text also catches a name declared twice across files)."""
    text = canvas._JS if name == "(joined)" else (FRONT / name).read_text()
    path = tmp_path / "canvas.mjs"
    path.write_text(text)
    r = subprocess.run([NODE, "--check", str(path)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr


def _decode_in_node(clip: dict, remember=()) -> dict:
    """decode.js run by node on ``clip`` (``remember``: clips decoded before it)."""
    return run_json("decode_clip.mjs", str(FRONT / "decode.js"), stdin={"clip": clip, "remember": list(remember)})


def _as_float(values) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)


@needs_node
@pytest.mark.parametrize("sampler", ["mh", "gibbs", "hmc"])
def test_the_browser_decodes_the_packed_run(sampler):
    """Every draw and proposal comes back within one 16-bit step of the range (and no worse
    than 1/20,000 of the box), accept flags exactly, a diverged chain's non-finite points as
    NaN: what the canvas draws is the run."""
    from ebm_core.landscapes.targets import resolve_target
    from ebm_core.mcmc.samplers import make_sampler, run_chains

    energy = resolve_target("mixture")
    s = make_sampler(sampler, energy, None if sampler == "gibbs" else 0.8, 1.0, 5)
    x0 = torch.tensor([[-2.0, -2.0], [2.0, 2.0], [0.0, 0.0]])
    tr = run_chains(s, x0, 120, seed=1)
    pos, prop = tr.positions.copy(), tr.proposals.copy()
    pos[60:, 2] = np.inf  # a chain that has diverged (the canvas must not draw it)
    prop[59:, 2] = np.nan
    box = energy.box
    packed = pack_clip(pos, prop, tr.accepted, np.ones((8, 8)), box, 10, half=tr.half)
    got = _decode_in_node(packed)
    N, C = tr.n_steps, tr.n_chains
    assert (got["N"], got["C"]) == (N, C)
    tol = max(packed["q"][1], packed["q"][3]) / 65534 * 0.51 + 1e-6
    assert tol < (box[1] - box[0]) / 20_000 * 3
    for name, want in (("pos", pos), ("prop", prop)):
        dec = _as_float(got[name]).reshape(want.shape)
        finite = np.isfinite(want)
        assert np.array_equal(np.isfinite(dec), finite), name
        assert np.max(np.abs(dec[finite] - want[finite])) <= tol, name
    assert np.array_equal(np.array(got["acc"]).reshape(N, C) & 1, tr.accepted.astype(int))
    if tr.half is not None:
        dec = _as_float(got["half"]).reshape(tr.half.shape)
        assert np.max(np.abs(dec - tr.half)) <= tol
    # a neighbour's clip that refers to a grid the browser holds decodes the same
    ref = dict(packed, grid={"ref": packed["grid"]["id"]})
    assert _decode_in_node(ref, remember=[packed])["pos"] == got["pos"]
    assert _decode_in_node(ref).get("unresolved")  # (not held: the browser asks again)
