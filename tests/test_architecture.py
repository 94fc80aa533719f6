"""The layout's rules hold: import-linter checks the contracts in pyproject.toml.

grimp reads every import statement, inside functions too, so a lazy ``from flask import
current_app`` in the core fails here as surely as one at the top of a module.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or "lint-imports"
    result = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_test_module_imports_another() -> None:
    """Shared test code lives in the helper modules (tests/*_helpers.py, browser.py, servers.py, pg.py),
    so running one test file never runs or depends on another's module-level code."""
    import ast

    found = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            found += [f"{path.name}: {name}" for name in names if name.startswith("tests.test_")]
    assert not found, found
