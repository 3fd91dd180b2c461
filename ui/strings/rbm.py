"""Strings of the rbm page(s): {key: {"en": ..., "zh": ...}}. Keys are prefixed "rbm_"."""

S: dict[str, dict[str, str]] = {
}
