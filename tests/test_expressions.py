"""Tests for the safe formula compiler (ebm_core.landscapes.expressions)."""

from __future__ import annotations

import ast
import builtins
import math
import os
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from ebm_core.landscapes import expressions
from ebm_core.landscapes.energies import Energy2D
from ebm_core.landscapes.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_NODES,
    FormulaError,
    compile_formula,
    custom_energy,
)

torch.set_num_threads(1)

# Evaluation points: a small grid in [-2, 2]^2 that includes zeros.
_AXIS = [-2.0, -0.7, 0.0, 0.3, 1.5]
POINTS = np.array([(a, b) for a in _AXIS for b in _AXIS], dtype=np.float64)


def evaluate(text: str, points=POINTS, dtype=torch.float64) -> np.ndarray:
    out = compile_formula(text)(torch.as_tensor(points, dtype=dtype))
    assert out.shape == (len(points),)
    assert out.dtype == dtype
    return out.detach().numpy()


# --------------------------------------------------------------- generated formulas
# Each generated node is (source, precedence, numpy reference).  Sources carry only the
# parentheses precedence demands, so the parser's precedence rules get exercised too.
ADD, MUL, UNARY, POW, ATOM = 1, 2, 3, 4, 5


def _wrap(node, need_parens: bool) -> str:
    return f"({node[0]})" if need_parens else node[0]


def _const(src: str, value: float):
    return (src, ATOM, lambda x, y: value)


LEAVES = st.one_of(  # half variables, half constants
    st.sampled_from([("x", ATOM, lambda x, y: x), ("y", ATOM, lambda x, y: y)]),
    st.sampled_from(
        [_const("pi", math.pi), _const("e", math.e)]
        + [_const(s, float(s)) for s in ["0", "1", "2", "3", "0.5", "1.25", "2.5e-1", "1e1"]]
    ),
)


def _np_sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def _np_softmin(*args):
    a = np.stack(np.broadcast_arrays(*[np.asarray(v, dtype=np.float64) for v in args]))
    m = a.min(axis=0)
    return m - np.log(np.exp(-(a - m)).sum(axis=0))


# Unary wrappers chosen to stay in well-conditioned domains (no poles, no log(<0)),
# where numpy and torch agree to a few ulp.
UNARY_FUNCS = [
    ("sin({})", np.sin), ("cos({})", np.cos), ("tanh({})", np.tanh),
    ("atan({})", np.arctan), ("sigmoid({})", _np_sigmoid), ("abs({})", np.abs),
    ("square({})", np.square),
    ("exp(sin({}))", lambda a: np.exp(np.sin(a))),
    ("exp(-square({}))", lambda a: np.exp(-np.square(a))),
    ("log(1 + square({}))", lambda a: np.log(1 + np.square(a))),
    ("sqrt(abs({}))", lambda a: np.sqrt(np.abs(a))),
    ("sqrt(1 + square({}))", lambda a: np.sqrt(1 + np.square(a))),
    ("tan(tanh({}))", lambda a: np.tan(np.tanh(a))),
    ("sinh(tanh({}))", lambda a: np.sinh(np.tanh(a))),
    ("cosh(sin({}))", lambda a: np.cosh(np.sin(a))),
]


def _func(spec, a):
    template, ref = spec
    return (template.format(a[0]), ATOM, lambda x, y: ref(a[2](x, y)))


def _neg(a):
    return ("-" + _wrap(a, a[1] < UNARY), UNARY, lambda x, y: -a[2](x, y))


def _pos(a):
    return ("+" + _wrap(a, a[1] < UNARY), UNARY, a[2])


def _binop(sym, a, b):
    prec = ADD if sym in "+-" else MUL
    ops = {"+": np.add, "-": np.subtract, "*": np.multiply}
    src = f"{_wrap(a, a[1] < prec)} {sym} {_wrap(b, b[1] <= prec)}"
    return (src, prec, lambda x, y: ops[sym](a[2](x, y), b[2](x, y)))


def _div(a, b):
    # Denominator kept >= 1 so no division by (nearly) zero.
    src = f"{_wrap(a, a[1] < MUL)} / (2 + sin({b[0]}))"
    return (src, MUL, lambda x, y: a[2](x, y) / (2 + np.sin(b[2](x, y))))


def _pow(a, p):
    if isinstance(p, int) and p >= 0:
        src = f"{_wrap(a, a[1] <= POW)}**{p}"
        return (src, POW, lambda x, y: np.power(a[2](x, y), p))
    # Negative / fractional exponents only on a base >= 1.
    return (f"(1 + square({a[0]}))**{p}", POW,
            lambda x, y: np.power(1 + np.square(a[2](x, y)), p))


def _variadic(name, args):
    refs = [a[2] for a in args]
    src = f"{name}({', '.join(a[0] for a in args)})"
    if name == "softmin":
        return (src, ATOM, lambda x, y: _np_softmin(*[r(x, y) for r in refs]))
    op = np.minimum if name == "min" else np.maximum

    def ref(x, y):
        out = refs[0](x, y)
        for r in refs[1:]:
            out = op(out, r(x, y))
        return out

    return (src, ATOM, ref)


def _extend(children):
    return st.one_of(
        st.builds(_func, st.sampled_from(UNARY_FUNCS), children),
        children.map(_neg),
        children.map(_pos),
        st.builds(_binop, st.sampled_from("+-*"), children, children),
        st.builds(_div, children, children),
        st.builds(_pow, children, st.sampled_from([0, 1, 2, 3, -1, -2, 0.5, 1.5])),
        st.builds(_variadic, st.sampled_from(["min", "max", "softmin"]),
                  st.lists(children, min_size=2, max_size=3)),
    )


FORMULAS = st.recursive(LEAVES, _extend, max_leaves=10)


def _ast_size(text: str) -> tuple[int, int]:
    """(depth, node count) of the expression, computed independently of the module."""
    def walk(node, d):
        kids = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
        sub = [walk(c, d + 1) for c in kids]
        return max([d] + [s[0] for s in sub]), 1 + sum(s[1] for s in sub)
    return walk(ast.parse(text, mode="eval").body, 1)


@settings(max_examples=200, deadline=None)
@given(FORMULAS)
def test_generated_formulas_match_numpy(node):
    src, _, ref = node
    depth, count = _ast_size(src)
    if depth > MAX_DEPTH or count > MAX_NODES:
        with pytest.raises(FormulaError):
            compile_formula(src)
        return
    got = evaluate(src)
    with np.errstate(all="ignore"):
        want = np.broadcast_to(ref(POINTS[:, 0], POINTS[:, 1]), (len(POINTS),))
    assert np.allclose(got, want, rtol=1e-9, atol=1e-9, equal_nan=True), (src, got, want)
    # float32 in -> float32 out, same shape.
    evaluate(src, dtype=torch.float32)


FUZZ_ALPHABET = "xyzpie0123456789.+-*/() ,_[]{}'\":;=<>!@%&|^~#\\abcdlmnoqrstuvw\t\n"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=FUZZ_ALPHABET, max_size=40))
def test_random_text_either_compiles_or_raises_formula_error(text):
    try:
        fn = compile_formula(text)
    except FormulaError as err:
        assert err.message
        assert str(err)
        return
    out = fn(torch.as_tensor(POINTS))
    assert out.shape == (len(POINTS),)


def test_a_students_odd_text_leaves_no_warning_in_the_servers_log():
    import warnings

    for text in ("'\\9'", "1if x else 2", "x + '\\d'"):
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            with pytest.raises(FormulaError):
                compile_formula(text)
        assert not seen, (text, [str(w.message) for w in seen])


# ----------------------------------------------------------------- specific values
def test_lecture_formula_values():
    got = evaluate("(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x)")
    x, y = POINTS[:, 0], POINTS[:, 1]
    want = (x**2 + y**2 - 4) ** 2 / 2 + 0.5 * np.sin(3 * x)
    assert np.allclose(got, want, rtol=1e-12)
    pts = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 0.0]])
    assert np.allclose(evaluate("(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x)", pts),
                       [8.0, 0.5 + 0.5 * math.sin(3.0), 0.5 * math.sin(6.0)])


def test_softmin_min_max():
    pts = np.array([[0.0, 0.0], [1.0, -2.0], [3.0, 5.0]])
    x, y = pts[:, 0], pts[:, 1]
    assert np.allclose(evaluate("softmin(x, y)", pts), -np.log(np.exp(-x) + np.exp(-y)))
    assert np.isclose(evaluate("softmin(x, y)", pts)[0], -math.log(2))
    assert np.allclose(evaluate("softmin(x, y, 0)", pts),
                       -np.log(np.exp(-x) + np.exp(-y) + 1.0))
    assert np.allclose(evaluate("min(x, y)", pts), np.minimum(x, y))
    assert np.allclose(evaluate("max(x, y, 2)", pts), np.maximum(np.maximum(x, y), 2))
    assert np.allclose(evaluate("min(1, 2*y)", pts), np.minimum(1, 2 * y))


def test_precedence_and_associativity():
    pts = np.array([[3.0, 2.0]])
    assert evaluate("-x**2", pts)[0] == -9.0          # -(x**2), not (-x)**2
    assert evaluate("(-x)**2", pts)[0] == 9.0
    assert evaluate("-2**2", pts)[0] == -4.0
    assert evaluate("x**-1", pts)[0] == pytest.approx(1 / 3)
    assert evaluate("x - -y", pts)[0] == 5.0
    assert evaluate("x / y / 2", pts)[0] == 0.75       # left-associative
    assert evaluate("x - y - 1", pts)[0] == 0.0
    assert evaluate("1 + 2 * x ** 2", pts)[0] == 19.0
    assert evaluate("+x", pts)[0] == 3.0
    assert evaluate("(-8)**3 / 8**2", pts)[0] == -8.0  # integer exponent of a negative base


def test_constants_and_constant_only_formula():
    pts = np.zeros((4, 2))
    assert np.allclose(evaluate("pi", pts), math.pi)
    assert np.allclose(evaluate("e", pts), math.e)
    assert np.allclose(evaluate("2*pi + e**2", pts), 2 * math.pi + math.e**2)
    # Constant-only energies still give (n,) and a (zero) gradient.
    energy = custom_energy("exp(1) - e")
    value, grad = energy.energy_and_grad(torch.ones(4, 2))
    assert value.shape == (4,) and torch.allclose(value, torch.zeros(4), atol=1e-6)
    assert torch.equal(grad, torch.zeros(4, 2))


def test_bare_variable_is_a_copy_not_a_view():
    pts = torch.tensor([[1.0, 2.0]])
    out = compile_formula("y")(pts)
    out += 1
    assert pts[0, 1] == 2.0


def test_float32_preserved_and_close_to_float64():
    f = "(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x) + softmin(x, y) + max(x, 1)"
    got32 = evaluate(f, dtype=torch.float32)
    got64 = evaluate(f, dtype=torch.float64)
    assert np.allclose(got32, got64, rtol=1e-5, atol=1e-5)


def test_non_finite_values_arise_naturally():
    pts = np.array([[-1.0, 0.0], [0.0, 0.0]])
    assert np.isnan(evaluate("log(x)", pts)[0])
    assert evaluate("log(x)", pts)[1] == -np.inf
    assert evaluate("1 / y", pts)[0] == np.inf
    assert np.isnan(evaluate("sqrt(x)", pts)[0])
    assert np.isnan(evaluate("x**0.5", pts)[0])


def test_every_listed_function_compiles():
    pts = np.array([[0.3, 0.4]])
    for name, fn in FUNCTIONS.items():
        args = ", ".join(["x", "y", "0.5"][: max(fn.min_args, 1)])
        assert np.isfinite(evaluate(f"{name}({args})", pts)).all(), name


def test_limits_at_the_boundary_are_accepted():
    assert evaluate(f"x**{MAX_EXPONENT} + x**-{MAX_EXPONENT}", np.array([[1.0, 0.0]]))[0] == 2.0
    assert evaluate("1e6 * x", np.array([[1.0, 0.0]]))[0] == 1e6
    assert evaluate("  x\t+\ny  ", np.array([[1.0, 2.0]]))[0] == 3.0  # whitespace is fine
    assert evaluate("x  # a comment", np.array([[1.0, 2.0]]))[0] == 1.0
    compile_formula("-" * (MAX_DEPTH - 1) + "x")
    compile_formula("(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)
    compile_formula("x" + " " * (MAX_LENGTH - 1))


def test_wrong_input_shape_is_a_value_error():
    with pytest.raises(ValueError):
        compile_formula("x + y")(torch.zeros(3))


# --------------------------------------------------------------------- gradients
def test_autograd_gradient_matches_finite_differences():
    f = compile_formula("(x**2 + y**2 - 4)**2 / 2 + 0.5*sin(3*x) + softmin(x, y**3) + atan(x*y)")
    pts = torch.tensor([[0.3, -1.2], [1.7, 0.4], [-0.8, 2.1]], dtype=torch.float64,
                       requires_grad=True)
    (grad,) = torch.autograd.grad(f(pts).sum(), pts)
    h = 1e-6
    with torch.no_grad():
        for j in range(2):
            step = torch.zeros_like(pts)
            step[:, j] = h
            fd = (f(pts + step) - f(pts - step)) / (2 * h)
            assert torch.allclose(grad[:, j], fd, rtol=1e-6, atol=1e-6)
    assert torch.autograd.gradcheck(f, (pts,))


# ----------------------------------------------------------------- hostile inputs
HOSTILE = [
    "__import__('os')",
    "__import__('os').system('echo hi')",
    "x.__class__",
    "().__class__.__bases__",
    "(lambda: 1)()",
    "[x for x in y]",
    "{x: 1}",
    "9**9**9",
    "x**1000",
    "'a'*10",
    "open('f')",
    "open('sentinel.txt', 'w')",
    "exp(x, y)",
    "exp(x=1)",
    "x if y else 1",
    "x < y",
    "x and y",
    "(x := 1)",
    "z + 1",
    "x; y",
    "(" * 10000 + "x" + ")" * 10000,
    "-" * 10000 + "x",
    "x+" * 50000 + "x",
    "1e400",
    "",
    "   ",
    # a few more of the same families
    "x = 1",
    "import os",
    "os.system('echo hi')",
    "__builtins__",
    "x[0]",
    "f'{x}'",
    "exp(*x)",
    "exp(**x)",
    "x // 2",
    "x % 2",
    "not x",
    "~x",
    "True + x",
    "None",
    "1j * x",
    "2**x",
    "x**17",
    "1000001 * x",
    "min(x)",
    "exp",
    "(x + 1)(2)",
    "x²",
    "x +",
    "-" * 300 + "x",
    "min(" + "x," * 200 + "x)",
]


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:30]))
def test_hostile_formulas_are_refused_and_run_nothing(text, monkeypatch, tmp_path):
    imported: list[str] = []
    system_calls: list[str] = []
    real_import = builtins.__import__

    def spy_import(name, *args, **kwargs):
        imported.append(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(os, "system", lambda cmd: system_calls.append(cmd) or 0)
    error = None
    builtins.__import__ = spy_import  # set directly: monkeypatch itself imports lazily
    try:
        compile_formula(text)
    except FormulaError as err:
        error = err
    finally:
        builtins.__import__ = real_import

    assert error is not None, f"accepted hostile formula {text[:50]!r}"
    assert isinstance(error, ValueError)
    assert error.message and str(error)
    assert imported == [] and system_calls == []
    assert list(Path(tmp_path).iterdir()) == []


@pytest.mark.parametrize(
    "text, col, snippet, words",
    [
        ("x.__class__", 1, ".__class__", "attribute access '.__class__'"),
        ("1 + x.__class__", 5, ".__class__", "attribute access"),
        ("().__class__.__bases__", 2, ".__class__", "attribute access"),
        ("__import__('os')", 0, "__import__", "__import__"),
        ("1 + z", 4, "z", "name 'z'"),
        ("   1 + z", 7, "z", "name 'z'"),
        ("x**1000", 3, "1000", "exponent"),
        ("9**9**9", 3, "9**9", "exponent"),
        ("exp(x=1)", 4, "x=1", "keyword"),
        ("x; y", 1, ";", "multiple statements"),
        ("(" * 10000 + "x" + ")" * 10000, MAX_DEPTH, "(", "too deeply nested"),
        ("x+" * 50000 + "x", MAX_LENGTH, None, "too long"),
        ("1e400", 0, "1e400", "finite"),
        ("sin(x) + 'a'", 9, "'a'", "string"),
        ("x +", 3, None, "syntax error"),
        ("x²", 1, "²", "character"),
        ("(lambda: 1)()", 1, None, "lambda"),
        ("x < y", 0, "x < y", "comparison"),
    ],
)
def test_error_positions_and_messages(text, col, snippet, words):
    with pytest.raises(FormulaError) as info:
        compile_formula(text)
    err = info.value
    assert err.col == col
    if snippet is not None:
        assert err.snippet == snippet
    assert words in err.message
    assert str(err) == f"{err.message} at column {col}"


def test_empty_formula_has_no_column():
    for text in ["", "   ", "\n", "# only a comment"]:
        with pytest.raises(FormulaError, match="empty") as info:
            compile_formula(text)
        assert info.value.col is None


def test_pointer_draws_carets_under_the_culprit():
    with pytest.raises(FormulaError) as info:
        compile_formula("1 + x.__class__")
    assert info.value.pointer("1 + x.__class__") == "1 + x.__class__\n     ^^^^^^^^^^"
    with pytest.raises(FormulaError) as info:
        compile_formula("x +")
    assert info.value.pointer("x +") == "x +\n   ^"
    assert FormulaError("empty formula").pointer("") == "\n"


def test_parser_blowups_are_reported(monkeypatch):
    def explode(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(expressions.ast, "parse", explode)
    with pytest.raises(FormulaError, match="too deeply nested"):
        compile_formula("x")


def test_node_limit():
    with pytest.raises(FormulaError, match="too large"):
        compile_formula("min(" + "x," * MAX_NODES + "x)")


def test_non_string_input_is_refused():
    with pytest.raises(FormulaError):
        compile_formula(None)  # type: ignore[arg-type]


def test_module_never_evaluates_code():
    # Static guard: the compiler must not call eval/exec/compile/__import__ anywhere.
    tree = ast.parse(Path(expressions.__file__).read_text())
    banned = {"eval", "exec", "compile", "__import__", "globals", "locals", "vars"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
            assert name not in banned, f"line {node.lineno}: {name}()"


# ------------------------------------------------------------------ custom_energy
def test_custom_energy_is_an_energy2d():
    energy = custom_energy("(x**2 + y**2 - 4)**2 / 2", box=(-3, 3, -2, 2))
    assert isinstance(energy, Energy2D)
    assert energy.name == "custom"
    assert energy.box == (-3.0, 3.0, -2.0, 2.0)
    assert energy.description == "(x**2 + y**2 - 4)**2 / 2"
    pts = torch.tensor([[0.0, 0.0], [2.0, 0.0], [1.0, 1.0]])
    assert torch.allclose(energy(pts), torch.tensor([8.0, 0.0, 2.0]))
    value, grad = energy.energy_and_grad(pts)
    assert value.shape == (3,) and grad.shape == (3, 2)
    assert torch.allclose(grad[2], torch.tensor([-4.0, -4.0]))  # 2 (r²-4) * 2x at (1, 1)
    assert custom_energy("x").box == (-4.0, 4.0, -4.0, 4.0)
    with pytest.raises(FormulaError):
        custom_energy("x.__class__")
