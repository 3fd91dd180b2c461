"""Safe compilation of user-typed 2D energy formulas such as ``(x**2 + y**2 - 4)**2 / 2``.

Security design
---------------
The formula comes from an untrusted text box, so it is never handed to ``eval``, ``exec``
or ``compile``-to-bytecode.  Instead:

1. Cheap pre-checks on the raw text: length (``MAX_LENGTH``), printable ASCII only, and
   bracket nesting (``MAX_DEPTH``), so the parser never sees pathological input.
2. ``ast.parse`` only *parses*; the rare ``RecursionError``/``MemoryError`` it can raise
   on absurd nesting is caught and reported.
3. The tree is checked iteratively (no recursion) against limits on depth and size, then
   against a **whitelist** of node types: the names ``x y pi e``, finite numeric literals,
   ``+ - * / **``, unary ``±`` and calls of the functions in ``FUNCTIONS`` by bare name.
   Anything else (attributes, subscripts, lambdas, strings, keywords, ...) is refused with
   a ``FormulaError`` that says what and where.  Exponents must be small number literals,
   so ``9**9**9`` cannot tie up the CPU.
4. The validated tree is turned into a tree of closures over torch operations.  The only
   code that ever runs is ours; the user's text only chooses which of our closures to nest.
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from dataclasses import dataclass
from typing import Callable

import torch

from ebm_core.landscapes.energies import Box, Energy2D

MAX_LENGTH = 500
MAX_DEPTH = 40
MAX_NODES = 200
MAX_EXPONENT = 16
MAX_LITERAL = 1e6

Tensor = torch.Tensor
# A compiled node maps (x, y, template) to a tensor; the template carries dtype and device.
_Node = Callable[[Tensor, Tensor, Tensor], Tensor]


#: Why a formula is refused: ``FormulaError.code`` -> its English words, filled in with
#: ``FormulaError.args_`` (the page translates the code and the same values; the CLI prints these).
MESSAGES: dict[str, str] = {
    "not_string": "formula must be a string",
    "empty": "empty formula",
    "too_long": "formula is too long ({n} characters, at most {max})",
    "character": "unexpected character {ch!r}",
    "nested": "formula is too deeply nested",
    "nested_brackets": "formula is too deeply nested (more than {max} levels of brackets)",
    "nested_levels": "formula is too deeply nested (more than {max} levels)",
    "too_large": "formula is too large (more than {max} terms)",
    # Python's parser: its commonest messages by code, any other one as it words it
    "syntax": "syntax error: {detail}",
    "syntax_invalid": "syntax error: invalid syntax",
    "syntax_unclosed": "syntax error: '{bracket}' was never closed",
    "syntax_unmatched": "syntax error: unmatched '{bracket}'",
    "syntax_mismatch": "syntax error: closing parenthesis '{close}' does not match opening parenthesis '{open}'",
    "multiple": "not allowed: multiple statements (only one expression)",
    "assignment": "not allowed: assignment",
    "import": "not allowed: import statement",
    "statement": "not allowed: statement '{name}'",
    "is_function": "'{name}' is a function: call it like {name}(...)",
    "name": "not allowed: name '{name}' (only x, y, pi, e)",
    "literal": "numbers must be finite with |value| <= {max:g}",
    "exponent": "exponents must be numbers with |p| <= {max}",
    "unknown_function": "not allowed: unknown function '{name}'",
    "arity_exact": "{name}() takes exactly {n} argument, got {got}",
    "arity_min": "{name}() takes at least {n} arguments, got {got}",
    "call_expression": "not allowed: calling an expression (only functions by name)",
    "keyword": "not allowed: keyword argument {label}",
    "attribute": "not allowed: attribute access '.{name}'",
    "string": "not allowed: string",
    "constant": "not allowed: constant '{value}'",
    "complex": "not allowed: complex number",
    "operator": "not allowed: operator '{op}'",
    "boolean": "not allowed: boolean operator '{op}'",
    "subscript": "not allowed: subscript", "lambda": "not allowed: lambda",
    "comprehension": "not allowed: comprehension", "comparison": "not allowed: comparison",
    "conditional": "not allowed: conditional expression",
    "walrus": "not allowed: assignment expression ':='", "fstring": "not allowed: f-string",
    "starred": "not allowed: starred argument", "list": "not allowed: list", "tuple": "not allowed: tuple",
    "set": "not allowed: set", "dict": "not allowed: dict", "await": "not allowed: await",
    "yield": "not allowed: yield", "slice": "not allowed: slice",
    "expression": "not allowed: '{name}' expression",
    "internal": "internal error: unexpected {name}",
}


class FormulaError(ValueError):
    """A formula that is refused; ``col`` is 0-based (or None), ``snippet`` the culprit text.

    ``code`` (a key of ``MESSAGES``) and ``args_`` say why in a form a page can translate
    (``ebm_core`` has no languages); ``message`` is the English of the same."""

    def __init__(self, message: str, col: int | None = None, snippet: str | None = None, *,
                 code: str = "other", args: dict | None = None):
        self.message = message
        self.col = col
        self.snippet = snippet
        self.code = code
        self.args_ = dict(args or {})
        super().__init__(str(self))

    @classmethod
    def of(cls, code: str, col: int | None = None, snippet: str | None = None, **args) -> "FormulaError":
        """The refusal ``code`` with these values (its English message from ``MESSAGES``)."""
        return cls(MESSAGES[code].format(**args), col, snippet, code=code, args=args)

    def __str__(self) -> str:
        if self.col is None:
            return self.message
        return f"{self.message} at column {self.col}"

    def pointer(self, text: str) -> str:
        """The formula and a caret line under the offending part, for display."""
        line = _normalise_whitespace(text)
        if self.col is None:
            return f"{line}\n"
        # At least one caret, and none past the end of the line (except at the very end).
        width = max(1, min(len(self.snippet or ""), len(line) - self.col))
        return f"{line}\n{' ' * self.col}{'^' * width}"


@dataclass(frozen=True)
class Function:
    """A whitelisted function: arity bounds (``max_args`` None = unbounded) and torch op."""

    name: str
    min_args: int
    max_args: int | None
    op: Callable[..., Tensor]
    doc: str


def _fold(op: Callable[[Tensor, Tensor], Tensor]) -> Callable[..., Tensor]:
    def folded(*args: Tensor) -> Tensor:
        out = args[0]
        for a in args[1:]:
            out = op(out, a)
        return out

    return folded


def _softmin(*args: Tensor) -> Tensor:
    # -logsumexp(-a_i): a smooth lower bound of min(a_i) (it is min minus at most log k).
    stacked = torch.stack(torch.broadcast_tensors(*args), dim=0)
    return -torch.logsumexp(-stacked, dim=0)


def _unary(name: str, op: Callable[[Tensor], Tensor], doc: str) -> Function:
    return Function(name, 1, 1, op, doc)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in [
        _unary("exp", torch.exp, "exponential"),
        _unary("log", torch.log, "natural logarithm"),
        _unary("sqrt", torch.sqrt, "square root"),
        _unary("sin", torch.sin, "sine"),
        _unary("cos", torch.cos, "cosine"),
        _unary("tan", torch.tan, "tangent"),
        _unary("tanh", torch.tanh, "hyperbolic tangent"),
        _unary("sigmoid", torch.sigmoid, "logistic 1 / (1 + exp(-a))"),
        _unary("abs", torch.abs, "absolute value"),
        _unary("sinh", torch.sinh, "hyperbolic sine"),
        _unary("cosh", torch.cosh, "hyperbolic cosine"),
        _unary("atan", torch.atan, "arc tangent"),
        _unary("square", torch.square, "a**2"),
        Function("min", 2, None, _fold(torch.minimum), "elementwise minimum of 2+ arguments"),
        Function("max", 2, None, _fold(torch.maximum), "elementwise maximum of 2+ arguments"),
        Function("softmin", 2, None, _softmin, "soft minimum -log(sum exp(-a_i)) of 2+ arguments"),
    ]
}

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
VARIABLES = ("x", "y")

_BINOPS: dict[type, Callable[[Tensor, Tensor], Tensor]] = {
    ast.Add: torch.add,
    ast.Sub: torch.sub,
    ast.Mult: torch.mul,
    ast.Div: torch.div,
}
_OP_SYMBOLS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~",
}
# Helper nodes that are not expressions of their own; they neither count nor nest.
_NOT_COUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.boolop, ast.cmpop)


# ---------------------------------------------------------------------------- checks
def _normalise_whitespace(text: str) -> str:
    # Tabs/newlines become spaces: keeps columns 1:1 and makes the formula one line.
    return text.translate({ord(c): " " for c in "\t\n\r\v\f"})


def _precheck(text: str) -> None:
    # Bracket depth first: it is O(n) and gives the most useful message for deep nesting.
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError.of("nested_brackets", i, ch, max=MAX_DEPTH)
        elif ch in ")]}":
            depth -= 1
    if len(text) > MAX_LENGTH:
        raise FormulaError.of("too_long", MAX_LENGTH, text[MAX_LENGTH], n=len(text), max=MAX_LENGTH)
    for i, ch in enumerate(text):
        # ASCII only also means ast's byte-based columns equal character columns.
        if not " " <= ch <= "~":
            raise FormulaError.of("character", i, ch, ch=ch)


_SYNTAX = [  # Python's words -> a code the page can translate (the words stay in ``detail`` otherwise)
    ("syntax_invalid", r"invalid syntax$"),
    ("syntax_unclosed", r"'(?P<bracket>.)' was never closed$"),
    ("syntax_unmatched", r"unmatched '(?P<bracket>.)'$"),
    ("syntax_mismatch", r"closing parenthesis '(?P<close>.)' does not match opening parenthesis '(?P<open>.)'$"),
]


def _syntax_error(msg: str, col: int | None, snippet: str | None) -> FormulaError:
    for code, pattern in _SYNTAX:
        found = re.match(pattern, msg)  # (no re.compile: this module calls no compile at all)
        if found:
            return FormulaError.of(code, col, snippet, **found.groupdict())
    return FormulaError.of("syntax", col, snippet, detail=msg)


def _parse(text: str) -> ast.expr:
    """Parse one expression; statements, syntax errors and parser blow-ups -> FormulaError."""
    stripped = text.lstrip(" ")
    shift = len(text) - len(stripped)  # exec mode rejects leading indentation
    if not stripped:
        raise FormulaError.of("empty")
    try:
        with warnings.catch_warnings():
            # e.g. "1if x else 2" warns "invalid decimal literal", "'\\9'" an invalid escape (a
            # DeprecationWarning before Python 3.12): a student's text must not fill the server's log.
            warnings.simplefilter("ignore", SyntaxWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            module = ast.parse(stripped, mode="exec")
    except SyntaxError as err:
        col = None if err.offset is None else min(max(err.offset - 1 + shift, 0), len(text))
        snippet = text[col] if col is not None and col < len(text) else None
        raise _syntax_error(str(err.msg), col, snippet) from None
    except (RecursionError, MemoryError):
        raise FormulaError.of("nested") from None

    body = module.body
    if not body:
        raise FormulaError.of("empty")
    if len(body) > 1:
        second = body[1]
        semi = stripped.rfind(";", 0, second.col_offset)
        col = (semi if semi >= 0 else second.col_offset) + shift
        raise FormulaError.of("multiple", col, text[col])
    stmt = body[0]
    if not isinstance(stmt, ast.Expr):
        code = ("assignment" if isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign))
                else "import" if isinstance(stmt, (ast.Import, ast.ImportFrom)) else "statement")
        raise FormulaError.of(code, stmt.col_offset + shift, ast.get_source_segment(stripped, stmt),
                              **({"name": type(stmt).__name__.lower()} if code == "statement" else {}))
    expr = stmt.value
    # Shift every position so columns refer to the caller's text, not the stripped copy.
    if shift:
        for node in ast.walk(expr):
            if hasattr(node, "col_offset"):
                node.col_offset += shift
                node.end_col_offset += shift
    return expr


def _check_size(expr: ast.expr, text: str) -> None:
    # Iterative walk: safe whatever the depth, and stops as soon as a limit is crossed.
    count = 0
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FormulaError.of("nested_levels", getattr(node, "col_offset", None), _segment(text, node),
                                  max=MAX_DEPTH)
        count += 1
        if count > MAX_NODES:
            raise FormulaError.of("too_large", max=MAX_NODES)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, _NOT_COUNTED):
                stack.append((child, depth + 1))


def _segment(text: str, node: ast.AST) -> str | None:
    try:
        return ast.get_source_segment(text, node)
    except Exception:  # pragma: no cover - defensive: positions missing on synthetic nodes
        return None


def _number(node: ast.AST) -> float | None:
    """The value of a numeric literal, or None if ``node`` is not one (bool is not)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return node.value
    return None


def _exponent(node: ast.AST) -> float | None:
    """A numeric literal, possibly signed, usable as exponent; None otherwise."""
    sign = 1
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -sign if isinstance(node.op, ast.USub) else sign
        node = node.operand
    value = _number(node)
    return None if value is None else sign * value


def _describe(node: ast.AST, text: str) -> tuple[str, dict, int | None, str | None]:
    """A refused node -> (code, its values, column, snippet)."""
    col = getattr(node, "col_offset", None)
    snippet = _segment(text, node)
    if isinstance(node, ast.Attribute):
        # Point at the '.attr' part: that is the dangerous bit, not the object before it.
        dot = text.find(".", node.value.end_col_offset, node.end_col_offset)
        col = dot if dot >= 0 else col
        return "attribute", {"name": node.attr}, col, f".{node.attr}"
    if isinstance(node, ast.Constant):
        v = node.value
        if isinstance(v, (str, bytes)):
            return "string", {}, col, snippet
        if isinstance(v, bool) or v is None or v is Ellipsis:
            return "constant", {"value": repr(v)}, col, snippet
        if isinstance(v, complex):
            return "complex", {}, col, snippet
    if isinstance(node, (ast.BinOp, ast.UnaryOp)) and type(node.op) in _OP_SYMBOLS:
        return "operator", {"op": _OP_SYMBOLS[type(node.op)]}, col, snippet
    if isinstance(node, ast.BoolOp):
        return "boolean", {"op": "and" if isinstance(node.op, ast.And) else "or"}, col, snippet
    names = {
        ast.Subscript: "subscript", ast.Lambda: "lambda", ast.ListComp: "comprehension",
        ast.SetComp: "comprehension", ast.DictComp: "comprehension",
        ast.GeneratorExp: "comprehension", ast.Compare: "comparison",
        ast.IfExp: "conditional", ast.NamedExpr: "walrus",
        ast.JoinedStr: "fstring", ast.FormattedValue: "fstring", ast.Starred: "starred",
        ast.List: "list", ast.Tuple: "tuple", ast.Set: "set", ast.Dict: "dict",
        ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield", ast.Slice: "slice",
    }
    code = names.get(type(node), "expression")
    return code, ({"name": type(node).__name__} if code == "expression" else {}), col, snippet


def _validate(expr: ast.expr, text: str) -> None:
    """Whitelist check; reports the leftmost problem, like a compiler would."""
    # (rank, column, code, snippet, values); rank 1 marks follow-on problems (wrong arity,
    # calling a non-name) that only matter if nothing more specific was found.
    problems: list[tuple[int, float, str, str | None, dict]] = []

    def refuse(code: str, col: int | None, snippet: str | None, rank: int = 0, **args) -> None:
        problems.append((rank, math.inf if col is None else col, code, snippet, args))

    stack: list[ast.AST] = [expr]
    while stack:
        node = stack.pop()
        col = getattr(node, "col_offset", None)
        if isinstance(node, ast.Name):
            if node.id in FUNCTIONS:
                refuse("is_function", col, node.id, name=node.id)
            elif node.id not in VARIABLES and node.id not in CONSTANTS:
                refuse("name", col, node.id, name=node.id)
            continue
        if isinstance(node, ast.Constant):
            value = _number(node)
            if value is None:
                code, args, c, s = _describe(node, text)
                refuse(code, c, s, **args)
            elif not math.isfinite(value) or abs(value) > MAX_LITERAL:
                refuse("literal", col, _segment(text, node), max=MAX_LITERAL)
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            stack += [node.right, node.left]
            continue
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            p = _exponent(node.right)
            if p is None or not math.isfinite(p) or abs(p) > MAX_EXPONENT:
                refuse("exponent", node.right.col_offset, _segment(text, node.right), max=MAX_EXPONENT)
            stack += [node.right, node.left]
            continue
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            stack.append(node.operand)
            continue
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name):
                fn = FUNCTIONS.get(func.id)
                if fn is None:
                    refuse("unknown_function", func.col_offset, func.id, name=func.id)
                else:
                    n = len(node.args)
                    if n < fn.min_args or (fn.max_args is not None and n > fn.max_args):
                        refuse("arity_exact" if fn.max_args == fn.min_args else "arity_min", col,
                               _segment(text, node), rank=1, name=fn.name, n=fn.min_args, got=n)
            else:
                # Check the callee like any expression: '.system', lambda, ... get named.
                # If it is otherwise harmless, e.g. '(x+1)(2)', calling it is still refused.
                stack.append(func)
                refuse("call_expression", col, _segment(text, node), rank=1)
            for kw in node.keywords:
                label = f"'{kw.arg}='" if kw.arg else "'**'"
                refuse("keyword", kw.col_offset, _segment(text, kw), label=label)
            stack += reversed(node.args)
            stack += reversed([kw.value for kw in node.keywords])
            continue
        code, args, c, s = _describe(node, text)
        # Bare containers like '()' are usually just the base of the real problem
        # ('().__class__'), so they rank after it.
        refuse(code, c, s, rank=int(isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict))), **args)
        # Keep looking inside so the leftmost problem wins (e.g. '().__class__.__bases__').
        stack += _expr_children(node)

    if problems:
        _, col, code, snippet, args = min(problems, key=lambda p: (p[0], p[1]))
        raise FormulaError.of(code, None if col == math.inf else int(col), snippet, **args)


def _expr_children(node: ast.AST) -> list[ast.expr]:
    """Sub-expressions of ``node``, looking through wrappers such as lambda arguments."""
    found, todo = [], list(ast.iter_child_nodes(node))
    while todo:
        child = todo.pop()
        if isinstance(child, ast.expr):
            found.append(child)
        elif not isinstance(child, _NOT_COUNTED):
            todo += ast.iter_child_nodes(child)
    return found


# ------------------------------------------------------------------------- building
def _build(node: ast.AST) -> _Node:
    """Validated AST -> closure tree (recursion is fine: depth <= MAX_DEPTH)."""
    if isinstance(node, ast.Name):
        if node.id == "x":
            return lambda x, y, t: x
        if node.id == "y":
            return lambda x, y, t: y
        return _constant(CONSTANTS[node.id])
    if isinstance(node, ast.Constant):
        return _constant(float(node.value))
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand)
        if isinstance(node.op, ast.USub):
            return lambda x, y, t: torch.neg(operand(x, y, t))
        return operand
    if isinstance(node, ast.BinOp):
        left = _build(node.left)
        if isinstance(node.op, ast.Pow):
            p = _exponent(node.right)
            # Integer exponents stay ints so (-2)**3 = -8 rather than NaN.
            p = int(p) if float(p).is_integer() else float(p)
            return lambda x, y, t: torch.pow(left(x, y, t), p)
        op = _BINOPS[type(node.op)]
        right = _build(node.right)
        return lambda x, y, t: op(left(x, y, t), right(x, y, t))
    if isinstance(node, ast.Call):
        fn = FUNCTIONS[node.func.id].op
        args = [_build(a) for a in node.args]
        return lambda x, y, t: fn(*(a(x, y, t) for a in args))
    raise FormulaError.of("internal", name=type(node).__name__)  # pragma: no cover


def _constant(value: float) -> _Node:
    # Created per call in the input's dtype/device, so float32 stays float32.
    return lambda x, y, t: torch.tensor(value, dtype=t.dtype, device=t.device)


def _uses_variables(expr: ast.expr) -> bool:
    return any(isinstance(n, ast.Name) and n.id in VARIABLES for n in ast.walk(expr))


def compile_formula(text: str) -> Callable[[Tensor], Tensor]:
    """Compile a formula in x, y into ``f(points (n, 2)) -> energies (n,)``.

    Raises ``FormulaError`` for anything outside the whitelist.  The result keeps the
    input's dtype, is differentiable by autograd, and lets NaN/inf arise naturally
    (e.g. ``log(x)`` for x < 0); callers check for non-finite values.
    """
    if not isinstance(text, str):
        raise FormulaError.of("not_string")
    text = _normalise_whitespace(text)
    _precheck(text)
    expr = _parse(text)
    _check_size(expr, text)
    _validate(expr, text)
    body = _build(expr)
    constant_only = not _uses_variables(expr)
    core = expr
    while isinstance(core, ast.UnaryOp) and isinstance(core.op, ast.UAdd):
        core = core.operand
    bare_variable = isinstance(core, ast.Name) and core.id in VARIABLES

    def energy(points: Tensor) -> Tensor:
        if points.ndim != 2 or points.shape[-1] != 2:
            raise ValueError(f"expected points of shape (n, 2), got {tuple(points.shape)}")
        x, y = points[:, 0], points[:, 1]
        out = body(x, y, x)
        if bare_variable:
            out = out.clone()  # never hand out a view of the caller's points
        elif constant_only:
            # Broadcast to (n,) and stay attached to the graph (zero gradient), so
            # autograd.grad on the input works for a flat energy too.
            out = out + 0.0 * x
        return out

    energy.__doc__ = f"E(x, y) = {text.strip()}"
    return energy


def custom_energy(text: str, box: Box = (-4.0, 4.0, -4.0, 4.0)) -> Energy2D:
    """A user formula as an ``Energy2D`` named ``"custom"`` (raises ``FormulaError``)."""
    return Energy2D("custom", compile_formula(text), tuple(float(b) for b in box),
                    text.strip())
