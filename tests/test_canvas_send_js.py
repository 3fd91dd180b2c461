"""static/chain_canvas/send.js run by node: the chain canvas holds the events it sends on its own while a page run
is under way and for a moment after (a late fragment run after a lesson's page switch blanked the new page: the
clicker test's failure in CI), sends the newest of each kind once idle, and drops them if
the canvas left the page meanwhile."""

from __future__ import annotations

from nodejs import needs_node, run_json


@needs_node
def test_canvas_events_wait_for_an_idle_app_and_die_with_the_page():
    out = run_json("canvas_send_hold.mjs")
    assert out["idle"] == [["near", 1]]  # nothing running: at once
    assert out["whileRunning"] == [["tune", 9]]  # a run under way (it may switch page): held, but a move goes
    assert out["justAfterTheRun"] == []  # (a switch is two runs with an idle moment between)
    assert out["onceQuiet"] == [["drawn", 3], ["near", 4]]  # the newest of each kind, once quiet
    assert out["inTheGap"] == []  # the idle moment between the switching run and the new page's
    assert out["afterSwitch"] == []  # the runs took the canvas off the page: dropped
    assert out["justAfterKey"] == []  # a lesson key's run may not have started yet: held a moment
    assert out["secondAfterKey"] == [["drawn", True]]
