"""The shape of the house, checked by walking the imports with ``ast``.

- ``ebm_core`` (the engine) never imports Streamlit or ``ui``; ``ui`` never imports ``app_pages``;
- no module imports a private name (``_x``) from another project module;
- no import cycle among the project's modules (imports inside functions count too: a cycle
  hidden in a function is still a cycle);
- no Python file carries a long program of another language in a string.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("ebm_core", "ui")
#: The longest string (not a docstring) a Python file may hold: longer ones are JS, CSS or code
#: of another language and belong in a file of their own.
MAX_STRING_LINES = 60


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files() -> list[Path]:
    files = [ROOT / "app.py", *(ROOT / "app_pages").glob("*.py")]
    for d in (*PACKAGES, "tests", "bench", "deploy"):
        files += sorted((ROOT / d).rglob("*.py"))
    return files


MODULES = {_module_name(p): p for p in _project_files() if p.parts[len(ROOT.parts)] in PACKAGES}


def _imports(path: Path):
    """(imported module, imported names or None) for each import statement, absolute names."""
    tree = ast.parse(path.read_text(), str(path))
    me = _module_name(path)
    pkg = me if path.name == "__init__.py" else me.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield a.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            yield base, [a.name for a in node.names]


def _edges(path: Path) -> set[str]:
    """The project modules this file imports (``from pkg import mod`` counts as pkg.mod)."""
    out = set()
    for mod, names in _imports(path):
        for name in names or [None]:
            sub = f"{mod}.{name}" if name else None
            if sub in MODULES:
                out.add(sub)
            elif mod in MODULES:
                out.add(mod)
    return out


def test_the_engine_never_imports_streamlit_or_ui():
    bad = [(m, imp) for m, p in MODULES.items() if m.startswith("ebm_core")
           for imp, _ in _imports(p) if imp.split(".")[0] in ("streamlit", "ui", "app_pages")]
    assert not bad, bad


def test_ui_never_imports_a_page():
    bad = [(m, imp) for m, p in MODULES.items() if m.startswith("ui")
           for imp, _ in _imports(p) if imp.split(".")[0] == "app_pages"]
    assert not bad, bad


def test_no_private_name_crosses_a_module_line():
    bad = []
    for path in _project_files():
        for mod, names in _imports(path):
            if mod.split(".")[0] not in PACKAGES or mod == _module_name(path):
                continue
            bad += [f"{path.relative_to(ROOT)}: from {mod} import {n}" for n in names or []
                    if n.startswith("_") and not n.startswith("__")]
    assert not bad, bad


def _cycles() -> list[list[str]]:
    graph = {m: _edges(p) for m, p in MODULES.items()}
    cycles, state, stack = [], {}, []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for n in sorted(graph.get(m, ())):
            if state.get(n) == "open":
                cycles.append(stack[stack.index(n):] + [n])
            elif n not in state:
                visit(n)
        stack.pop()
        state[m] = "done"

    for m in sorted(graph):
        if m not in state:
            visit(m)
    return cycles


def test_no_import_cycle():
    assert not _cycles(), _cycles()


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    """The walker itself: two modules importing each other (one inside a function) are a cycle."""
    pkg = tmp_path / "ebm_core"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from ebm_core import b\n")
    (pkg / "b.py").write_text("def f():\n    from ebm_core.a import x\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path)
    modules = {_module_name(p): p for p in pkg.rglob("*.py")}
    monkeypatch.setattr(__import__(__name__), "MODULES", modules)
    assert any(set(c) >= {"ebm_core.a", "ebm_core.b"} for c in _cycles())


def _long_strings(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            if node.value.count("\n") > MAX_STRING_LINES:
                yield node.lineno, node.value.count("\n")
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
            if text.count("\n") > MAX_STRING_LINES:
                yield node.lineno, text.count("\n")


def test_no_program_of_another_language_in_a_python_string():
    bad = [(str(p.relative_to(ROOT)), line, n) for p in _project_files() for line, n in _long_strings(p)]
    assert not bad, f"strings over {MAX_STRING_LINES} lines (move them to their own files): {bad}"
