r"""Parallel tempering (replica exchange): K copies of each chain on a ladder of temperatures.

The ladder runs geometrically from the target's T (the *cold* chain, k = 0) to T_max:

    T_k = T · (T_max / T)^{k/(K-1)},   k = 0 … K-1,   β_k = 1/T_k.

Each step has two moves, both exact for the joint law Π_k p_{T_k}(x_k):

1. **Local**: every replica makes one MH (or MALA) step at its own temperature, with a step
   size σ_k = σ √(T_k/T) (hotter replicas are wider, so a wider proposal keeps their acceptance).
2. **Swap**: one random parity (even or odd pairs, chosen by a coin per chain) proposes to
   exchange the states of neighbours (k, k+1); the pair swaps with the exact probability

       α_swap = min{1, p_{T_k}(x_{k+1}) p_{T_{k+1}}(x_k) / (p_{T_k}(x_k) p_{T_{k+1}}(x_{k+1}))}
              = min{1, exp((β_k − β_{k+1}) (E(x_k) − E(x_{k+1})))}.

   Pairs of one parity are disjoint, so they are decided together.

Only the cold chain samples p_T; the hot ones cross barriers and hand their states down.  The
sampler's ``position`` is the cold chain's (what ``run_chains`` records and the page draws); the
whole ladder lives in ``PTState.replicas`` and in the run's record (``PTRecorder``).

As for every sampler, ``draw`` takes all the random numbers first (independent of the state) and
``transition`` is pure arithmetic, so any recorded step can be replayed from its replicas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ebm_core.mcmc.config import STEP_SIZE, checked
from ebm_core.mcmc.samplers.base import Info, Metropolis, Sampler, State, first, first_xy, normal, uniform
from ebm_core.ranges import TEMPERATURE, Range

#: Replicas on the ladder (the cold one included).
LADDER = Range(2, 32, integer=True)
LOCAL_MOVES = ("mh", "mala")


@dataclass
class PTState(State):
    """The cold chain (``position``, ``energy``, ``grad``, ``diverged``, as for any sampler) and the
    whole ladder: ``replicas`` (C, K, 2), ``replica_energy`` (C, K), ``replica_grad`` (C, K, 2) for
    MALA, ``replica_diverged`` (C, K)."""

    replicas: torch.Tensor | None = None
    replica_energy: torch.Tensor | None = None
    replica_grad: torch.Tensor | None = None
    replica_diverged: torch.Tensor | None = None


@dataclass
class PTInfo(Info):
    """One PT step. The common fields are the cold chain's local move (``accepted``: its local
    proposal was accepted; the position may still change by a swap: ``swapped_cold``)."""

    u: torch.Tensor  #: (C,) the cold replica's uniform of the local accept test
    proposal_energy: torch.Tensor  #: (C,) E(x') of the cold replica's local proposal
    replicas: torch.Tensor  #: (C, K, 2) every replica after the step
    replica_energy: torch.Tensor  #: (C, K)
    local_proposal: torch.Tensor  #: (C, K, 2) each replica's local x'
    local_log_alpha: torch.Tensor  #: (C, K)
    local_accepted: torch.Tensor  #: (C, K) bool
    swap_attempted: torch.Tensor  #: (C, K-1) bool: pair (k, k+1) was proposed this step
    swap_log_alpha: torch.Tensor  #: (C, K-1) log α_swap (computed for every pair; used where attempted)
    swap_accepted: torch.Tensor  #: (C, K-1) bool
    swapped_cold: torch.Tensor  #: (C,) bool: the cold chain took replica 1's state


@dataclass
class PTRandoms:
    noise: torch.Tensor  #: (C, K, 2) ξ ~ N(0, I) for the local proposals
    u: torch.Tensor  #: (C, K) U(0, 1) for the local accept tests
    parity: torch.Tensor  #: (C,) 0: pairs (0,1), (2,3) …; 1: pairs (1,2), (3,4) …
    swap_u: torch.Tensor  #: (C, K-1) U(0, 1) for the swap tests


def ladder(temperature: float, t_max: float, n_temps: int) -> torch.Tensor:
    """T_k = T (T_max/T)^{k/(K-1)}: geometric, so neighbours overlap alike at every level."""
    k = torch.arange(n_temps, dtype=torch.float64) / (n_temps - 1)
    return temperature * (t_max / temperature) ** k


class ParallelTempering(Sampler):
    name = "pt"
    always_accepts = False

    def __init__(self, energy, temperature=1.0, step_size=0.8, n_temps=6, t_max=5.0, local="mh"):
        super().__init__(energy, temperature)
        self.step_size = checked(STEP_SIZE, "step_size", step_size)
        self.n_temps = checked(LADDER, "ladder", n_temps)
        self.t_max = checked(TEMPERATURE, "t_max", t_max)
        if not self.t_max > self.T:
            raise ValueError(f"t_max must be above the temperature T = {self.T:g}, got {self.t_max:g}")
        if local not in LOCAL_MOVES:
            raise ValueError(f"local move must be one of {', '.join(LOCAL_MOVES)}, got {local!r}")
        self.local = local
        self.uses_gradient = local == "mala"
        self.temps = ladder(self.T, self.t_max, self.n_temps)  # (K,)
        self.steps = self.step_size * torch.sqrt(self.temps / self.T)  # (K,) σ_k (MH) or ε_k (MALA)
        self.metropolis = Metropolis()

    # --- state ---------------------------------------------------------------------------------
    def init(self, position: torch.Tensor) -> PTState:
        """Every replica of chain c starts at ``position[c]`` (C, 2); or pass the ladder (C, K, 2)."""
        x = position.to(torch.float64)
        reps = x.clone() if x.dim() == 3 else x[:, None, :].expand(-1, self.n_temps, -1).clone()
        c, k = reps.shape[:2]
        flat = reps.reshape(-1, 2)
        if self.uses_gradient:
            e, g = self._energy_grad(flat)
            g = g.reshape(c, k, 2)
        else:
            e, g = self._energy(flat), None
        return self._state(reps, e.reshape(c, k), g, torch.zeros(c, k, dtype=torch.bool))

    def _state(self, reps, e, g, div) -> PTState:
        return PTState(reps[:, 0].clone(), e[:, 0].clone(), None if g is None else g[:, 0].clone(), div[:, 0].clone(),
                       reps, e, g, div)

    def draw(self, n_chains, gen):
        k = self.n_temps
        noise = normal(n_chains * k, gen).reshape(n_chains, k, 2)
        u = uniform(n_chains * k, gen).reshape(n_chains, k)
        parity = (uniform(n_chains, gen) < 0.5).long()
        swap_u = uniform(n_chains * (k - 1), gen).reshape(n_chains, k - 1)
        return PTRandoms(noise, u, parity, swap_u)

    # --- one step ------------------------------------------------------------------------------
    def _local(self, s: PTState, r: PTRandoms):
        """One MH or MALA step of every replica at its own T_k (flattened to C·K rows)."""
        c, k = s.replica_energy.shape
        x = s.replicas.reshape(-1, 2)
        e = s.replica_energy.reshape(-1)
        T = self.temps.repeat(c)  # (C·K,)
        h = self.steps.repeat(c)[:, None]  # (C·K, 1)
        xi = r.noise.reshape(-1, 2)
        flat = State(x, e, None, s.replica_diverged.reshape(-1))
        if self.local == "mh":
            prop = x + h * xi
            e_prop, g_prop = self._energy(prop), None
            log_ratio = -(e_prop - e) / T
        else:  # MALA: x' = x − (ε_k/2T_k)∇E(x) + √ε_k ξ, with the q ratio
            g = s.replica_grad.reshape(-1, 2)
            prop = x - 0.5 * h * g / T[:, None] + torch.sqrt(h) * xi
            safe = torch.where(torch.isfinite(prop), prop, x)
            e_prop, g_prop = self._energy_grad(safe)
            log_fwd = -((safe - (x - 0.5 * h * g / T[:, None])) ** 2).sum(1) / (2 * h[:, 0])
            log_back = -((x - (safe - 0.5 * h * g_prop / T[:, None])) ** 2).sum(1) / (2 * h[:, 0])
            log_ratio = -(e_prop - e) / T + log_back - log_fwd
            log_ratio = torch.where(torch.isfinite(prop).all(1), log_ratio, torch.full_like(log_ratio, -math.inf))
        log_alpha = self.metropolis.log_alpha(log_ratio)
        diverged, move = self.metropolis.accept(log_alpha, r.u.reshape(-1), flat, prop, self)
        x_new = torch.where(move[:, None], prop, x).reshape(c, k, 2)
        e_new = torch.where(move, e_prop, e).reshape(c, k)
        g_new = None
        if self.uses_gradient:
            g_new = torch.where(move[:, None], g_prop, s.replica_grad.reshape(-1, 2)).reshape(c, k, 2)
        return (x_new, e_new, g_new, diverged.reshape(c, k), prop.reshape(c, k, 2), log_alpha.reshape(c, k),
                move.reshape(c, k), e_prop.reshape(c, k))

    def swap_log_alpha(self, replica_energy: torch.Tensor) -> torch.Tensor:
        """log α_swap of every neighbour pair: min{0, (β_k − β_{k+1})(E(x_k) − E(x_{k+1}))}, (C, K-1)."""
        beta = 1.0 / self.temps
        d = (beta[:-1] - beta[1:]) * (replica_energy[:, :-1] - replica_energy[:, 1:])
        return torch.nan_to_num(torch.clamp(d, max=0.0), nan=-math.inf)

    def transition(self, state: PTState, r: PTRandoms):
        x, e, g, div, prop, la, acc, e_prop = self._local(state, r)
        c, k = e.shape
        pair = torch.arange(k - 1)
        attempted = (pair[None, :] % 2) == r.parity[:, None]  # (C, K-1)
        swap_la = self.swap_log_alpha(e)
        ok = ~(div[:, :-1] | div[:, 1:])  # a diverged replica is frozen: it never swaps
        swap = attempted & ok & (torch.log(r.swap_u) < swap_la)
        # Pairs of one parity are disjoint: replica k takes k+1's state, k+1 takes k's.
        src = torch.arange(k).expand(c, k).clone()
        src[:, :-1] += swap.long()
        src[:, 1:] -= swap.long()
        x = torch.gather(x, 1, src[..., None].expand(c, k, 2))
        e = torch.gather(e, 1, src)
        if g is not None:
            g = torch.gather(g, 1, src[..., None].expand(c, k, 2))
        new = self._state(x, e, g, div)
        info = PTInfo(prop[:, 0].clone(), la[:, 0].clone(), acc[:, 0].clone(), new.energy, new.diverged,
                      r.u[:, 0].clone(), e_prop[:, 0].clone(), x, e, prop, la, acc, attempted, swap_la, swap, swap[:, 0].clone())
        return new, info

    def _explain(self, state, r, new, info):
        """The cold chain's local move and every attempted swap of chain 0, with α_swap."""
        k = self.n_temps
        la = first(info.log_alpha)
        pairs = [{"pair": [j, j + 1], "T": [float(self.temps[j]), float(self.temps[j + 1])],
                  "E": [float(info.replica_energy[0, j]), float(info.replica_energy[0, j + 1])],
                  "log_alpha": float(info.swap_log_alpha[0, j]), "alpha": math.exp(float(info.swap_log_alpha[0, j])),
                  "u": float(r.swap_u[0, j]), "accepted": bool(info.swap_accepted[0, j])}
                 for j in range(k - 1) if bool(info.swap_attempted[0, j])]
        return {"ladder": self.temps.tolist(), "local": self.local, "step_size": self.step_size,
                "x_prop": first_xy(info.proposal), "log_alpha": la, "alpha": math.exp(la), "u": first(r.u[:, 0]),
                "swaps": pairs, "swapped_cold": bool(info.swapped_cold[0])}

    def state_at(self, trace, i: int, chain: int) -> PTState:
        """The whole ladder of chain ``chain`` before step ``i`` of a recorded run (energies
        recomputed), to replay that step with ``randoms_at`` (``samplers.state_at`` calls it)."""
        return self.init(torch.from_numpy(np.array(trace.meta["replicas"][i, chain:chain + 1])))

    def recorder(self) -> "PTRecorder":
        return PTRecorder(self)


class PTRecorder:
    """What ``run_chains`` keeps of a PT run beyond the cold chain (into ``Trace.meta``)."""

    def __init__(self, sampler: ParallelTempering):
        self.sampler = sampler
        self.replicas: list[torch.Tensor] = []
        self.local: list[torch.Tensor] = []
        self.attempted: list[torch.Tensor] = []
        self.accepted: list[torch.Tensor] = []
        self.swapped_cold: list[torch.Tensor] = []

    def start(self, state: PTState) -> None:
        self.replicas.append(state.replicas)

    def add(self, state: PTState, info: PTInfo) -> None:
        self.replicas.append(info.replicas)
        self.local.append(info.local_accepted)
        self.attempted.append(info.swap_attempted)
        self.accepted.append(info.swap_accepted)
        self.swapped_cold.append(info.swapped_cold)

    def finish(self) -> dict:
        att = torch.stack(self.attempted).numpy()  # (N, C, K-1)
        acc = torch.stack(self.accepted).numpy()
        n_att, n_acc = att.sum(axis=(0, 1)), acc.sum(axis=(0, 1))
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(n_att > 0, n_acc / np.maximum(n_att, 1), np.nan)
        return {"ladder": self.sampler.temps.numpy().copy(),
                "replicas": torch.stack(self.replicas).numpy(),  # (N+1, C, K, 2)
                "local_acceptance": torch.stack(self.local).numpy().mean(axis=(0, 1)),  # (K,)
                "swap_attempts": n_att, "swap_accepts": n_acc, "swap_rate": rate,  # (K-1,)
                "swapped_cold": torch.stack(self.swapped_cold).numpy()}  # (N, C)


