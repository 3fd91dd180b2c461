"""Strings of the landscape page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "landscape_"."""

S: dict[str, dict[str, str]] = {
}
