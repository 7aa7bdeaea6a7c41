import subprocess
import sys
from pathlib import Path

CORE = [
    "selfcheck.core.questionnaire",
    "selfcheck.core.loader",
    "selfcheck.core.scoring",
    "selfcheck.core.advice",
    "selfcheck.core.consensus",
    "selfcheck.core.report",
    "selfcheck.core.chart",
]


def test_core_imports_no_web_database_or_pdf_library():
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "print(sorted(m for m in ('flask', 'sqlalchemy', 'weasyprint', 'wtforms') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent, check=True
    )
    assert out.stdout.strip() == "[]"
