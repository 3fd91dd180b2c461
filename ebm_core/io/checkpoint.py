"""Checkpoints: ``torch.save`` of a plain dict ``{"kind", "config", "state", "meta"}``.

Plain tensors, numbers, strings, lists and dicts only, so that ``load`` (torch's loader with
weights_only=True) reads them without unpickling arbitrary objects. Writes are atomic
(temporary file in the same folder, then rename), so a crash never leaves half a file.
"""

from __future__ import annotations

import io

import torch

from ebm_core.io.atomic import write_atomic

KINDS = ("ebm2d", "rbm", "dbn", "dbm")


class CheckpointError(ValueError):
    """A file that is not an EBM Lab checkpoint (or not the kind asked for)."""


def to_bytes(kind: str, config: dict, state: dict, meta: dict) -> bytes:
    """The checkpoint as bytes (for a page's download button)."""
    if kind not in KINDS:
        raise CheckpointError(f"unknown checkpoint kind {kind!r}; expected one of {', '.join(KINDS)}")
    buf = io.BytesIO()
    state = {k: (v.detach().cpu().contiguous() if torch.is_tensor(v) else v) for k, v in state.items()}
    torch.save({"kind": kind, "config": dict(config), "state": state, "meta": dict(meta)}, buf)
    return buf.getvalue()


def save(path: str, kind: str, config: dict, state: dict, meta: dict) -> None:
    """Write a checkpoint atomically."""
    data = to_bytes(kind, config, state, meta)
    write_atomic(path, lambda f: f.write(data), suffix=".pt.tmp")


def load(source, kind: str | tuple[str, ...] | None = None) -> dict:
    """Read a checkpoint (a path, bytes or a file object) with ``weights_only=True``.

    Raises ``CheckpointError`` with a one-line reason when it is not a checkpoint of ``kind``.
    """
    if isinstance(source, (bytes, bytearray)):
        source = io.BytesIO(source)
    try:
        ck = torch.load(source, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(f"no such file: {source}") from None
    except Exception as e:  # pickle refused, truncated file, not a zip...
        raise CheckpointError(f"not a readable checkpoint ({type(e).__name__}: {str(e).splitlines()[0][:120]})") from None
    if not isinstance(ck, dict) or not {"kind", "config", "state", "meta"} <= set(ck):
        raise CheckpointError("not an EBM Lab checkpoint: expected a dict with kind, config, state and meta")
    wanted = (kind,) if isinstance(kind, str) else kind
    if wanted and ck["kind"] not in wanted:
        raise CheckpointError(f"this checkpoint holds a {ck['kind']!r} model, expected {' or '.join(wanted)}")
    return ck
