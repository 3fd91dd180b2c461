"""The Foundations page: one file per panel (the lecture's slides as live panels, issue 13 §4)."""
