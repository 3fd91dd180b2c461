"""static/lesson_keys/keys.js run by node under the mount order that made the clicker test flaky:
Streamlit calls the component's function once per step, loads it asynchronously, and a call
for the previous step can finish late and be cleaned up at once.  The listener must stay
bound to the newest step (before: the late cleanup emptied it, and keys did nothing).  And a new
step opens at the top of the page (Streamlit's tabs scroll their open tab into view)."""

from __future__ import annotations

from nodejs import needs_node, run_json


@needs_node
def test_a_late_mount_and_its_cleanup_leave_the_newest_step_listening():
    out = run_json("lesson_keys_race.mjs")
    assert out["readyAfterLateCleanup"] is True
    # the key moves from the step on screen (8), through the newest mount's trigger
    assert out["afterLate"] == [{"tag": "m8", "name": "nav", "from": 8, "dir": "next"}]
    assert out["afterGone"] == []  # the component left the page: keys are not sent anywhere
    assert out["afterSwitch"] == [{"tag": "m9", "name": "nav", "from": 9, "dir": "prev"}]
    assert out["listeners"] == 1  # one document listener, whatever the mounts
    # a new step opens at the top (a tab that scrolled itself into view is undone), until the viewer scrolls
    assert out["scrollAfterStepChange"] == 0
    assert out["scrollAfterWheel"] == 900
    assert out["scrollAfterSameStep"] == 500
