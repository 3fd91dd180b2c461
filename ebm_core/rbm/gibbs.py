r"""The inner loop of every chain that makes digits: one factorised conditional, drawn fast.

Block Gibbs in an RBM (v ↔ h), in a DBM (h¹ ↔ [v, h²], its equivalent RBM) and in a DBN's top RBM
repeats one move per layer: a matrix product, a sigmoid, and a Bernoulli draw per unit,

    x = (bias + a B) / T,        p = σ(x),        s_j = [u_j < p_j],   u_j ~ U[0, 1).

The matrix product is the work; everything else is overhead that, done naively, costs as much
again (issue 15: 300 RBM chains × 1,000 steps took ~2× their bare products on a quiet machine and
~4× with two threads on a busy one). What this module does about it, each measured in
``bench/bench_generate.py``:

* **random numbers in blocks, from 64-bit draws** (``Uniforms``). ``torch.rand`` runs the
  generator one float at a time (~3.5 ns each, on one core whatever the thread count). One 64-bit
  draw holds two 32-bit words; the low 24 bits of each give a uniform on the same 2⁻²⁴ grid that
  ``torch.rand`` uses for float32 (~2 ns for two). Blocks of many steps are drawn at once, so the
  generator is called once per block, not once per layer and step.
* **no temporaries**: products go into preallocated outputs (``torch.addmm(..., out=)``, which also
  adds the bias and divides by T: ``beta = alpha = 1/T``), the sigmoid is taken in place, and
  ``torch.lt(u, p, out=s)`` writes the 0/1 state straight into the float buffer (a bool result
  then ``.float()`` is two more passes).
* **fewer parallel regions**: each elementwise pass over a large tensor is a barrier for every
  torch thread; on a shared machine a descheduled thread stalls the others at each one. Fewer passes
  per step leave fewer barriers (and ``idle_threads`` in ``ebm_core.cli.common`` picks the thread
  count from the machine's load).

The draws are exact: s_j = 1 with probability P(u < p_j) = ⌈2²⁴ p_j⌉ / 2²⁴, as with ``torch.rand``
(within 6·10⁻⁸ of p_j). A seed reproduces a run; the stream differs from ``rbm.model.bernoulli``'s.
"""

from __future__ import annotations

import torch

#: Random 24-bit words drawn per block (at most ~4 MB of uniforms held at a time).
BLOCK_WORDS = 1 << 20
_MASK24 = (1 << 24) - 1
_SCALE24 = 2.0 ** -24


class Uniforms:
    """U[0, 1) arrays of one ``shape``, ``count`` of them, drawn from ``generator`` in blocks.

    ``next()`` returns the next array (a view into the current block: use it before the next call).
    The values lie on the 2⁻²⁴ grid, float32 (``torch.lt`` compares them with float64 too).
    """

    def __init__(self, generator: torch.Generator, shape: tuple[int, ...], count: int, block_words: int = BLOCK_WORDS):
        self.generator = generator
        self.shape = tuple(int(s) for s in shape)
        self.size = 1
        for s in self.shape:
            self.size *= s
        self.left = int(count)
        self.per_block = max(1, int(block_words) // max(1, self.size))
        self._block: torch.Tensor | None = None
        self._i = 0

    def _refill(self) -> None:
        k = max(1, min(self.per_block, self.left))
        words = k * self.size
        # random_(-2**63) fills all 64 bits of each int64 (two 32-bit generator outputs); viewed as
        # int32, every word's low 24 bits are a uniform integer in [0, 2^24).
        raw = torch.empty((words + 1) // 2, dtype=torch.int64).random_(-2 ** 63, None, generator=self.generator)
        w = raw.view(torch.int32)[:words]
        self._block = w.bitwise_and_(_MASK24).to(torch.float32).mul_(_SCALE24).view(k, *self.shape)
        self._i = 0

    def next(self) -> torch.Tensor:
        if self._block is None or self._i >= self._block.shape[0]:
            self._refill()
        u = self._block[self._i]
        self._i += 1
        self.left -= 1
        return u


def conditional_(out: torch.Tensor, bias: torch.Tensor, a: torch.Tensor, B: torch.Tensor, T: float = 1.0) -> torch.Tensor:
    """out ← σ((bias + a B) / T), in place; returns ``out`` (the probabilities of the layer)."""
    s = 1.0 / float(T)
    torch.addmm(bias, a, B, beta=s, alpha=s, out=out)
    return out.sigmoid_()


def draw_(out: torch.Tensor, p: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """out ← [u < p] as 0/1 in ``out``'s dtype: a Bernoulli(p) draw from the uniforms ``u``."""
    return torch.lt(u, p, out=out)
