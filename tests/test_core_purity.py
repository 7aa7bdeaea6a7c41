import subprocess
import sys
from pathlib import Path

# every module of the core, so a new one is held to the same rule without anyone adding it here
CORE = sorted(
    f"selfcheck.core.{path.stem}" for path in (Path(__file__).parent.parent / "selfcheck" / "core").glob("[!_]*.py")
)


def test_core_imports_no_web_database_or_pdf_library():
    assert "selfcheck.core.scoring" in CORE and len(CORE) >= 10
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "print(sorted(m for m in ('flask', 'sqlalchemy', 'weasyprint', 'wtforms') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent, check=True
    )
    assert out.stdout.strip() == "[]"
