"""Lesson files: the shipped lecture5 against the pages' own range checks, the checker's
messages (they name the step and the field), and finding a lesson by name (no way out of the
lesson folders)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ui.kit.i18n import S
from ui.lesson import pages, schema
from ui.lesson.schema import LessonError, find, load, parse

# The deck's sections, as slide numbers (slides counted from the title page, see the note in
# assets/lessons/lecture5.toml): the lesson must visit every one, in the slides' order.
SECTIONS = {"mcmc": range(7, 18), "ebm": range(19, 49), "rbm": range(50, 68), "dbn": range(69, 76),
            "dbm": range(77, 86)}


@pytest.fixture(scope="module")
def lecture5():
    return load("lecture5")


def test_lecture5_walks_every_section_in_the_slides_order(lecture5):
    steps = lecture5.steps
    assert len(steps) >= 20
    slides = [s.slide for s in steps]
    assert slides == sorted(slides), slides
    for name, r in SECTIONS.items():
        assert any(s.slide in r for s in steps), f"no step in section {name}"
    assert {s.page for s in steps} == {"foundations", "mcmc", "landscape", "rbm", "deep"}
    assert sum(s.question is not None for s in steps) >= 8  # predict-then-reveal is used, not just allowed


def test_lecture5_is_bilingual(lecture5):
    for s in lecture5.steps:
        for fld in ("title", "look", "question", "answer"):
            d = getattr(s, fld)
            if d is not None:
                assert d["en"].strip() and d["zh"].strip(), (s.index, fld)
                assert any("\u4e00" <= c <= "\u9fff" for c in d["zh"]), (s.index, fld, "zh has no Chinese")
        assert s.formula.strip()


def test_every_shipped_value_is_accepted_by_its_page_exactly(lecture5):
    """Each step's URL values pass the page's own Spec.parse with no note (no clamp, no "not
    valid"), and a log-scale value is one of the slider's stops (not snapped)."""
    for s in lecture5.steps:
        page = pages.page(s.page)
        for key, raw in s.params.items():
            spec = page.spec(key)
            assert spec is not None, (s.index, key)
            value, note = spec.parse(raw)
            assert note is None, (s.index, key, raw, note)
            if spec.kind != "text":
                assert str(value) == raw or float(value) == float(raw), (s.index, key, raw, value)
        for label in s.tabs:
            g = pages.tab_group(s, label)
            assert g is not None and label in S, (s.index, label)
        for e in s.expanders:
            assert e in page.expanders
    pages.check(lecture5)  # (the same, as the app runs it)


STEP = '''
[lesson]
title.en = "T"
title.zh = "课"

[[step]]
page = "mcmc"
slide = 3
title.en = "First"
title.zh = "第一"
formula = "x"
look.en = "look"
look.zh = "看"
{extra}
'''


def _lesson(extra: str = "", check: bool = True):
    lesson = parse(STEP.format(extra=extra), "t")
    return pages.check(lesson) if check else lesson


def test_a_minimal_lesson_parses():
    step = _lesson("params = { T = 0.2, sampler = \"mala\", eps = 0.3 }").steps[0]
    assert step.params == {"T": "0.2", "sampler": "mala", "eps": "0.3"}
    assert step.question is None and step.reveal == ()


@pytest.mark.parametrize("extra, where, why", [
    ("colour = 3", "field colour", "unknown field"),
    ("question.en = \"?\"", "field question.zh", "is missing"),
    ("answer.en = \"a\"\nanswer.zh = \"答\"", "field answer", "needs a question"),
    ("params = { T = 70 }", "field params.T", "is outside 0.05 … 20.0 (the page would use 20.0)"),
    ("params = { T = 7 }", "field params.T", "not one of the slider's stops"),
    ("params = { T = 0.25 }", "field params.T", "not one of the slider's stops"),
    ("params = { chains = 40 }", "field params.chains", "is outside 1 … 16"),
    ("params = { sampler = \"nuts\" }", "field params.sampler", "is not one of mh, mh-independent"),
    ("params = { temp = 1.0 }", "field params.temp", "the mcmc page has no such setting"),
    ("params = { lang = \"zh\" }", "field params.lang", "set by whoever opens the lesson"),
    ("hide = [\"T\"]", "field hide", "drawn inside the picture"),
    ("hide = [\"colour\"]", "field hide", "no control “colour”"),
    ("tabs = [\"rbm_tab_filters\"]", "field tabs", "no tab “rbm_tab_filters”"),
    ("expanders = [\"mcmc_nothing\"]", "field expanders", "no expander"),
    ("reveal = [\"everything\"]", "field reveal", "is not one of metrics, tables, charts"),
    ("model = \"shipped\"", "field model", "no shipped model"),
    ("slide = 0", "field slide", "whole number"),
])
def test_messages_name_the_step_and_the_field(extra, where, why):
    src = STEP.format(extra=extra)
    if extra.startswith("slide ="):
        src = src.replace("slide = 3\n", "")
    with pytest.raises(LessonError) as e:
        pages.check(parse(src, "t"))
    msg = str(e.value)
    assert msg.startswith("t.toml, step 1 (“First”), " + where), msg
    assert why in msg, msg


def test_a_step_may_hide_a_named_part_of_its_page():
    # the RBM page's model line and tabs, so that a tool further down comes up onto the first screen
    rbm = STEP.replace('page = "mcmc"', 'page = "rbm"')
    step = pages.check(parse(rbm.format(extra='hide = ["rbm_views"]'), "t")).steps[0]
    assert step.hide == ("rbm_views",) and "rbm_views" in pages.page("rbm").sections
    with pytest.raises(LessonError, match=r"field hide: the rbm page has no control or part \(rbm_views, rbm_model, rbm_lab_controls\) “rbm_nothing”"):
        pages.check(parse(rbm.format(extra='hide = ["rbm_nothing"]'), "t"))
    with pytest.raises(LessonError, match="the mcmc page has no control “rbm_views”"):  # another page's part
        _lesson('hide = ["rbm_views"]')


def test_file_level_messages():
    with pytest.raises(LessonError, match=r"t\.toml: not valid TOML"):
        parse("[lesson\n", "t")
    with pytest.raises(LessonError, match=r"t\.toml, field step: a lesson needs at least one"):
        parse('[lesson]\ntitle.en = "a"\ntitle.zh = "b"\n', "t")
    with pytest.raises(LessonError, match=r"t\.toml, field lesson.title.zh: is missing"):
        parse('[lesson]\ntitle.en = "a"\n[[step]]\n', "t")
    with pytest.raises(LessonError, match=r"step 2, field page: “nowhere” is not a page"):
        parse(STEP.format(extra="") + '[[step]]\npage = "nowhere"\nslide = 1\ntitle = 1\nformula = "x"\nlook = 1\n', "t")


@pytest.mark.parametrize("name", ["../lecture5", "a/b", ".hidden", "lecture5.toml", "", "x" * 65, "/etc/passwd",
                                  "..", "lecture5\n", "课"])
def test_only_plain_names_are_looked_up(name):
    with pytest.raises(LessonError, match="letters, digits"):
        find(name)


def test_a_teachers_folder(tmp_path, monkeypatch):
    (tmp_path / "mine.toml").write_text(STEP.format(extra="params = { T = 0.5 }"), encoding="utf-8")
    with pytest.raises(LessonError, match="no lesson called “mine”"):
        find("mine")
    monkeypatch.setenv(schema.ENV_DIR, str(tmp_path))
    assert find("mine") == (tmp_path / "mine.toml").resolve()
    assert load("mine").steps[0].params == {"T": "0.5"}
    assert "mine" in schema.available() and "lecture5" in schema.available()
    assert find("lecture5").parent == schema.SHIPPED_DIR.resolve()  # the shipped ones come first


def test_a_link_out_of_the_folder_is_not_followed(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.toml").write_text(STEP.format(extra=""), encoding="utf-8")
    folder = tmp_path / "lessons"
    folder.mkdir()
    os.symlink(outside / "secret.toml", folder / "secret.toml")
    monkeypatch.setenv(schema.ENV_DIR, str(folder))
    with pytest.raises(LessonError, match="no lesson called"):
        find("secret")


def test_url_text_is_what_the_page_writes():
    assert schema.url_text(0.2) == "0.2"
    assert schema.url_text(8.0) == "8"
    assert schema.url_text(0.0001) == "0.0001"
    assert schema.url_text(True) == "true"
    assert schema.url_text(3) == "3"
    assert float(schema.url_text(5e-05)) == 5e-05


def test_docs_describe_every_field():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "lessons.md").read_text(encoding="utf-8")
    for fld in schema.STEP_FIELDS | schema.LESSON_FIELDS:
        assert f"`{fld}`" in doc, fld


def test_docs_list_every_pages_keys_and_tabs():
    """docs/lessons.md lists each page's URL keys and tab names: a key added to a page must be
    documented for lesson writers."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "lessons.md").read_text(encoding="utf-8")
    for name in pages.FILES:
        p = pages.page(name)
        assert not [s.key for s in p.specs if f"`{s.key}`" not in doc], name
        assert not [lb for g in p.tab_groups for lb in g.labels if f"`{lb}`" not in doc], name
        assert not [e for e in p.expanders if f"`{e}`" not in doc], name
