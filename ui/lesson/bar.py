"""The lesson bar: ``?lesson=<name>&step=<k>`` on any page opens step k of a lesson.

``app.py`` calls :func:`lesson_bar` between ``st.navigation`` and the page's run, so no page
file knows about lessons.  Opening a step (from a link, the buttons, the list or a clicker
key) sets the whole app's state: every page's settings back to their defaults, then the
step's URL values, tabs, expanders and model; the step's page is switched to when it is
another.  The bar shows where the step sits in the slides, the lecture's formula, what to look
at, and, for a step with a question, hides the page's numbers until "Reveal" is clicked.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import streamlit as st

from ui.kit import params as P
from ui.kit.i18n import LANGS, S, lang, t
from ui.lesson import keys, pages
from ui.lesson.schema import Lesson, LessonError, Step, available, find, parse

AT = "_lesson_at"  # (name, k) of the step whose state was applied
GOTO = "_lesson_goto"  # the step a button, the list or a key asked for
REVEALED = "_lesson_revealed"
NOTE = "_lesson_note"  # a note about the link's step= value, shown once  # {(name, k)} whose numbers were revealed
KEYS = "lesson_keys"
BOUND = ("present",)  # URL keys bound to a widget (app.py's toggle): Streamlit keeps them itself
JUMP = "lesson_jump"
#: The bar's marks, as Streamlit's own icon font (an emoji needs the viewer's system font: a
#: projector's Linux box without one showed empty boxes)
LOOK, ASK, ANSWER = ":material/visibility:", ":material/help:", ":material/check_circle:"

#: What a question hides until it is answered (``reveal`` in the lesson file).
HIDDEN = {
    "metrics": "[data-testid='stMain'] [data-testid='stMetricValue'], "
               "[data-testid='stMain'] [data-testid='stMetricDelta']",
    "tables": "[data-testid='stMain'] [data-testid='stDataFrame'], [data-testid='stMain'] [data-testid='stTable']",
    "charts": "[data-testid='stMain'] [data-testid='stPlotlyChart'], "
              "[data-testid='stMain'] [data-testid='stVegaLiteChart']",
}


@lru_cache(maxsize=16)
def _load_file(path: str, mtime_ns: int, name: str) -> Lesson:
    """Read and check once per version of the file (a teacher editing it sees the new one)."""
    text = Path(path).read_text(encoding="utf-8")
    return pages.check(parse(text, name, source=Path(path).name), source=Path(path).name)


def load_checked(name: str) -> Lesson:
    """The lesson ``name``, its shape and every step's values checked (else LessonError)."""
    path = find(name)
    st_ = path.stat()
    if st_.st_size > 256_000:
        raise LessonError(f"{path.name}: larger than 256 kB")
    try:
        return _load_file(str(path), st_.st_mtime_ns, name)
    except UnicodeDecodeError as e:
        raise LessonError(f"{path.name}: not UTF-8 text ({e})") from None


def step_number(raw, n: int) -> tuple[int, str | None]:
    """(k in 1 … n, the note's text or None) for a link's ``step=`` value."""
    try:
        k = int(str(raw).strip())
    except ValueError:
        return 1, t("lesson_bad_step", value=P.plain(raw), n=n, used=1)
    if 1 <= k <= n:
        return k, None
    used = min(max(k, 1), n)
    return used, t("lesson_bad_step", value=P.plain(raw), n=n, used=used)


def _go(k: int) -> None:
    st.session_state[GOTO] = k


def _jumped() -> None:
    _go(int(st.session_state[JUMP]))


def _keyed() -> None:
    """A clicker key: move from the step it was pressed on (a resent key, once moved, is ignored)."""
    m = keys.move(KEYS)
    at = st.session_state.get(AT)
    if m and at and m[1] == at[1]:
        st.session_state[GOTO] = at[1] + (1 if m[0] == "next" else -1)


def _reveal(name: str, k: int) -> None:
    st.session_state[REVEALED] = st.session_state.get(REVEALED, set()) | {(name, k)}


def query_for(lesson: Lesson, k: int) -> dict[str, str]:
    """The address of step k: the viewer's language, the lesson, the step's values.  (Not
    ``present``: the toggle is bound to the URL and writes it back itself; setting it is refused.)"""
    q = {"lang": st.query_params["lang"]} if "lang" in st.query_params else {}
    return {**q, "lesson": lesson.name, "step": str(k), **lesson.steps[k - 1].params}


def reset_state(step: Step) -> None:
    """Every page's settings, tabs, expanders and clicked points back to their defaults, then the step's."""
    for s in pages.all_specs():
        st.session_state.pop(s.key, None)
        for lg in LANGS:  # select boxes and radios keep a per-language copy (ui.kit.params.choice)
            st.session_state.pop(f"{s.key}__{lg}", None)
    st.session_state["_url_checked"] = set()  # the pages read their URL values afresh
    st.session_state.pop("clicked", None)
    # A step is a fresh state, not a slider move: the MCMC page's prefetch must not read the
    # previous step's (T, step size) as "the last move" (it also keeps MH -> Gibbs from tripping it).
    st.session_state.pop("_last_run_key", None)
    for name in pages.FILES:
        p = pages.page(name)
        for g in p.tab_groups:
            for lg in LANGS:
                st.session_state.pop(g.key.format(lang=lg), None)
        for e in p.expanders:
            st.session_state[e] = e in step.expanders
    for label in step.tabs:
        g = pages.tab_group(step, label)
        for lg in LANGS:  # both languages: switching language keeps the tab
            st.session_state[g.key.format(lang=lg)] = S[label].get(lg) or S[label]["en"]
    if step.model:
        pages.load_model(step)


def open_step(lesson: Lesson, k: int, current: str) -> None:
    """Apply step k; switch to its page when it is another (this run then stops)."""
    step = lesson.steps[k - 1]
    reset_state(step)
    st.session_state[AT] = (lesson.name, k)
    st.session_state[REVEALED] = st.session_state.get(REVEALED, set()) - {(lesson.name, k)}
    query = query_for(lesson, k)
    if step.page != current:
        st.switch_page(pages.FILES[step.page], query_params=query)
    for key in list(st.query_params):
        if key not in query and key not in BOUND:
            del st.query_params[key]
    for key, value in query.items():
        if st.query_params.get(key) != value:
            st.query_params[key] = value


def style(step: Step, revealed: bool) -> None:
    """Hide the step's hidden controls, and its numbers until they are revealed."""
    rules = []
    hidden = []
    for key in step.hide:
        keyed = [f".st-key-{key}"] + [f".st-key-{key}__{lg}" for lg in LANGS]
        # (a keyed container sits in a layout wrapper that would keep the column's gap: hide it too)
        hidden += keyed + [f"[data-testid=stLayoutWrapper]:has(> {k})" for k in keyed]
    if hidden:
        rules.append(", ".join(hidden) + " { display: none !important; }")
    if step.question and not revealed:
        sel = ", ".join(HIDDEN[r] for r in step.reveal)
        if sel:
            rules.append(sel + " { visibility: hidden !important; }")
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")


#: Presentation mode's bar: tight spacing, so the step's picture starts on the first screen
#: (the full bar was ~480 px tall at 1280×720).  Every text stays at the page's 18+ px.  The bar
#: names the step, so the page's own title and the caption under it (its introduction) give way.
#: (The formula's container loses Streamlit's negative bottom margin: with the tighter KaTeX margin
#: it let a fraction's denominator run into the sentence below.)
COMPACT_CSS = """<style>
  .st-key-lesson_bar { gap: 0.3rem !important; padding: 0.3rem 0.75rem !important; }
  .st-key-lesson_bar .katex-display { margin: 0.1rem 0 0.3rem !important; }
  .st-key-lesson_bar [data-testid="stMarkdownContainer"]:has(.katex-display) { margin-bottom: 0 !important; }
  [data-testid="stMain"] .stElementContainer:has(h1),
  [data-testid="stMain"] .stElementContainer:has(h1) + .stElementContainer:has([data-testid="stCaptionContainer"]) {
    display: none !important; }
  .st-key-lesson_bar button { min-height: 2rem; padding-top: 0.1rem; padding-bottom: 0.1rem; }
</style>"""


def _jump_list(lesson: Lesson, k: int, where) -> None:
    lg = lang()
    st.session_state[JUMP] = k
    where.selectbox(t("lesson_jump"), options=list(range(1, len(lesson.steps) + 1)), key=JUMP, on_change=_jumped,
                    format_func=lambda i: f"{i} · {lesson.steps[i - 1].text('title', lg)}",
                    label_visibility="collapsed")


def draw_compact(lesson: Lesson, k: int, revealed: bool) -> None:
    """The bar on a projector: one line (step, slide, title, ◀ ▶, the list in a popover), the
    formula, the sentence, and the question on one line with its button."""
    step = lesson.steps[k - 1]
    lg = lang()
    n = len(lesson.steps)
    st.html(COMPACT_CSS)
    with st.container(border=True, key="lesson_bar"):
        c_title, c_prev, c_next, c_jump = st.columns([9, 0.7, 0.7, 0.9], vertical_alignment="center", gap="small")
        c_title.markdown(f"{k}/{n} · {t('lesson_slide', n=step.slide)} · **{step.text('title', lg)}**")
        c_prev.button("◀", key="lesson_prev", disabled=k <= 1, on_click=_go, args=(k - 1,), width="stretch",
                      help=t("lesson_prev"))
        c_next.button("▶", key="lesson_next", disabled=k >= n, on_click=_go, args=(k + 1,), width="stretch",
                      type="primary", help=t("lesson_next"))
        with c_jump.popover("☰", help=t("lesson_jump"), width="stretch"):
            _jump_list(lesson, k, st)
        st.latex(step.formula)
        look = f"{LOOK} {step.text('look', lg)}"
        if step.question:
            q = f"{ASK} **{step.text('question', lg)}**"
            if revealed:
                st.markdown(look + "  \n" + q + (f" {ANSWER} {step.text('answer', lg)}" if step.answer else ""))
            else:
                st.markdown(look)
                c_q, c_b = st.columns([3, 1], vertical_alignment="center", gap="small")
                c_q.markdown(q)
                c_b.button(t("lesson_reveal"), key="lesson_reveal", type="primary", on_click=_reveal,
                           args=(lesson.name, k), width="stretch")
        else:
            st.markdown(look)
        keys.lesson_keys(key=KEYS, step=k, on_nav=_keyed)


def draw(lesson: Lesson, k: int) -> None:
    step = lesson.steps[k - 1]
    lg = lang()
    n = len(lesson.steps)
    revealed = (lesson.name, k) in st.session_state.get(REVEALED, set())
    style(step, revealed)
    if st.session_state.get("present"):
        draw_compact(lesson, k, revealed)
        return
    with st.container(border=True, key="lesson_bar"):
        # one row: where we are and the step's title | ◀ | ▶ | the list; then the formula (full
        # width: the lecture's long ones need it), what to look at, the question
        c_title, c_prev, c_next, c_jump = st.columns([5, 0.8, 0.8, 3], vertical_alignment="center")
        with c_title:
            slide = t("lesson_slide", n=step.slide) + (f" · {step.slide_title}" if step.slide_title else "")
            st.caption(f"{lesson.title[lg]} · {t('lesson_step_of', k=k, n=n)} · {slide}")
            st.markdown(f"**{step.text('title', lg)}**")
        c_prev.button("◀", key="lesson_prev", disabled=k <= 1, on_click=_go, args=(k - 1,), width="stretch",
                      help=t("lesson_prev"))
        c_next.button("▶", key="lesson_next", disabled=k >= n, on_click=_go, args=(k + 1,), width="stretch",
                      type="primary", help=t("lesson_next"))
        _jump_list(lesson, k, c_jump)
        st.latex(step.formula)
        st.markdown(f"{LOOK} **{t('lesson_look')}:** {step.text('look', lg)}")
        if step.question:
            q = f"{ASK} **{t('lesson_predict')}:** {step.text('question', lg)}"
            if revealed:
                if step.answer:
                    q += f"  \n{ANSWER} **{t('lesson_answer')}:** {step.text('answer', lg)}"
                st.info(q)
            else:
                c_q, c_b = st.columns([4, 1], vertical_alignment="center")
                c_q.info(q + f"  \n_{t('lesson_hidden_note')}_")
                c_b.button(t("lesson_reveal"), key="lesson_reveal", type="primary", on_click=_reveal,
                           args=(lesson.name, k), width="stretch")
        keys.lesson_keys(key=KEYS, step=k, on_nav=_keyed)
        st.caption(t("lesson_keys_help"))


def lesson_bar(current: str) -> None:
    """The bar for ``?lesson=…&step=…`` on the page ``current`` (its name in ``pages.FILES``)."""
    name = st.query_params.get("lesson")
    if not name:
        st.session_state.pop(AT, None)
        return
    try:
        lesson = load_checked(name)
    except LessonError as e:
        st.error(t("lesson_error", message=P.plain(e, limit=400)), icon=":material/menu_book:")
        st.caption(t("lesson_available", names=", ".join(available()) or "–"))
        return
    n = len(lesson.steps)
    goto = st.session_state.pop(GOTO, None)
    note = None
    if goto is not None:
        k = min(max(int(goto), 1), n)
    else:
        k, note = step_number(st.query_params.get("step", "1"), n)
    if note:  # (kept in the session: opening the step may switch page)
        st.session_state[NOTE] = note
    if st.session_state.get(AT) != (name, k) or note:
        open_step(lesson, k, current)  # (switches page, or sets this page's state and goes on)
    elif lesson.steps[k - 1].page != current:
        # The step is open but this is another page: a rerun of the previous page (a clicker key's
        # trigger sent again, the chain canvas asking for a clip) crossed the switch (seen in the
        # browser: /mcmc drawn with the landscape step's link).  The step's page is the step's.
        open_step(lesson, k, current)
    note = st.session_state.pop(NOTE, None)
    if note:
        st.warning(note, icon=":material/warning:")
    draw(lesson, k)
