"""Per-page string tables, merged into ``ui.i18n.S`` (one file per page keeps edits apart)."""
