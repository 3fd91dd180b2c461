"""A lesson file: read, checked field by field, and found by name (no Streamlit here).

The format is documented in ``docs/lessons.md``; in short, a TOML file with one ``[lesson]``
table and one ``[[step]]`` table per step, in the order they are taught:

    [lesson]
    title.en = "Lecture 5"            # every visible text in English and 中文
    title.zh = "第 5 讲"

    [[step]]
    page = "mcmc"                     # home | foundations | mcmc | landscape | rbm | deep
    slide = 15                        # the slide's number in the deck
    slide_title = "Metropolis-Hastings算法"
    title.en = "…";   title.zh = "…"
    formula = '\\alpha(x, x\') = …'   # LaTeX, the lecture's notation
    look.en = "…";    look.zh = "…"  # one sentence: what to look at
    question.en = "…"; question.zh = "…"   # optional: predict before the numbers show
    answer.en = "…";  answer.zh = "…"      # optional (needs a question): shown on reveal
    reveal = ["metrics"]              # optional: what stays hidden until the click
    hide = ["sampler"]                # optional: URL keys of controls (or a page's named parts) to hide
    tabs = ["tab_hist"]               # optional: tabs to open (their label keys)
    expanders = ["mcmc_explain"]      # optional: expanders to open
    model = "shipped"                 # optional (rbm, deep): load the shipped model
    params = { target = "mixture", T = 0.2 }   # the page's URL values (the rest: defaults)

``parse`` checks the shape (fields, types, both languages) and raises :class:`LessonError`
with a message that names the file, the step (1-based, with its title) and the field.  Whether
each ``params`` value is one the page accepts is checked by ``ui.lesson.pages``, against the
page's own range checks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (requirements.txt)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
SHIPPED_DIR = ROOT / "assets" / "lessons"
#: A teacher's own folder of lesson files (searched after the shipped ones).
ENV_DIR = "EBM_LESSONS_DIR"
SUFFIX = ".toml"
#: A lesson's name in a link: letters, digits, "-" and "_" (no dots, no slashes: no way out of
#: the lesson folders).
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
MAX_BYTES = 256_000
MAX_STEPS = 200
LANGS = ("en", "zh")
PAGES = ("home", "foundations", "mcmc", "landscape", "rbm", "deep")
REVEALS = ("metrics", "tables", "charts")
MODELS = ("shipped",)
MAX_TEXT = 2000  # characters of one text (a sentence, a question, a formula)

LESSON_FIELDS = {"title", "description"}
STEP_FIELDS = {"page", "slide", "slide_title", "title", "formula", "look", "question", "answer", "reveal",
               "hide", "tabs", "expanders", "model", "params"}
REQUIRED = ("page", "slide", "title", "formula", "look")


class LessonError(ValueError):
    """A lesson that cannot be used; the message says where (file, step, field) and why."""


@dataclass(frozen=True)
class Step:
    index: int  # 1-based
    page: str
    slide: int
    slide_title: str
    title: dict[str, str]
    formula: str
    look: dict[str, str]
    question: dict[str, str] | None = None
    answer: dict[str, str] | None = None
    reveal: tuple[str, ...] = ()
    hide: tuple[str, ...] = ()
    tabs: tuple[str, ...] = ()
    expanders: tuple[str, ...] = ()
    model: str | None = None
    params: dict[str, str] = field(default_factory=dict)  # URL key -> URL text

    def text(self, name: str, lang: str) -> str | None:
        d = getattr(self, name)
        return None if d is None else d.get(lang) or d["en"]


@dataclass(frozen=True)
class Lesson:
    name: str
    title: dict[str, str]
    description: dict[str, str] | None
    steps: tuple[Step, ...]


def url_text(value) -> str:
    """A TOML value as the page's URL would carry it (what ``sync_url`` writes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) >= 1e-4 or value == 0 else repr(value)
    return str(value)


class _Where:
    """The place in the file a message is about: "lecture5.toml, step 3 (“Burn-in”), field look"."""

    def __init__(self, source: str, step: int | None = None, title: str | None = None):
        self.source, self.step, self.title = source, step, title

    def fail(self, fld: str | None, why: str):
        where = self.source
        if self.step is not None:
            where += f", step {self.step}" + (f" (“{self.title}”)" if self.title else "")
        if fld:
            where += f", field {fld}"
        raise LessonError(f"{where}: {why}")


def _text(w: _Where, fld: str, v, limit: int = MAX_TEXT) -> str:
    if not isinstance(v, str):
        w.fail(fld, f"should be text, not {type(v).__name__}")
    if not v.strip():
        w.fail(fld, "is empty")
    if len(v) > limit:
        w.fail(fld, f"is longer than {limit} characters")
    return v


def _bilingual(w: _Where, fld: str, v) -> dict[str, str]:
    if not isinstance(v, dict):
        w.fail(fld, f'should give both languages: {fld}.en = "…" and {fld}.zh = "…"')
    extra = set(v) - set(LANGS)
    if extra:
        w.fail(f"{fld}.{sorted(extra)[0]}", f"unknown language (use {' and '.join(LANGS)})")
    for lang in LANGS:
        if lang not in v:
            w.fail(f"{fld}.{lang}", "is missing (every text is given in English and 中文)")
        _text(w, f"{fld}.{lang}", v[lang])
    return {lang: v[lang] for lang in LANGS}


def _names(w: _Where, fld: str, v, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        w.fail(fld, 'should be a list of names, e.g. ["a", "b"]')
    if allowed is not None:
        for x in v:
            if x not in allowed:
                w.fail(fld, f"“{x}” is not one of {', '.join(allowed)}")
    if len(set(v)) != len(v):
        w.fail(fld, "names a thing twice")
    return tuple(v)


def _step(source: str, i: int, raw) -> Step:
    w = _Where(source, i)
    if not isinstance(raw, dict):
        w.fail(None, "should be a table ([[step]])")
    title = raw.get("title")
    if isinstance(title, dict) and isinstance(title.get("en"), str):
        w.title = title["en"][:60]
    extra = sorted(set(raw) - STEP_FIELDS)
    if extra:
        w.fail(extra[0], f"unknown field (known: {', '.join(sorted(STEP_FIELDS))})")
    for f in REQUIRED:
        if f not in raw:
            w.fail(f, "is missing")
    page = raw["page"]
    if page not in PAGES:
        w.fail("page", f"“{page}” is not a page (one of {', '.join(PAGES)})")
    slide = raw["slide"]
    if isinstance(slide, bool) or not isinstance(slide, int) or slide < 1:
        w.fail("slide", "should be the slide's number (a whole number ≥ 1)")
    question = _bilingual(w, "question", raw["question"]) if "question" in raw else None
    answer = _bilingual(w, "answer", raw["answer"]) if "answer" in raw else None
    if answer and not question:
        w.fail("answer", "needs a question")
    reveal = _names(w, "reveal", raw["reveal"], REVEALS) if "reveal" in raw else (("metrics",) if question else ())
    if reveal and not question:
        w.fail("reveal", "needs a question (the numbers are revealed after it)")
    model = raw.get("model")
    if model is not None and model not in MODELS:
        w.fail("model", f"“{model}” is not one of {', '.join(MODELS)}")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        w.fail("params", "should be a table of URL values, e.g. params = { T = 0.2 }")
    out = {}
    for k, v in params.items():
        if isinstance(v, (dict, list)) or v is None:
            w.fail(f"params.{k}", "should be one value (text, number or true/false)")
        out[str(k)] = url_text(v)
        if len(out[str(k)]) > 500:
            w.fail(f"params.{k}", "is longer than 500 characters")
    return Step(
        index=i, page=page, slide=slide,
        slide_title=_text(w, "slide_title", raw["slide_title"], 200) if "slide_title" in raw else "",
        title=_bilingual(w, "title", title), formula=_text(w, "formula", raw["formula"]),
        look=_bilingual(w, "look", raw["look"]), question=question, answer=answer, reveal=reveal,
        hide=_names(w, "hide", raw.get("hide", [])), tabs=_names(w, "tabs", raw.get("tabs", [])),
        expanders=_names(w, "expanders", raw.get("expanders", [])), model=model, params=out)


def parse(text: str, name: str = "lesson", source: str | None = None) -> Lesson:
    """The lesson in ``text`` (TOML), or :class:`LessonError` naming where it is wrong."""
    source = source or f"{name}{SUFFIX}"
    w = _Where(source)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        w.fail(None, f"not valid TOML ({e})")
    extra = sorted(set(raw) - {"lesson", "step"})
    if extra:
        w.fail(extra[0], "unknown table (a lesson has [lesson] and [[step]] tables)")
    head = raw.get("lesson")
    if not isinstance(head, dict):
        w.fail("lesson", "the [lesson] table with the lesson's title is missing")
    extra = sorted(set(head) - LESSON_FIELDS)
    if extra:
        w.fail(f"lesson.{extra[0]}", f"unknown field (known: {', '.join(sorted(LESSON_FIELDS))})")
    if "title" not in head:
        w.fail("lesson.title", "is missing")
    title = _bilingual(w, "lesson.title", head["title"])
    description = _bilingual(w, "lesson.description", head["description"]) if "description" in head else None
    steps = raw.get("step")
    if not isinstance(steps, list) or not steps:
        w.fail("step", "a lesson needs at least one [[step]]")
    if len(steps) > MAX_STEPS:
        w.fail("step", f"more than {MAX_STEPS} steps")
    return Lesson(name=name, title=title, description=description,
                  steps=tuple(_step(source, i, s) for i, s in enumerate(steps, start=1)))


def folders() -> list[Path]:
    """Where lesson files are looked for: the shipped folder, then ``$EBM_LESSONS_DIR``."""
    out = [SHIPPED_DIR]
    extra = os.environ.get(ENV_DIR, "").strip()
    if extra:
        out.append(Path(extra).expanduser())
    return out


def find(name: str) -> Path:
    """The file of the lesson called ``name`` (a link's ``lesson=`` value), or LessonError.

    Only a plain name is accepted, and only a file directly inside one of :func:`folders`
    (after resolving links) is opened: a link cannot reach any other file on the server.
    """
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise LessonError("a lesson's name has letters, digits, “-” and “_” only (at most 64), "
                          "e.g. lesson=lecture5")
    for d in folders():
        try:
            base = d.resolve(strict=True)
        except OSError:
            continue
        p = (base / f"{name}{SUFFIX}").resolve()
        if p.parent == base and p.is_file():
            return p
    where = "assets/lessons/" + (f" and ${ENV_DIR}" if len(folders()) > 1 else "")
    raise LessonError(f"no lesson called “{name}” (looked for {name}{SUFFIX} in {where})")


def load(name: str) -> Lesson:
    """Find, read and check the lesson ``name`` (the shape only: see ``ui.lesson.pages``)."""
    path = find(name)
    if path.stat().st_size > MAX_BYTES:
        raise LessonError(f"{path.name}: larger than {MAX_BYTES // 1000} kB")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise LessonError(f"{path.name}: cannot be read as UTF-8 text ({e})") from None
    return parse(text, name, source=path.name)


def available() -> list[str]:
    """The names of the lessons found in :func:`folders` (for a message listing them)."""
    names = set()
    for d in folders():
        if d.is_dir():
            names |= {p.stem for p in d.glob(f"*{SUFFIX}") if NAME.fullmatch(p.stem)}
    return sorted(names)
