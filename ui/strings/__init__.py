"""Per-page string tables, merged into ``ui.kit.i18n.S`` (one file per page keeps edits apart)."""
