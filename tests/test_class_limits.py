"""ui.kit.limits: the teacher's class-limits file (parsing, errors naming the key, the shipped
example) and the controls it narrows on the RBM, DBN / DBM and 2D EBM pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ui.deep import specs as deep_specs
from ui.kit import limits
from ui.kit.limits import ClassLimits, LimitsError
from ui.kit.scheduler import from_limits
from ui.landscape import ebm2d
from ui.rbm import specs as rbm_specs

EXAMPLE = Path(limits.ROOT) / ".streamlit" / "class_limits.example.toml"


def test_a_good_file_sets_every_limit_and_an_empty_one_none():
    lim = limits.parse("max_epochs = 5\nmax_hidden_units = 100\ntraining_slots = 2\nmax_queue = 0\n")
    assert lim == ClassLimits(max_epochs=5, max_hidden_units=100, training_slots=2, max_queue=0)
    assert limits.parse("# nothing set\n") == ClassLimits()
    sched = from_limits(lim)
    assert sched.slots == 2 and sched.max_queue == 0


@pytest.mark.parametrize("text, names", [
    ("max_epochs = 0", ["max_epochs", "from 1 to"]),
    ("max_epochs = 2.5", ["max_epochs", "whole number"]),
    ("max_hidden_units = true", ["max_hidden_units", "True"]),
    ("training_slots = '2'", ["training_slots", "'2'"]),
    ("max_queue = -1", ["max_queue", "from 0"]),
    ("max_epoch = 10", ["unknown key 'max_epoch'", "max_epochs"]),  # a typo is not ignored
    ("max_epochs = ", ["class.toml", "not valid TOML"]),
])
def test_a_bad_value_is_refused_with_a_message_naming_the_key(text, names):
    with pytest.raises(LimitsError) as e:
        limits.parse(text, "class.toml")
    msg = str(e.value)
    assert msg.startswith("class.toml:")
    for n in names:
        assert n in msg, msg


def test_the_file_is_found_by_default_path_or_environment_and_optional_only_by_default(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "DEFAULT_PATH", tmp_path / "class_limits.toml")
    monkeypatch.delenv(limits.ENV, raising=False)
    assert limits.load() == ClassLimits()  # no file: no extra limits
    (tmp_path / "class_limits.toml").write_text("max_epochs = 3\n")
    assert limits.load().max_epochs == 3
    other = tmp_path / "other.toml"
    other.write_text("max_queue = 7\n")
    monkeypatch.setenv(limits.ENV, str(other))
    assert limits.load() == ClassLimits(max_queue=7)
    monkeypatch.setenv(limits.ENV, str(tmp_path / "missing.toml"))
    with pytest.raises(LimitsError, match="missing.toml: class limits file not found"):
        limits.load()


def test_the_shipped_example_is_all_comments_and_every_line_in_it_is_valid():
    text = EXAMPLE.read_text()
    assert limits.parse(text) == ClassLimits()  # shipped as is: changes nothing
    settings = re.findall(r"^# (\w+ = \S+)$", text, flags=re.M)
    assert {s.split(" = ")[0] for s in settings} == set(limits.BOUNDS)
    lim = limits.parse("\n".join(settings))  # a teacher uncomments them all
    assert all(getattr(lim, k) is not None for k in limits.BOUNDS)



def test_limits_narrow_the_pages_controls_and_move_their_defaults(class_limits):
    class_limits(ClassLimits(max_epochs=8, max_hidden_units=300))
    r = rbm_specs.SPECS
    assert (r["epochs"].lo, r["epochs"].hi, r["epochs"].default) == (1, 8, 8)
    assert max(r["hidden"].options) == 300 and r["hidden"].default == 200
    assert rbm_specs.LIMITED == {"epochs": 8, "hidden": 300}
    assert rbm_specs.ALL_SPECS[list(r).index("epochs")] is r["epochs"]  # the list the URL check reads
    d = deep_specs.SPECS
    assert d["dbm_sizes"].options == ("300-300", "200-200") and d["dbm_sizes"].default == "300-300"
    # no DBN choice has layers of at most 300: the smallest one stays (a page always offers one)
    assert d["dbn_sizes"].options == ("200-200-500",) and d["dbn_sizes"].default == "200-200-500"
    assert [d[k].hi for k in deep_specs.EPOCH_SPECS] == [8, 8, 8, 8, 8, 8]
    assert d["dbn_ft"].lo == 0 and d["dbm_epochs"].default == 8
    assert ebm2d.SPECS["width"].options == (16, 32, 64, 128, 256) and ebm2d.LIMITED == {}
    class_limits(ClassLimits(max_hidden_units=40))
    assert ebm2d.SPECS["width"].options == (16, 32) and ebm2d.SPECS["width"].default == 32
    assert ebm2d.LIMITED == {"width": 40}
    class_limits(ClassLimits(max_epochs=500, max_hidden_units=5000))  # wider than the pages: no change
    assert rbm_specs.LIMITED == deep_specs.LIMITED == ebm2d.LIMITED == {}
    assert rbm_specs.SPECS == rbm_specs.BASE


def test_a_limit_below_every_option_keeps_the_smallest():
    spec = deep_specs.BASE["dbn_sizes"]
    capped = limits.cap(spec, 100, size=deep_specs.largest_layer)
    assert capped.options == ("200-200-500",) and capped.default == "200-200-500"  # not the first, the smallest
