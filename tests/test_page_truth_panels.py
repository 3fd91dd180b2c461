"""The panels that measure samplers against the grid truth, through Streamlit's AppTest: the ensemble
TV and AIS panels on the landscape page, parallel tempering on the MCMC page; both languages; URL
values clamped with a note."""

import json

from streamlit.testing.v1 import AppTest

from apppages import ROOT, assert_ok, open_page


def _spec(at, key: str) -> dict:
    charts = [c for c in at.get("plotly_chart") if c.proto.id.endswith(key)]
    assert charts, f"chart {key} missing"
    return json.loads(charts[0].proto.spec)


def _metric(at, prefix: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(prefix))


def _landscape(query: dict, open_panels=("ls_ensemble", "ls_ais")):
    at = open_page("landscape", {"walkers": "0", **query})
    for k in open_panels:
        at.session_state[k] = True
    return assert_ok(at.run(), errors=True)


def test_ensemble_and_ais_panels_on_the_landscape_page():
    at = _landscape({"energy": "gaussian", "ens_a": "mala", "ens_sa": "0.2", "ens_b": "ula", "ens_sb": "0.3",
                     "ens_n": "2000", "ens_k": "200", "ais_r": "200", "ais_k": "100"})
    tv = _spec(at, "ens_tv_chart")
    names = [d.get("name") for d in tv["data"]]
    assert "MALA ε = 0.2" in names and "ULA ε = 0.3" in names and "floor: an exact sample of N" in names
    floor = float(_metric(at, "Floor").split("±")[0])
    mala = float(_metric(at, "TV at the last step, MALA"))
    ula = float(_metric(at, "TV at the last step, ULA"))
    assert mala < floor + 0.03 < ula  # MALA at the floor, ULA's bias above it
    assert len(_spec(at, "ens_hist_chart")["data"]) == 3  # A, B and the exact masses
    # AIS: within 4 of its own standard errors of the exact log Z, both shown
    est, se = (float(v) for v in _metric(at, "log Ẑ (K = 100)").split("±"))
    exact = float(_metric(at, "Exact log Z"))
    assert abs(est - exact) <= 4 * se
    logz = _spec(at, "ais_logz_chart")
    assert [int(x) for x in logz["data"][0]["x"]] == [1, 3, 10, 30, 100]
    assert len(_spec(at, "ais_path_chart")["data"]) == 5
    # one sampler only, and the histogram at another step
    at.selectbox(key="ens_b__en").set_value("none").run()
    assert_ok(at, errors=True)
    assert [d.get("name") for d in _spec(at, "ens_tv_chart")["data"]][1:] == ["floor: an exact sample of N",
                                                                               "MALA ε = 0.2"]  # (band, floor, A)
    at.select_slider(key="ens_t").set_value(5).run()
    hist = _spec(at, "ens_hist_chart")
    assert "t = 5" in hist["layout"]["title"]["text"] and len(hist["data"]) == 2


def test_panels_closed_by_default():
    at = open_page("landscape", {"walkers": "0", "energy": "donut"})
    assert [e.label for e in at.expander][-2:] == ["A whole ensemble against the truth: burn-in, measured",
                                                   "AIS: estimating log Z where the answer is known"]
    assert not any("ens_" in c.proto.id or "ais_" in c.proto.id for c in at.get("plotly_chart"))  # nothing run


def test_panels_in_chinese():
    # (AppTest cannot rerun this page in 中文 — its radio keeps the English label — so the panels
    # are opened before the first run.)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in {"lang": "zh", "walkers": "0", "energy": "donut", "ens_n": "500", "ens_k": "50", "ais_r": "100",
                 "ais_k": "10"}.items():
        at.query_params[k] = v
    at.session_state["ls_ensemble"] = True
    at.session_state["ls_ais"] = True
    at.switch_page(str(ROOT / "app_pages" / "landscape.py"))
    assert_ok(at.run(), errors=True)
    labels = [e.label for e in at.expander]
    assert "整个链系综对比真值：燃烧期的定量度量" in labels and "AIS：在答案已知处估计 log Z" in labels
    assert any(m.label.startswith("精确 log Z") for m in at.metric)
    assert any(m.label.startswith("下限") for m in at.metric)


def test_url_values_are_clamped_with_a_note():
    at = _landscape({"energy": "gaussian", "ens_n": "999999", "ens_k": "50", "ais_r": "1", "ais_k": "10"})
    notes = " ".join(w.value for w in at.warning)
    assert "999999" in notes and "ais_r" not in notes  # (named by label, not key)
    assert at.session_state["ens_n"] == 10_000 and at.session_state["ais_r"] == 100


def test_parallel_tempering_panel_on_the_mcmc_page():
    at = open_page("mcmc", {"target": "mixture", "T": "0.2", "chains": "4", "steps": "1500", "m": "200",
                            "pt_k": "8", "pt_tmax": "5", "pt_step": "0.5"})
    assert "pt" not in at.selectbox(key="sampler__en").options  # a panel, not a sampler choice
    at.session_state["mcmc_pt"] = True
    assert_ok(at.run(), errors=True)
    rhat_pt = max(float(v) for v in _metric(at, "R-hat (x / y), parallel tempering").split("/"))
    rhat_mh = max(float(v) for v in _metric(at, "R-hat (x / y), plain MH").split("/"))
    assert rhat_pt < 1.1 < 1.5 < rhat_mh
    ladder = _spec(at, "pt_ladder_chart")
    assert len(ladder["data"][0]["x"]) == 7  # 8 rungs, 7 pairs
    cold = _spec(at, "pt_cold_chart")
    assert {d.get("name") for d in cold["data"]} >= {"PT cold chain", "plain MH", "after a swap"}
    table = at.dataframe[-1].value
    assert list(table.iloc[:, 0]) == ["E[x]", "E[y]", "Var x", "Var y", "Cov xy"]
    assert (table.iloc[:, -1].abs() <= 4).all()  # PT within 4 MCSE of the grid's moments


def test_pt_tmax_below_t_uses_the_next_rung():
    at = open_page("mcmc", {"target": "gaussian", "T": "1", "chains": "2", "steps": "200", "m": "20",
                            "pt_tmax": "0.5", "pt_k": "3"})
    at.session_state["mcmc_pt"] = True
    assert_ok(at.run(), errors=True)
    assert any("T_max must be above T = 1: using T_max = 2." in c.value for c in at.caption)
    assert len(_spec(at, "pt_ladder_chart")["data"][0]["x"]) == 2
