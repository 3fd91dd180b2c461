"""One door to every 2D target: a registry name, or ``custom`` with a typed formula."""

from __future__ import annotations

from ebm_core.landscapes.energies import REGISTRY, Box, Energy2D, get_energy
from ebm_core.landscapes.expressions import custom_energy

#: Default box for a typed formula: the square [-4, 4]².
CUSTOM_BOX: Box = (-4.0, 4.0, -4.0, 4.0)


def resolve_target(name: str, formula: str | None = None, box: Box | None = None) -> Energy2D:
    """Registry energy by name, or the compiled formula when ``name == 'custom'``.

    Raises KeyError for an unknown name and expressions.FormulaError for a bad formula.
    """
    if name == "custom":
        if not formula:
            raise ValueError("target 'custom' needs a formula, e.g. --formula '(x**2 + y**2 - 4)**2 / 2'")
        return custom_energy(formula, box or CUSTOM_BOX)
    return get_energy(name)


def target_names() -> list[str]:
    return [*REGISTRY, "custom"]
