"""The house's import contract (pyproject.toml [tool.importlinter]) holds, and it would catch a
deliberate violation: a core module that imports the public site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(tree: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


def test_imports_point_down():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_a_core_module_importing_an_app_breaks_the_contract(tmp_path):
    shutil.copytree(ROOT / "noshub", tmp_path / "noshub", ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "noshub" / "core" / "probe.py").write_text("from noshub.web import views  # a layering fault\n")
    (tmp_path / "noshub" / "soc" / "probe.py").write_text("import noshub.cli\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "noshub.core.probe -> noshub.web.views" in result.stdout
    assert "noshub.soc.probe -> noshub.cli" in result.stdout
