"""The house's walls, as import-linter checks them (pyproject.toml, [tool.importlinter]).

The first test runs `lint-imports` on the checkout, as CI and the pre-commit hook do. The second
shows that the contracts really bite: on a copy of the package whose core gains a module that
imports Flask and the models, both contracts are reported broken.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    """lint-imports with the pyproject.toml in cwd, on the selfcheck package in cwd."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_core_keeps_its_contracts():
    out = lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "2 kept, 0 broken" in out.stdout


def test_a_core_module_importing_flask_or_the_models_breaks_the_contracts(tmp_path):
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "selfcheck", tmp_path / "selfcheck", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "selfcheck" / "core" / "leak.py").write_text(
        '"""A core module that reaches out of the core."""\nimport flask\n\nimport selfcheck.models\n'
    )

    out = lint_imports(tmp_path)

    assert out.returncode == 1, out.stdout + out.stderr
    assert "0 kept, 2 broken" in out.stdout
    assert "selfcheck.core.leak -> flask" in out.stdout
    assert "selfcheck.core.leak -> selfcheck.models" in out.stdout
