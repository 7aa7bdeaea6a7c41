"""The PDFs stay PDF/UA-1 (ISO 14289-1), checked on real renders through the app with pikepdf.

veraPDF is not part of the test run; these tests check the rules the report broke before: heading
levels (7.4.2-1), text drawn with the .notdef glyph (7.21.8-1), the running header tagged as real
text, and the figure's caption beside its figure, plus the identification every PDF/UA file needs.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pikepdf
import pytest

from selfcheck.reports.pdf import PdfRenderer
from tests.answers import like

ROOT = Path(__file__).resolve().parent.parent

# User text the bundled Latin fonts lack: emoji with a skin tone and a flag, right-to-left Arabic and
# Hebrew, a combining accent, Polish and Turkish letters, symbols, and CJK (no bundled font: U+FFFD).
COMMENTS = (
    "Goed 👍🏽 overleg met de wijkteams 🇳🇱",
    "مرحبا بالعالم — overleg met de moskee",
    "שלום: afspraak met de joodse gemeenschap",
    "Cafe\u0301 e\u0301n q\u0301: gecombineerde accenten",
    "Łódź, Gdańsk, İstanbul, Ağrı: partnersteden ✓ → ★ ∞",
    "中文 toelichting",
)
RUNNING_HEADERS = {
    "rapport": "KOPP/KOV Beleidscheck · Breda · 2025",
    "inkoop": "Eisen voor inkoop en subsidie · Breda · 2025",
}


# --- reading a PDF back ---------------------------------------------------------------------------


def _cmap(stream: pikepdf.Stream) -> dict[int, str]:
    """A ToUnicode CMap: character code -> text (bfchar and bfrange entries)."""
    text = stream.read_bytes().decode("latin-1")
    codes: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            codes[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, uni in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(uni, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                codes[code] = chr(first + offset)
    return codes


def _cids(stream: pikepdf.Stream) -> dict[int, int]:
    """An embedded CMap encoding: two-byte character code -> CID (cidchar and cidrange entries)."""
    text = stream.read_bytes().decode("latin-1")
    codes: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        for code, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*(\d+)", block):
            codes[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for start, end, cid in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(\d+)", block):
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                codes[code] = int(cid) + offset
    return codes


@dataclass
class Font:
    name: str
    to_cid: dict[int, int] | None  # embedded CMap; None: Identity-H
    to_gid: bytes | None  # CIDToGIDMap stream; None: Identity
    to_text: dict[int, str]

    @staticmethod
    def codes(data: bytes) -> list[int]:
        return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data) - 1, 2)]

    def gids(self, data: bytes) -> list[int]:
        # WeasyPrint maps a glyph the font lacks to CID 0 through such an embedded CMap
        cids = [self.to_cid.get(code, 0) if self.to_cid is not None else code for code in self.codes(data)]
        if self.to_gid is None:
            return cids
        return [int.from_bytes(self.to_gid[2 * cid : 2 * cid + 2], "big") for cid in cids]

    def text(self, data: bytes) -> str:
        return "".join(self.to_text.get(code, "") for code in self.codes(data))


def _font(font: pikepdf.Dictionary) -> Font:
    name = str(font.BaseFont).lstrip("/")
    # WeasyPrint writes every font as a Type0 font with two-byte codes, Identity-H or an embedded CMap;
    # anything else would need its own reading here, so it fails rather than going unchecked.
    encoding = font.get("/Encoding")
    assert font.Subtype == "/Type0", f"{name}: unexpected font type"
    assert encoding == "/Identity-H" or isinstance(encoding, pikepdf.Stream), f"{name}: unexpected encoding"
    descendant = font.DescendantFonts[0]
    assert "/FontFile2" in descendant.FontDescriptor or "/FontFile3" in descendant.FontDescriptor, (
        f"{name} is not embedded"
    )
    mapping = descendant.get("/CIDToGIDMap")
    return Font(
        name,
        _cids(encoding) if isinstance(encoding, pikepdf.Stream) else None,
        mapping.read_bytes() if isinstance(mapping, pikepdf.Stream) else None,
        _cmap(font.ToUnicode) if "/ToUnicode" in font else {},
    )


@dataclass
class Shown:
    """A string of glyphs shown by Tj/TJ/'/\" in a content stream."""

    page: int
    mcid: int | None  # of the innermost marked-content sequence with an MCID
    artifact: bool
    font: Font
    gids: list[int]
    text: str


@dataclass
class _State:
    page: int
    marks: list = field(default_factory=list)  # (mcid or None, artifact)
    font: Font | None = None


def shown_text(pdf: pikepdf.Pdf) -> Iterator[Shown]:
    """Every glyph string the pages draw, Form XObjects (SVG images, margin boxes) included."""
    fonts: dict[tuple, Font] = {}

    def walk(stream, resources, state: _State):
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            if op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = (
                    int(properties.MCID)
                    if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties
                    else None
                )
                state.marks.append((mcid, str(operands[0]) == "/Artifact"))
            elif op == "EMC":
                state.marks.pop()
            elif op == "Tf":
                font = resources.Font[operands[0]]
                key = font.objgen if font.is_indirect else (id(font),)
                state.font = fonts.setdefault(key, _font(font))
            elif op in ("Tj", "'", '"', "TJ"):
                strings = operands[0] if op == "TJ" else [operands[-1]]
                data = b"".join(bytes(s) for s in strings if isinstance(s, pikepdf.String))
                mcid = next((m for m, _a in reversed(state.marks) if m is not None), None)
                yield Shown(
                    state.page,
                    mcid,
                    any(a for _m, a in state.marks),
                    state.font,
                    state.font.gids(data),
                    state.font.text(data),
                )
            elif op == "Do":
                xobject = resources.XObject[operands[0]]
                if xobject.Subtype == "/Form":
                    yield from walk(xobject, xobject.get("/Resources", resources), state)

    for number, page in enumerate(pdf.pages):
        yield from walk(page.obj, page.Resources, _State(number))


def structure(pdf: pikepdf.Pdf) -> Iterator[tuple[pikepdf.Dictionary, int]]:
    """The structure elements in reading order, with their depth."""

    def walk(element, depth):
        yield element, depth
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") != "/MCR" and "/S" in kid:
                yield from walk(kid, depth + 1)

    for top in (
        pdf.Root.StructTreeRoot.K
        if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array)
        else [pdf.Root.StructTreeRoot.K]
    ):
        yield from walk(top, 0)


def _mcids(element: pikepdf.Dictionary, page: int | None = None) -> Iterator[tuple[int, int]]:
    """(page, mcid) of every marked-content sequence in an element's subtree."""
    if "/Pg" in element:
        page = element.Pg.objgen
    kids = element.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, int):
            yield page, kid
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            yield kid.Pg.objgen if "/Pg" in kid else page, int(kid.MCID)
        elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield from _mcids(kid, page)


def tagged_text(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """(structure type, text) of every paragraph and heading, in reading order."""
    pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
    text: dict[tuple[int, int], str] = {}
    for shown in shown_text(pdf):
        if shown.mcid is not None:
            text[shown.page, shown.mcid] = text.get((shown.page, shown.mcid), "") + shown.text
    result = []
    for element, _depth in structure(pdf):
        kind = str(element.S)
        if kind == "/P" or re.fullmatch(r"/H[1-6]", kind):
            words = "".join(text.get((pages.get(page), mcid), "") for page, mcid in _mcids(element))
            result.append((kind, " ".join(words.split())))
    return result


def heading_skips(levels: list[int]) -> list[str]:
    """Where heading levels skip (veraPDF's PDF/UA-1 rule 7.4.2-1): the first is H1, none goes down more
    than one level."""
    skips, previous = [], 0
    for level in levels:
        if level > previous + 1:
            skips.append(f"H{previous} -> H{level}" if previous else f"starts at H{level}")
        previous = level
    return skips


def headings(pdf: pikepdf.Pdf) -> list[int]:
    return [int(str(e.S)[2]) for e, _d in structure(pdf) if re.fullmatch(r"/H[1-6]", str(e.S))]


# --- the PDFs -------------------------------------------------------------------------------------

_rendered: dict[str, bytes] = {}


@pytest.fixture
def rendered(browser, make_gemeente, make_user, make_assessment, questionnaire):
    """The report and the standalone annex of a draft check whose comments hold text the Latin fonts
    lack. Rendered once for the module: a render takes a second or two and the bytes do not change."""
    if not _rendered:
        gemeente = make_gemeente("GM0758", "Breda")
        user = make_user("beleidsmedewerker", gemeente)
        answers = {
            q.id: (like(q, ("nee", "deels", "weet_niet")[i % 3]), COMMENTS[i] if i < len(COMMENTS) else "")
            for i, q in enumerate(questionnaire.questions)
        }
        assessment = make_assessment(gemeente, user, year=2025, answers=answers)
        browser.login(user.email)
        for kind in ("rapport", "inkoop"):
            response = browser.get(f"/checks/{assessment.id}/{kind}.pdf")
            assert response.status_code == 200
            _rendered[kind] = response.data
    return _rendered


def _open(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(BytesIO(pdf))


@pytest.mark.parametrize(
    ("levels", "skips"),
    [
        ([1, 2, 3, 2, 3, 3, 1, 2], []),
        ([1, 3], ["H1 -> H3"]),
        ([2, 3], ["starts at H2"]),
        ([1, 2, 4, 2], ["H2 -> H4"]),
        ([], []),
    ],
)
def test_heading_skips(levels, skips):
    assert heading_skips(levels) == skips


@pytest.mark.parametrize("kind", ["rapport", "inkoop"])
def test_identified_as_pdf_ua_in_dutch_with_a_title(rendered, kind):
    with _open(rendered[kind]) as pdf:
        assert str(pdf.Root.Lang) == "nl"
        assert bool(pdf.Root.MarkInfo.Marked) and "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfuaid:part") == "1"
            title = xmp.get("dc:title")
        assert "Breda 2025" in title and title.endswith("(concept)")
        assert str(pdf.docinfo.Title) == title


@pytest.mark.parametrize("kind", ["rapport", "inkoop"])
def test_heading_levels_never_skip(rendered, kind):
    with _open(rendered[kind]) as pdf:
        levels = headings(pdf)
    assert levels[0] == 1 and 2 in levels and 3 in levels
    assert heading_skips(levels) == []


@pytest.mark.parametrize("kind", ["rapport", "inkoop"])
def test_no_glyph_is_notdef_and_no_system_font(rendered, kind):
    with _open(rendered[kind]) as pdf:
        shown = list(shown_text(pdf))
        fonts = {s.font.name for s in shown}
        # Only the bundled fonts (static/report/report.css names them all "Rapport ..."); the fallbacks
        # really carry text, so the comments did reach the emoji and right-to-left fonts.
        assert all(re.fullmatch(r"[A-Z]{6}\+Rapport-[A-Za-z-]+", name) for name in fonts), fonts
        notdef = [(s.page + 1, s.font.name, s.text) for s in shown if 0 in s.gids]
    assert notdef == []
    if kind == "rapport":
        for family in ("Sans-Ext", "Arabic", "Hebrew", "Emoji", "Fallback"):
            assert any(f"+Rapport-{family}" in name for name in fonts), family


def test_comments_keep_their_text(rendered):
    text = subprocess.run(["pdftotext", "-", "-"], input=rendered["rapport"], capture_output=True, check=True)
    flat = " ".join(text.stdout.decode().split())
    assert "Goed 👍🏽 overleg met de wijkteams" in flat
    assert "Łódź, Gdańsk, İstanbul, Ağrı: partnersteden ✓ → ★ ∞" in flat
    assert "\ufffd\ufffd toelichting" in flat  # no bundled CJK font: a visible replacement, nothing dropped
    # poppler splits joined Arabic letters with spaces and may give right-to-left text in visual order
    compact = "".join(flat.split())
    for words in ("مرحبا بالعالم", "שלום"):
        letters = "".join(words.split())
        assert letters in compact or letters[::-1] in compact


@pytest.mark.parametrize("kind", ["rapport", "inkoop"])
def test_running_header_is_not_tagged_text(rendered, kind):
    with _open(rendered[kind]) as pdf:
        tagged = tagged_text(pdf)
        shown = list(shown_text(pdf))
    header = RUNNING_HEADERS[kind]
    assert tagged[0][0] in ("/H1", "/P") and tagged[0][1] != header
    assert all(text != header and text.upper() != "CONCEPT" for _kind, text in tagged)
    # ... but it is printed in the page margins from page 2 on, with the draft's stamp
    margins = {(s.page, " ".join(s.text.split())) for s in shown}
    assert (1, header) in margins and (1, "CONCEPT") in margins


def test_figure_caption_follows_its_figure(rendered):
    with _open(rendered["rapport"]) as pdf:
        parents = [e for e, _d in structure(pdf) if any(str(k.get("/S")) == "/Figure" for k in _kids(e))]
        assert len(parents) == 1
        kinds = [str(k.S) for k in _kids(parents[0])]
        figure = next(k for k in _kids(parents[0]) if str(k.S) == "/Figure")
        assert str(figure.Alt).startswith("Radardiagram van de scores per domein")
    # PDF 1.7 readers stop at a Figure's Alt, so a Caption inside the Figure would go unread: the
    # caption comes right after the figure, in the same group.
    assert kinds == ["/Figure", "/Caption"]


def _kids(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    return [
        k
        for k in (kids if isinstance(kids, pikepdf.Array) else [kids])
        if isinstance(k, pikepdf.Dictionary) and "/S" in k
    ]


def test_characters_without_a_bundled_glyph_become_visible_replacements():
    renderer = PdfRenderer(ROOT / "static")
    html = "<p title='中'>Goed 👍🏽 👨\u200d👩\u200d👧 \u200fשלום\u200e 中文 e\u0301 ❤\ufe0f \u00ad</p>"
    assert renderer.without_missing_glyphs(html) == html.replace("中", "\ufffd").replace("文", "\ufffd")
    assert renderer.without_missing_glyphs("Gewoon Nederlands: ‘één’ – €5 · ±") == "Gewoon Nederlands: ‘één’ – €5 · ±"
