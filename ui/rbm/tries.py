"""The RBM page's things to try: each item's buttons set the whole state it needs (every control at
its default, then the item's values, the tab that shows its effect) and either load the shipped
model or start training a fresh one from those settings (the item's numbers are measured from an
untrained RBM, seed 0). ``tests/test_page_rbm_tries.py`` clicks each button and checks the item's
claim with the numbers the page then shows.
"""

from __future__ import annotations

from ui.kit import jobs, tries
from ui.kit.tries import Try
from ui.rbm import specs, training

VIEW = "rbm_tabs_{lang}"  # the model's views (ui.rbm.views.TABS)
TOOL = "rbm_tools_{lang}"  # the tools under them (ui.rbm.tools.TOOL_TABS)


def train_afresh() -> None:
    """Forget the current model and train a new one from the settings now set (as Train does)."""
    jobs.replace(training.JOB, batches=[], ais=[], status=jobs.RUNNING)


def _trained(label: str, tab: tuple, **state) -> Try:
    return Try(label, state, tabs=(tab,), then=train_afresh)


def _shipped(label: str, tab: tuple, **state) -> Try:
    return Try(label, state, tabs=(tab,), then=training.load_pretrained)


FE, CURVES, CLAMP = (VIEW, "rbm_tab_fe"), (VIEW, "rbm_tab_curves"), (TOOL, "rbm_tab_clamp")
SMALL = {"rbm_digits": 1000}  # 10 epochs of CD on 1,000 digits: a few seconds

#: item text key -> its buttons; the state by the controls' URL keys.
TRIES: dict[str, list[Try]] = {
    "tries_rbm_1": [_trained("rbm_try_cd1", FE, rbm_k=1, **SMALL), _trained("rbm_try_cd10", FE, rbm_k=10, **SMALL)],
    "tries_rbm_2": [_trained("rbm_try_pcd", FE, rbm_method="pcd", **SMALL)],
    "tries_rbm_3": [_shipped("rbm_try_cold", FE, rbm_T=0.5), _shipped("rbm_try_hot", FE, rbm_T=2.0)],
    "tries_rbm_4": [_trained("try_it", CURVES, rbm_digits=500, rbm_epochs=20)],
    "tries_rbm_5": [_trained("try_it", FE, rbm_lr=0.5, **SMALL)],
    "tries_rbm_6": [_shipped("rbm_try_three", CLAMP, rbm_part="left", rbm_digit=18),
                    _shipped("rbm_try_five", CLAMP, rbm_part="left", rbm_digit=8)],
}


def draw() -> None:
    tries.draw(TRIES, specs.ALL_SPECS)
