"""Learning a 2D energy E_θ(x) by maximum likelihood, with Langevin negative samples.

The model (lecture: p_θ(x) = exp(f_θ(x)) q(x) / Z(θ) with f_θ = −E_θ, T = 1): E_θ is an MLP
with SiLU activations, and the base measure q is uniform on the data set's box, so

    p_θ(x) = exp(−E_θ(x)) / Z(θ)  for x in the box,  Z(θ) = ∫_box exp(−E_θ(x)) dx.

Restricting the model to the box (the lecture's "先验测度 q(x)") makes Z a 2D integral over
a known square, which the grid computes exactly (``exact_log_likelihood``): the held-out
average log-likelihood (1/n) Σ [−E_θ(x_i)] − log Z(θ) is a true number, not an estimate.

Training follows the lecture's gradient, "observed statistics − synthesised statistics":

    ∇_θ L = −E_data[∇_θ E_θ(x)] + E_{p_θ}[∇_θ E_θ(x)]
          ≈ −(1/n) Σ ∇_θ E_θ(x_i) + (1/ñ) Σ ∇_θ E_θ(x̃_i),

i.e. Adam descends   loss = mean E_θ(data) − mean E_θ(negatives)   (+ optionally
α (mean E_θ(data)² + mean E_θ(negatives)²), which keeps the energies near 0 without changing
which shape is learned much; Du & Mordatch, 2019).  The negatives x̃ come from Langevin
dynamics, the lecture's update x ← x − (ε/2)∇_x E_θ(x) + √ε ξ, ξ ~ N(0, I), reflected at the
box walls (the reflected Langevin process samples the box-restricted p_θ), started

  * "short-run": from uniform noise every update (Nijkamp et al., 2019);
  * "persistent": from a replay buffer of chains that carry on across updates, a fraction
    re-initialised from noise each time (PCD, Tieleman 2008; Du & Mordatch 2019);
  * "cd": at the data batch itself, k steps (contrastive divergence, Hinton 2002).

``Trainer.step(n)`` does n updates and returns per-update statistics, so a page can train
in ticks and a command line in one go; the results depend only on the seed, not on how
the updates are split into ticks.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields

import numpy as np
import torch
from torch import nn

from ebm_core.landscapes import grid
from ebm_core.data import toy2d
from ebm_core.landscapes.energies import Energy2D
from ebm_core.ranges import SEED, Range, ranged, ranges

SCHEMES = ("persistent", "short-run", "cd")

#: Held-out points for the exact log-likelihood: one fixed set per data set, drawn from a
#: stream ("split" 1) that no training seed uses, so every run is scored on the same points.
HELD_OUT_N = 2000
HELD_OUT_SPLIT = 1


def held_out(dataset: str, n: int = HELD_OUT_N) -> np.ndarray:
    return toy2d.sample(dataset, n, seed=0, split=HELD_OUT_SPLIT)


def uniform_log_likelihood(box) -> float:
    """The average log-likelihood of any points inside the box under the uniform density:
    where an untrained (flat) energy starts."""
    return -math.log((box[1] - box[0]) * (box[3] - box[2]))


def true_log_likelihood(dataset: str, points) -> float | None:
    """The average log-likelihood of ``points`` under the density that generated the data
    (truncated to the box), where it has a closed form: the 8 Gaussians.  None otherwise."""
    if dataset != "8gaussians":
        return None
    c = toy2d.gauss8_centres()
    s2 = toy2d.GAUSS8_SIGMA ** 2
    energy = Energy2D("gauss8", _mixture_energy(c, s2), toy2d.BOX[dataset])
    log_mass = grid.integrate(energy, 1.0, box=toy2d.BOX[dataset], n=400).log_z  # mass inside the box
    x = torch.as_tensor(np.asarray(points, dtype=np.float64))
    return float(-energy(x).mean() - log_mass)


def _mixture_energy(centres: np.ndarray, s2: float):
    mu = torch.as_tensor(centres, dtype=torch.float64)
    log_c = math.log(1 / len(centres)) - math.log(2 * math.pi * s2)

    def fn(x: torch.Tensor) -> torch.Tensor:  # −log Σ_k (1/8) N(x; c_k, s² I)
        d2 = ((x.double()[:, None, :] - mu[None]) ** 2).sum(-1)
        return -torch.logsumexp(log_c - d2 / (2 * s2), dim=1)

    return fn


@dataclass
class Config:
    """Everything that defines a run.  Defaults learn the 8 Gaussians in a few seconds
    (see bench/bench_ebm2d.py)."""

    dataset: str = "8gaussians"
    n_data: int = ranged(2000, 16, 100_000)  # training points
    width: int = ranged(64, 4, 512)  # hidden units per layer
    depth: int = ranged(3, 1, 8)  # hidden layers
    scheme: str = "persistent"
    langevin_steps: int = ranged(5, 1, 1000)  # K: Langevin steps per update
    step_size: float = ranged(0.02, 1e-6, 1.0)  # ε
    buffer_size: int = ranged(10_000, 16, 1_000_000)  # persistent chains
    reinit: float = ranged(0.05, 0.0, 1.0)  # share of the persistent chains restarted from noise each update
    batch: int = ranged(256, 2, 10_000)  # data points and negatives per update
    lr: float = ranged(1e-2, 1e-6, 1.0)  # Adam
    alpha: float = ranged(0.1, 0.0, 100.0)  # energy-magnitude regularisation
    seed: int = ranged(0, SEED.lo, SEED.hi)
    eval_every: int = ranged(50, 1, 1_000_000)  # exact held-out log-likelihood every so many updates
    grid_n: int = ranged(200, 16, 2000)  # cells per side of the grid for log Z

    def validate(self) -> "Config":
        """This config, its numbers as ``int``/``float`` (numpy scalars accepted), else ``ValueError``."""
        if self.dataset not in toy2d.NAMES:
            raise ValueError(f"unknown data set {self.dataset!r}; choose one of: {', '.join(toy2d.NAMES)}")
        if self.scheme not in SCHEMES:
            raise ValueError(f"unknown negative-sample scheme {self.scheme!r}; choose one of: {', '.join(SCHEMES)}")
        for name, r in ranges(self).items():
            v = getattr(self, name)
            if isinstance(v, (np.integer, np.floating)):
                v = v.item()
            v = r.check(name, v)
            setattr(self, name, v if r.integer else float(v))
        if self.buffer_size < self.batch:
            raise ValueError(f"buffer_size ({self.buffer_size}) must be at least the batch ({self.batch})")
        return self

    @property
    def box(self) -> toy2d.Box:
        return toy2d.BOX[self.dataset]

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {"box": list(self.box)}

    @classmethod
    def from_dict(cls, d: dict) -> "Config":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known}).validate()


#: Parameter updates of a run, or Langevin steps of a sampling run (CLI --steps, the page's sampling slider).
STEPS = Range(1, 1_000_000, integer=True)

#: Settings that may change between updates without starting again.
LIVE_SETTINGS = ("scheme", "langevin_steps", "step_size", "reinit", "lr", "alpha")


class EnergyMLP(nn.Module):
    """E_θ: R² → R, an MLP with ``depth`` hidden SiLU layers of ``width`` units."""

    def __init__(self, width: int = 64, depth: int = 3):
        super().__init__()
        layers: list[nn.Module] = []
        d_in = 2
        for _ in range(depth):
            layers += [nn.Linear(d_in, width), nn.SiLU()]
            d_in = width
        layers.append(nn.Linear(d_in, 1))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)

    @torch.no_grad()
    def energy_and_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """E(x) and ∇_x E(x) by back-propagating through the layers by hand.

        The same numbers as autograd (tests/test_ebm2d.py) at about 2/3 of its cost for the
        small batches of Langevin steps, where autograd's bookkeeping dominates.
        silu(z) = z·s(z) with s the logistic function, so silu'(z) = s(z)·(1 + z·(1 − s(z))).
        """
        linears = [m for m in self.net if isinstance(m, nn.Linear)]
        pre, a = [], x
        for lin in linears[:-1]:
            z = torch.addmm(lin.bias, a, lin.weight.T)
            pre.append(z)
            a = torch.nn.functional.silu(z)
        out = linears[-1]
        e = torch.addmm(out.bias, a, out.weight.T).squeeze(-1)
        g = out.weight.expand(x.shape[0], -1)
        for lin, z in zip(reversed(linears[:-1]), reversed(pre)):
            s = torch.sigmoid(z)
            g = (g * (s * (1 + z * (1 - s)))) @ lin.weight
        return e, g


def reflect(x: torch.Tensor, box) -> torch.Tensor:
    """Fold points back into the box as a mirror would (any distance, any number of times)."""
    x0, x1, y0, y1 = box
    lo = x.new_tensor([x0, y0])
    w = x.new_tensor([x1 - x0, y1 - y0])
    u = torch.remainder(x - lo, 2 * w)
    return lo + torch.minimum(u, 2 * w - u)


def uniform(n: int, box, gen: torch.Generator) -> torch.Tensor:
    """n points uniform on the box: the "noise" that chains start from."""
    x0, x1, y0, y1 = box
    u = torch.rand(n, 2, generator=gen)
    return torch.stack([x0 + (x1 - x0) * u[:, 0], y0 + (y1 - y0) * u[:, 1]], dim=1)


def energy_grad(energy: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """E(x) and ∇_x E(x) for a batch (the parameters' gradients are not touched): by hand
    for an ``EnergyMLP``, by autograd for any other module."""
    if isinstance(energy, EnergyMLP):
        return energy.energy_and_grad(x.detach())
    with torch.enable_grad():
        xg = x.detach().requires_grad_(True)
        e = energy(xg)
        (g,) = torch.autograd.grad(e.sum(), xg)
    return e.detach(), g


def langevin(energy: nn.Module, x: torch.Tensor, n_steps: int, eps: float, gen: torch.Generator, box=None,
             temperature: float = 1.0, record_every: int = 0):
    """The lecture's Langevin dynamics, batched: x ← x − (ε/2T)∇E(x) + √ε ξ, reflected into ``box``.

    Returns the final points, or with ``record_every`` = k also the frames (x₀, x_k, x_2k, …,
    and the last) as a float32 array (F, n, 2).
    """
    noise_sd = math.sqrt(eps)
    frames = [x.detach().clone()] if record_every else None
    x = x.detach()
    for i in range(1, n_steps + 1):
        _, g = energy_grad(energy, x)
        x = x - (0.5 * eps / temperature) * g + noise_sd * torch.randn(x.shape, generator=gen, dtype=x.dtype)
        if box is not None:
            x = reflect(x, box)
        if record_every and (i % record_every == 0 or i == n_steps):
            frames.append(x.clone())
    if record_every:
        return x, torch.stack(frames).numpy().astype(np.float32)
    return x


def as_energy2d(energy: nn.Module, box, name: str = "learned") -> Energy2D:
    """Wrap a float32 module as an ``Energy2D`` (float64 in, float64 out) for the grid tools."""
    def fn(x: torch.Tensor) -> torch.Tensor:
        return energy(x.float()).double()

    return Energy2D(name, fn, tuple(box))


@torch.no_grad()
def exact_log_likelihood(energy: nn.Module, points, box, n: int = 200) -> dict:
    """Exact average log-likelihood of ``points`` under p(x) = exp(−E(x))/Z on ``box``.

    log Z = log ∫_box exp(−E) dx by the midpoint rule on an n × n grid (``ebm_core.landscapes.grid``);
    for a smooth E the rule's error is O(h²) (about 1e-3 nats at n = 200 on [−4, 4]² for the
    sharpest mode here, σ = 0.3; see tests/test_ebm2d.py).  ``edge_mass``: probability in the
    outer 2 % band of the box, a sign that the model presses against the walls.  A point
    outside the box has density 0 under this model, so the average is then −inf.
    """
    g = grid.integrate(as_energy2d(energy, box), 1.0, box=tuple(box), n=n)
    pts = np.asarray(points, dtype=np.float32)
    e = energy(torch.from_numpy(pts)).double()
    ll = float(-e.mean() - g.log_z) if toy2d.inside(pts, box).all() else -math.inf
    return {"ll": ll, "log_z": float(g.log_z), "edge_mass": float(g.edge_mass)}


@torch.no_grad()
def energy_on_grid(energy: nn.Module, box, n: int = 120) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(xs, ys, E (n, n) indexed [iy, ix]) as float32, for pictures."""
    xs, ys, pts = grid.grid_points(tuple(box), n)
    e = energy(pts.float()).reshape(n, n).numpy().astype(np.float32)
    return xs.astype(np.float32), ys.astype(np.float32), e


class Trainer:
    """Maximum-likelihood training of an ``EnergyMLP`` on a toy 2D data set."""

    def __init__(self, config: Config | None = None, **overrides):
        cfg = config or Config()
        if overrides:
            cfg = Config(**(asdict(cfg) | overrides))
        self.config = cfg.validate()
        self.box = cfg.box
        self.gen = torch.Generator().manual_seed(cfg.seed)
        with torch.random.fork_rng():  # the initial weights depend on the seed only
            torch.manual_seed(cfg.seed)
            self.model = EnergyMLP(cfg.width, cfg.depth)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr)
        self.data = torch.from_numpy(toy2d.sample(cfg.dataset, cfg.n_data, cfg.seed))
        self.test = held_out(cfg.dataset)
        self.buffer = uniform(cfg.buffer_size, self.box, self.gen)  # the persistent chains
        self.negatives = torch.empty(0, 2)  # the last update's negative samples
        self.updates = 0
        self.diverged = False
        self.history: dict[str, list] = {"update": [], "e_data": [], "e_neg": [], "loss": []}
        self.ll_history: dict[str, list] = {"update": [], "ll": [], "log_z": [], "edge_mass": []}
        self.evaluate()

    # --- settings that may change while training ---------------------------------------
    def set_live(self, **kw) -> None:
        """Change scheme, K, ε, re-init fraction, learning rate or α between updates."""
        bad = set(kw) - set(LIVE_SETTINGS)
        if bad:
            raise ValueError(f"only {', '.join(LIVE_SETTINGS)} can change while training, not {', '.join(sorted(bad))}")
        new = Config(**(asdict(self.config) | kw)).validate()
        self.config = new
        for group in self.opt.param_groups:
            group["lr"] = new.lr

    # --- one update ----------------------------------------------------------------------
    def _negatives(self, data_batch: torch.Tensor) -> torch.Tensor:
        cfg = self.config
        if cfg.scheme == "short-run":
            x0 = uniform(cfg.batch, self.box, self.gen)
        elif cfg.scheme == "cd":
            x0 = data_batch.clone()
        else:
            # Distinct chains (no replacement), so each carries on exactly once per update.
            idx = torch.randperm(cfg.buffer_size, generator=self.gen)[:cfg.batch]
            x0 = self.buffer[idx].clone()
            fresh = torch.rand(cfg.batch, generator=self.gen) < cfg.reinit
            x0[fresh] = uniform(int(fresh.sum()), self.box, self.gen)
        x = langevin(self.model, x0, cfg.langevin_steps, cfg.step_size, self.gen, self.box)
        if cfg.scheme == "persistent":
            self.buffer[idx] = x  # the chains carry on from here next time
        return x

    def _update(self) -> dict:
        cfg = self.config
        idx = torch.randint(0, self.data.shape[0], (cfg.batch,), generator=self.gen)
        xd = self.data[idx]
        xn = self._negatives(xd)
        e_data, e_neg = self.model(xd), self.model(xn)
        ml = e_data.mean() - e_neg.mean()  # −(observed − synthesised statistics) of f = −E
        reg = cfg.alpha * (e_data.pow(2).mean() + e_neg.pow(2).mean())
        loss = ml + reg
        stats = {"update": self.updates + 1, "e_data": float(e_data.detach().mean()), "e_neg": float(e_neg.detach().mean()),
                 "loss": float(ml.detach())}
        if not math.isfinite(float(loss.detach())) or not torch.isfinite(xn).all():
            self.diverged = True  # leave the last good weights alone
            return stats | {"diverged": True}
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.negatives = xn
        self.updates += 1
        for k in ("update", "e_data", "e_neg", "loss"):
            self.history[k].append(stats[k])
        return stats

    def step(self, n_updates: int = 1) -> list[dict]:
        """Do up to ``n_updates`` updates; one stats dict per update (with ``ll``, ``log_z``,
        ``edge_mass`` every ``eval_every`` updates).  Stops early, flagged ``diverged``, when
        the energies or the chains blow up (e.g. a far too large step size)."""
        out = []
        for _ in range(int(n_updates)):
            if self.diverged:
                break
            s = self._update()
            if not s.get("diverged") and self.updates % self.config.eval_every == 0:
                s |= self.evaluate()
            out.append(s)
        return out

    def evaluate(self, n: int | None = None) -> dict:
        """Exact held-out log-likelihood now (recorded in ``ll_history``)."""
        r = exact_log_likelihood(self.model, self.test, self.box, n or self.config.grid_n)
        h = self.ll_history
        if not h["update"] or h["update"][-1] != self.updates:
            h["update"].append(self.updates)
            for k in ("ll", "log_z", "edge_mass"):
                h[k].append(r[k])
        return r

    # --- the learned landscape ---------------------------------------------------------
    def energy_grid(self, n: int = 120):
        return energy_on_grid(self.model, self.box, n)

    def sample(self, n: int = 400, steps: int = 200, step_size: float | None = None, seed: int = 0,
               frames: int = 41, temperature: float = 1.0) -> np.ndarray:
        """Langevin from uniform noise in the learned landscape; frames (F, n, 2), F ≤ ``frames``."""
        return sample_frames(self.model, self.box, n, steps, step_size or self.config.step_size, seed, frames,
                             temperature)

    def checkpoint(self) -> tuple[str, dict, dict, dict]:
        """(kind, config, state, meta) for ``ebm_core.io.checkpoint.save``/``to_bytes``."""
        h = self.ll_history
        meta = {"data": {"dataset": self.config.dataset, "n": self.config.n_data, "seed": self.config.seed,
                         "held_out": {"n": int(self.test.shape[0]), "seed": 0, "split": HELD_OUT_SPLIT},
                         "box": list(self.box)},
                "binarisation": None, "steps": self.updates, "seed": self.config.seed,
                "heldout_ll": h["ll"][-1] if h["ll"] else None, "log_z": h["log_z"][-1] if h["log_z"] else None,
                "ll_grid_n": self.config.grid_n,
                # what a page needs to show the model as it was left (``restore``)
                "history": {k: list(v) for k, v in self.history.items()},
                "ll_history": {k: list(v) for k, v in h.items()},
                "negatives": self.negatives.tolist()}
        return "ebm2d", self.config.as_dict(), dict(self.model.state_dict()), meta

    def restore(self, ck: dict) -> None:
        """Take over a checkpoint of the same data and architecture: its weights, its update count,
        its curves and its last negatives (the optimiser's moments and the persistent chains start
        afresh, as in a new trainer). ValueError when the data or the architecture differ."""
        cfg = Config.from_dict(dict(ck["config"]))
        for k in ("dataset", "n_data", "width", "depth", "seed"):
            if getattr(cfg, k) != getattr(self.config, k):
                raise ValueError(f"the checkpoint's {k} is {getattr(cfg, k)!r}, not {getattr(self.config, k)!r}")
        self.model.load_state_dict(ck["state"])
        meta = ck.get("meta") or {}
        self.updates = int(meta.get("steps", 0))
        for name in ("history", "ll_history"):
            saved = meta.get(name)
            if isinstance(saved, dict) and set(saved) == set(getattr(self, name)):
                setattr(self, name, {k: list(v) for k, v in saved.items()})
        if meta.get("negatives"):
            self.negatives = torch.tensor(meta["negatives"], dtype=torch.float32).reshape(-1, 2)
        self.evaluate()  # (the held-out likelihood of these weights, at this trainer's grid)


def sample_frames(energy: nn.Module, box, n: int, steps: int, step_size: float, seed: int = 0, frames: int = 41,
                  temperature: float = 1.0) -> np.ndarray:
    """Langevin chains from uniform noise on the box; the recorded frames (F, n, 2), float32."""
    gen = torch.Generator().manual_seed(int(seed))
    x0 = uniform(int(n), box, gen)
    every = max(1, math.ceil(steps / max(1, frames - 1)))
    _, fr = langevin(energy, x0, int(steps), float(step_size), gen, box, temperature, record_every=every)
    return fr


def model_from_checkpoint(ck: dict) -> tuple[EnergyMLP, Config]:
    """Rebuild the energy from a loaded ``ebm2d`` checkpoint; ValueError when it does not fit."""
    if ck.get("kind") != "ebm2d":
        raise ValueError(f"expected an ebm2d checkpoint, got {ck.get('kind')!r}")
    try:
        cfg = Config.from_dict(dict(ck["config"]))
    except (TypeError, ValueError) as e:
        raise ValueError(f"bad ebm2d config: {e}") from None
    model = EnergyMLP(cfg.width, cfg.depth)
    try:
        model.load_state_dict(ck["state"])
    except (RuntimeError, KeyError, TypeError) as e:
        raise ValueError(f"the weights do not fit width {cfg.width}, depth {cfg.depth}: {str(e).splitlines()[0]}") from None
    model.eval()
    return model, cfg


# --- Langevin → diffusion: annealed Langevin dynamics -------------------------------------

def smoothed_score(x: torch.Tensor, centres: torch.Tensor, log_w: torch.Tensor, sigma: float) -> torch.Tensor:
    """∇_x log p_σ(x) for p_σ = p ∗ N(0, σ²I), with p given by grid cells (centres, log weights).

    p_σ(x) = Σ_j w_j N(x; y_j, σ²I), so ∇ log p_σ(x) = (Σ_j r_j(x) y_j − x) / σ² with
    r_j ∝ w_j N(x; y_j, σ²I).  Treating the cells as point masses is exact to ~e^{−2π²σ²/h²}
    for cell width h ≤ σ (the Gaussian smooths the grid away).
    """
    d2 = (x * x).sum(1, keepdim=True) - 2 * x @ centres.T + (centres * centres).sum(1)
    r = torch.softmax(log_w - d2 / (2 * sigma * sigma), dim=1)
    return (r @ centres - x) / (sigma * sigma)


def noise_levels(sigma_max: float = 2.0, sigma_min: float = 0.2, levels: int = 8) -> list[float]:
    """σ_1 > … > σ_L, geometric (Song & Ermon, 2019)."""
    if levels == 1:
        return [float(sigma_max)]
    r = (sigma_min / sigma_max) ** (1 / (levels - 1))
    return [float(sigma_max * r**i) for i in range(levels)]


@torch.no_grad()
def annealed_langevin(energy: nn.Module, box, n: int = 300, sigmas: list[float] | None = None,
                      steps_per_level: int = 15, eta: float = 0.2, final_steps: int = 30, final_step_size: float = 0.01,
                      seed: int = 0, grid_n: int = 48, record_every: int = 3) -> dict:
    """Annealed Langevin dynamics in the learned landscape (the lecture's "Langevin → diffusion").

    Start from pure noise x ~ N(centre, σ_1² I); at each noise level σ_t (decreasing) run
    ``steps_per_level`` steps of the lecture's update

        x ← x + (β_t/2) ∇_x log p_{σ_t}(x) + √β_t ε,   β_t = η σ_t²,

    where p_σ is the learned p_θ blurred by noise of level σ (exact from the grid in 2D; a
    diffusion model learns these scores instead), then ``final_steps`` plain Langevin steps
    in p_θ itself (σ = 0, step ``final_step_size``, reflected at the walls).  The samples
    sharpen as σ shrinks.  Returns {"frames" (F, n, 2) float32, "sigma" (F,), "beta" (F,)}.
    """
    sigmas = list(sigmas) if sigmas is not None else noise_levels()
    h = (box[1] - box[0]) / grid_n
    if min(sigmas) < h:
        raise ValueError(f"the smallest noise level {min(sigmas):g} must be at least the grid cell {h:g}")
    gen = torch.Generator().manual_seed(int(seed))
    _, _, pts = grid.grid_points(tuple(box), grid_n)
    centres = pts.float()
    log_w = -energy(centres)  # log p_θ up to log Z, which cancels in the softmax
    centre = torch.tensor([(box[0] + box[1]) / 2, (box[2] + box[3]) / 2])
    x = centre + sigmas[0] * torch.randn(int(n), 2, generator=gen)
    frames, sig, beta = [x.clone()], [sigmas[0]], [eta * sigmas[0] ** 2]
    k = 0
    for s in sigmas:
        b = eta * s * s
        for _ in range(steps_per_level):
            x = x + 0.5 * b * smoothed_score(x, centres, log_w, s) + math.sqrt(b) * torch.randn(x.shape, generator=gen)
            k += 1
            if k % record_every == 0:
                frames.append(x.clone()); sig.append(s); beta.append(b)  # noqa: E702
    # σ = 0: the learned landscape itself; start inside the box (the model lives there).
    x = reflect(x, box)
    x, fr = langevin(energy, x, final_steps, final_step_size, gen, box, record_every=record_every)
    frames += [torch.from_numpy(f) for f in fr[1:]]
    sig += [0.0] * (len(fr) - 1)
    beta += [final_step_size] * (len(fr) - 1)
    return {"frames": torch.stack(frames).numpy().astype(np.float32), "sigma": np.array(sig), "beta": np.array(beta)}
