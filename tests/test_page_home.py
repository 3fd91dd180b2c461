"""The home page: the four topics in the lecture's order, each linking to its page, in both languages."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def test_home_links_every_topic_in_both_languages():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    titles = sorted(s.value for s in at.subheader)
    assert [t[0] for t in titles] == ["1", "2", "3", "4"]  # MCMC, landscapes, RBM, DBN/DBM
    links = [link.proto.page for link in at.get("page_link")]
    assert sorted(links) == ["deep", "foundations", "landscape", "mcmc", "rbm"]  # (the four and the foundations)
    assert not any("coming" in m.value for m in at.markdown)
    at.session_state["lang"] = "zh"
    at.run()
    assert not at.exception
    assert "马尔可夫链" in " ".join(s.value for s in at.subheader)
