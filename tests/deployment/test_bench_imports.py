"""Every name a benchmark imports from NOS Hub exists. The benchmarks import inside their
functions (so one part runs without the others' dependencies); a name removed from the package
(a reverted experiment) then fails only when that part is run, which no other test does."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _imports() -> list[tuple[str, int, str, str]]:
    """(file, line, module, name) of each `from noshub… import name` in bench/*.py, at any depth."""
    out = []
    for path in sorted(BENCH.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "noshub" and not node.level:
                out.extend((path.name, node.lineno, node.module, alias.name) for alias in node.names)
    return out


def test_every_name_a_benchmark_imports_from_noshub_exists():
    imports = _imports()
    assert len(imports) > 50  # the walk finds the imports inside functions too
    missing = []
    for file, line, module, name in imports:
        try:
            imported = importlib.import_module(module)
            if not hasattr(imported, name):  # a submodule imported by name
                importlib.import_module(f"{module}.{name}")
        except ImportError as exc:
            missing.append(f"bench/{file}, line {line}: from {module} import {name} ({exc})")
    assert not missing, "\n".join(missing)
