"""Strings of the ebm2d page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "ebm2d_"."""

S: dict[str, dict[str, str]] = {
}
