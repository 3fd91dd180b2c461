"""Strings of the deep page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "deep_"."""

S: dict[str, dict[str, str]] = {
}
