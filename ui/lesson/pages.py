"""What a lesson step may set on each page, read from the pages' own declarations.

For every page: its file (as ``app.py`` lists it), its URL specs (``ui.kit.params.Spec``, the
same objects the page range-checks its link with), its tabs (label keys and the widget key they
live under), its expanders, and how to load its shipped model.  :func:`check` holds a lesson's
steps against them: a value the page would clamp, snap or replace is an error here, with the
step and the field named, so a lesson never opens on a "not valid" note.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ui.lesson.schema import Lesson, LessonError, Step

FILES = {"home": "app_pages/home.py", "foundations": "app_pages/foundations.py", "mcmc": "app_pages/mcmc.py",
         "landscape": "app_pages/landscape.py", "rbm": "app_pages/rbm.py", "deep": "app_pages/deep.py"}
#: Set by the viewer, not by a lesson (the lesson follows the chosen language).
FRAME_KEYS = ("lang", "present", "lesson", "step")
#: Controls drawn inside the MCMC picture (a component's shadow root): CSS cannot reach them.
IN_PICTURE = {"mcmc": {"T", "sigma", "sigmaq", "eps", "heps"}}


@dataclass(frozen=True)
class TabGroup:
    key: str  # the st.tabs key, with {lang} (and {kind} on the DBN/DBM page)
    labels: tuple[str, ...]  # i18n label keys, in the tabs' order
    url: str  # the URL key of the open tab (ui.kit.tabs)


@dataclass(frozen=True)
class Page:
    name: str
    specs: tuple  # of ui.kit.params.Spec
    tab_groups: tuple[TabGroup, ...] = ()
    expanders: tuple[str, ...] = ()
    #: keyed parts of the page a step may hide as a whole (``hide``), so that what the step is
    #: about comes up onto the projector's first screen
    sections: tuple[str, ...] = ()

    def spec(self, key: str):
        return next((s for s in self.specs if s.key == key), None)


@cache
def page(name: str) -> Page:
    """The page's declarations (imported on first use: the page modules are heavy)."""
    if name == "home":
        return Page("home", ())
    if name == "foundations":
        from ui.foundations import page as F

        return Page("foundations", tuple(F.all_specs()), (TabGroup(F.TAB_KEY, F.TABS, F.TAB_URL),))
    if name == "mcmc":
        from ui.mcmc import controls as M

        return Page("mcmc", tuple(M.ALL_SPECS),
                    (TabGroup("tabs_{lang}", ("tab_traces", "tab_acf", "tab_hist", "tab_fmn"), "tab"),),
                    ("mcmc_explain", "mcmc_try", "mcmc_window"))
    if name == "landscape":
        from ui.landscape import ebm2d, explore

        return Page("landscape", (explore.MODE, *explore.SPECS.values(), *ebm2d.SPECS.values()),
                    (TabGroup("ls_tabs_{lang}", ("landscape_tab_now", "landscape_tab_sweep"), "ls_tab"),),
                    ("ls_ensemble", "ls_ais", "ls_try", "ebm_try"))
    if name == "rbm":
        from ui.rbm import lab, specs, tools, views

        return Page("rbm", tuple(specs.ALL_SPECS),
                    (TabGroup("rbm_tabs_{lang}", views.TABS, "rbm_view"),
                     TabGroup("rbm_tools_{lang}", tools.TOOL_TABS, "rbm_tool")), sections=(views.SECTION, views.MODEL_SECTION, lab.CONTROLS))
    if name == "deep":
        from ui.deep import specs, tools

        return Page("deep", tuple(specs.ALL_SPECS),
                    tuple(TabGroup(f"deep_tools_{kind}_{{lang}}", labels, f"{kind}_tool")
                          for kind, labels in tools.TOOLS.items()))
    raise KeyError(name)


def all_specs() -> list:
    """Every page's specs (a step resets them all: its state is the whole app's)."""
    seen, out = set(), []
    for name in FILES:
        for s in page(name).specs:
            if s.key not in seen:
                seen.add(s.key)
                out.append(s)
    return out


def tab_group(step: Step, label: str) -> TabGroup | None:
    """The group the tab ``label`` belongs to on the step's page (the DBN/DBM page: the model's)."""
    kind = step.params.get("deep_model", "dbn")
    for g in page(step.page).tab_groups:
        if label in g.labels and (step.page != "deep" or f"_{kind}_" in g.key):
            return g
    return None


def check_step(step: Step, source: str) -> None:
    """LessonError unless the page accepts every value and name of ``step`` exactly as written."""
    where = f"{source}, step {step.index} (“{step.title['en'][:60]}”)"
    p = page(step.page)
    for key, raw in step.params.items():
        fld = f"field params.{key}"
        if key in FRAME_KEYS:
            raise LessonError(f"{where}, {fld}: set by whoever opens the lesson, not by a step")
        group = next((g for g in p.tab_groups if g.url == key), None)
        if group is not None:  # the open tab, by its URL name (ui.kit.tabs)
            from ui.kit.tabs import names

            if raw not in names(group.labels):
                raise LessonError(f"{where}, {fld}: {raw} is not one of {', '.join(names(group.labels))}")
            continue
        spec = p.spec(key)
        if spec is None:
            known = ", ".join(s.key for s in p.specs) or "none"
            raise LessonError(f"{where}, {fld}: the {step.page} page has no such setting (its URL keys: {known})")
        value, note = spec.parse(raw)
        if note is not None:
            kind, _raw, used = note
            rng = (f"{spec.options[0]} … {spec.options[-1]}" if spec.options and spec.kind != "choice"
                   else ", ".join(map(str, spec.options)) if spec.options else f"{spec.lo} … {spec.hi}")
            why = "is outside" if kind == "clamped" else "is not one of" if spec.kind == "choice" else "is not valid for"
            raise LessonError(f"{where}, {fld}: {raw} {why} {rng} (the page would use {used})")
        if spec.options and spec.kind != "choice" and float(raw) != float(value):
            raise LessonError(f"{where}, {fld}: {raw} is not one of the slider's stops "
                              f"({', '.join(map(str, spec.options))}); the page would use {value}")
    for key in step.hide:
        if p.spec(key) is None and key not in p.sections:
            parts = f" or part ({', '.join(p.sections)})" if p.sections else ""
            raise LessonError(f"{where}, field hide: the {step.page} page has no control{parts} “{key}”")
        if key in IN_PICTURE.get(step.page, ()):
            raise LessonError(f"{where}, field hide: “{key}” is drawn inside the picture and cannot be hidden")
    for label in step.tabs:
        if tab_group(step, label) is None:
            known = ", ".join(lb for g in p.tab_groups for lb in g.labels) or "none"
            raise LessonError(f"{where}, field tabs: the {step.page} page has no tab “{label}” "
                              f"(for this model; its tabs: {known})")
    groups = [tab_group(step, label) for label in step.tabs]
    if len(set(groups)) != len(groups):
        raise LessonError(f"{where}, field tabs: two tabs of one group (only one can be open)")
    for name in step.expanders:
        if name not in p.expanders:
            raise LessonError(f"{where}, field expanders: the {step.page} page has no expander “{name}” "
                              f"(its expanders: {', '.join(p.expanders) or 'none'})")
    if step.model and step.page not in ("rbm", "deep"):
        raise LessonError(f"{where}, field model: the {step.page} page has no shipped model")


def check(lesson: Lesson, source: str | None = None) -> Lesson:
    """The lesson, once every step passes :func:`check_step` (else the first LessonError)."""
    for step in lesson.steps:
        check_step(step, source or f"{lesson.name}.toml")
    return lesson


def load_model(step: Step) -> None:
    """Load the page's shipped model for a ``model = "shipped"`` step, unless one is loaded."""
    if step.page == "rbm":
        from ui.rbm import training

        if training.job().get("rbm") is None:
            training.load_pretrained()
    elif step.page == "deep":
        from ui.deep import training

        kind = step.params.get("deep_model", "dbn")
        if training.job(kind).get("model") is None:
            training.load_pretrained(kind)
