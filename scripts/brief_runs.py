"""Write tests/brief_runs.txt: a hash of every run of ten words in the domain brief.

The product must say things in its own words: tests/test_content.py checks that no run of ten
consecutive words in questions.yaml, the earlier versions or the templates is one of these. Only
hashes are stored, so the brief's text stays out of the repository. Run again when the brief changes:

    python scripts/brief_runs.py ../shared/domain/brief.md
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

WORD = re.compile(r"[\w/'-]+")  # the same words as the before-stop check
RUN = 10
OUT = Path(__file__).resolve().parent.parent / "tests" / "brief_runs.txt"


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def run_hash(run: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode("utf-8")).hexdigest()[:16]


def runs(tokens: list[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + RUN]) for i in range(len(tokens) - RUN + 1)]


def main(brief: str) -> None:
    hashes = sorted({run_hash(r) for r in runs(words(Path(brief).read_text(encoding="utf-8")))})
    OUT.write_text("\n".join(hashes) + "\n", encoding="utf-8")
    print(f"{len(hashes)} runs of {RUN} words written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/domain/brief.md")
