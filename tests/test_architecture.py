"""The house rules that tools check: the import contracts in pyproject.toml (layers from the
command line down to the model, no interface toolkit in the core, no import cycles), ruff's
rules, and the size of modules. They run with the tests so that CI enforces them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LONGEST_MODULE = 450


def tool(name: str) -> str:
    """The console script installed beside this Python (the test extra installs it)."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install '.[test]'")
    return found


def run(command: list[str]) -> subprocess.CompletedProcess:
    """Run a checker on this checkout (not a copy installed in site-packages)."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300)


def test_the_import_contracts_are_kept():
    result = run([tool("lint-imports"), "--no-cache", "--no-logo"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_ruff_finds_nothing():
    result = run([sys.executable, "-m", "ruff", "check", "--no-cache", "tui", "tests", "benchmarks", "tools"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_longer_than_the_house_limit():
    lengths = {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "tui").rglob("*.py")}
    too_long = {path: length for path, length in lengths.items() if length > LONGEST_MODULE}
    assert not too_long, f"modules over {LONGEST_MODULE} lines: {too_long}"


def test_the_app_class_only_keeps_the_lifecycle():
    import ast

    tree = ast.parse((ROOT / "tui" / "app.py").read_text(encoding="utf-8"))
    app_class = next(node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "PostilApp")
    length = app_class.end_lineno - app_class.lineno + 1
    assert length < 250, f"PostilApp is {length} lines: its actions belong to the screen"
