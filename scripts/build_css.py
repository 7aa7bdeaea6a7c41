"""Build static/css/vendor.min.css: only the NL Design System CSS that the app's pages can use.

Rebuild after changing a template, a script, app CSS or the vendored CSS (tests/test_assets.py fails
while the checked-in file is stale):

    .venv/bin/python scripts/build_css.py            # from the checkout's root
    .venv/bin/python scripts/build_css.py --check    # exit 1 if the checked-in file is stale

Input, in this order: static/vendor/nlds/voorbeeld-theme.css (the theme's custom properties),
static/vendor/nlds/utrecht-component-library.css (the components), static/css/fonts.css (the
bundled fonts, whose url()s get a ?v=<content hash> so they can be cached for good).

What is kept:
- a style rule's selectors whose classes can all occur in the pages: a class counts as used when its
  component family (the block name before `__` or `--`, e.g. `utrecht-alert` for
  `utrecht-alert--warning`) occurs in templates/**, static/js/*.js or selfcheck/**/*.py, so a
  modifier that a template starts using needs no rebuild of the vendored files' choice; a name
  built in Jinja or JS (`utrecht-alert--{{ kind }}`, `"utrecht-alert--" + kind`) keeps every class
  that starts with it (not a bare namespace such as `utrecht-`: name the family in full somewhere). Selectors without classes (elements, :root, attributes) are kept;
- of the custom properties (`--name: value`), only those that a kept declaration, the app's own CSS
  (static/css/*.css, static/report/*.css), a template or a script reads with var(), followed
  through the values that define them;
- @font-face, @keyframes, and @media/@supports/@container blocks that still hold a rule.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import tinycss2
from tinycss2 import ast

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
OUTPUT = STATIC / "css" / "vendor.min.css"
VENDOR_SOURCES = (STATIC / "vendor/nlds/voorbeeld-theme.css", STATIC / "vendor/nlds/utrecht-component-library.css")
FONTS_SOURCE = STATIC / "css" / "fonts.css"
# Where class names are used, and where custom properties are read.
USAGE_GLOBS = ("templates/**/*.html", "templates/**/*.svg", "static/js/*.js", "selfcheck/**/*.py")
APP_CSS_GLOBS = ("static/css/*.css", "static/report/*.css")
HEADER = (
    "/*! Built by scripts/build_css.py from @utrecht/component-library-css and the NL Design System\n"
    " * example theme (EUPL-1.2, static/vendor/nlds/LICENSE-EUPL-1.2.md) and static/css/fonts.css.\n"
    " * Do not edit: change the sources and run .venv/bin/python scripts/build_css.py */\n"
)

# Functional pseudo-classes that match when one of their selectors does.
ANY_OF = {"is", "where", "matches", "-webkit-any", "-moz-any", "has"}
# Ones that never require a class to be present.
IGNORED = {"not"}
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
VAR_READ = re.compile(r"var\(\s*(--[A-Za-z0-9_-]+)")
PROPERTY_NAME = re.compile(r"""["'](--[A-Za-z0-9_-]+)["']""")  # getPropertyValue("--x") in scripts


def family(name: str) -> str:
    """`utrecht-alert__message` and `utrecht-alert--ok` belong to `utrecht-alert`."""
    return name.split("__", 1)[0].split("--", 1)[0]


class Usage:
    """The class names the pages can carry and the custom properties something reads outside the vendor CSS."""

    def __init__(self, texts: Iterable[str], css_texts: Iterable[str]):
        self.words: set[str] = set()
        self.prefixes: set[str] = set()
        self.properties: set[str] = set()
        for text in texts:
            for word in WORD.findall(text):
                if not word.endswith(("-", "_")):
                    self.words.add(word)
                elif "-" in word.strip("-_"):
                    # A name cut short by Jinja/JS (`utrecht-alert--{{`): any class with that start. A bare
                    # namespace (`'utrecht-' ~ kind`) would keep everything: write such families out in full.
                    self.prefixes.add(word)
            self.properties.update(VAR_READ.findall(text), PROPERTY_NAME.findall(text))
        for text in css_texts:
            self.properties.update(VAR_READ.findall(text))
        self.families = {family(word) for word in self.words}

    def has_class(self, name: str) -> bool:
        return name in self.words or family(name) in self.families or any(name.startswith(p) for p in self.prefixes)


def read_usage(root: Path = ROOT) -> Usage:
    texts = [path.read_text(encoding="utf-8") for pattern in USAGE_GLOBS for path in sorted(root.glob(pattern))]
    css = [
        path.read_text(encoding="utf-8")
        for pattern in APP_CSS_GLOBS
        for path in sorted(root.glob(pattern))
        if path != OUTPUT and path != FONTS_SOURCE
    ]
    return Usage(texts, css)


# Selectors -----------------------------------------------------------------------------------


def split_commas(tokens: list) -> list[list]:
    parts: list[list] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            parts.append([])
        else:
            parts[-1].append(token)
    return parts


def selector_can_match(tokens: list, usage: Usage) -> bool:
    """Whether every class the selector requires can be on a page (conservative: keeps when unsure)."""
    for index, token in enumerate(tokens):
        if token.type == "literal" and token.value == "." and index + 1 < len(tokens):
            following = tokens[index + 1]
            if following.type == "ident" and not usage.has_class(following.value):
                return False
        if token.type == "function":
            name = token.lower_name
            if name in IGNORED:
                continue
            if name in ANY_OF and not any(selector_can_match(part, usage) for part in split_commas(token.arguments)):
                return False
    return True


def kept_selectors(prelude: list, usage: Usage) -> list[str]:
    return [
        tinycss2.serialize(part).strip()
        for part in split_commas(prelude)
        if selector_can_match(part, usage)
        if tinycss2.serialize(part).strip()
    ]


# Declarations and custom properties ------------------------------------------------------------


def var_reads(tokens: Iterable) -> Iterator[str]:
    for token in tokens:
        if token.type == "function":
            if token.lower_name == "var":
                for argument in token.arguments:
                    if argument.type == "ident" and argument.value.startswith("--"):
                        yield argument.value
                        break
            yield from var_reads(token.arguments)
        elif token.type in ("() block", "[] block", "{} block"):
            yield from var_reads(token.content)


def compact(tokens: list) -> str:
    """The tokens as CSS, comments dropped and runs of whitespace made one space."""
    pieces = []
    for token in tokens:
        if token.type == "comment":
            continue
        if token.type == "whitespace":
            if pieces and pieces[-1] != " ":
                pieces.append(" ")
            continue
        if token.type == "function":
            pieces.append(f"{tinycss2.serialize([ast.IdentToken(0, 0, token.name)])}({compact(token.arguments)})")
        elif token.type == "() block":
            pieces.append(f"({compact(token.content)})")
        elif token.type == "[] block":
            pieces.append(f"[{compact(token.content)}]")
        else:
            pieces.append(tinycss2.serialize([token]))
    return "".join(pieces).strip()


class Declaration:
    def __init__(self, node):
        self.name = node.name if node.name.startswith("--") else node.lower_name
        self.text = f"{self.name}:{compact(node.value)}{'!important' if node.important else ''}"
        self.reads = set(var_reads(node.value))
        self.custom = self.name.startswith("--")


def declarations(content: list) -> list[Declaration]:
    nodes = tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True)
    return [Declaration(node) for node in nodes if node.type == "declaration"]


# The tree of what is kept ---------------------------------------------------------------------


class StyleRule:
    def __init__(self, selectors: list[str], body: list[Declaration]):
        self.selectors = selectors
        self.body = body

    def render(self, needed: set[str]) -> str:
        kept = [d.text for d in self.body if not d.custom or d.name in needed]
        return f"{','.join(self.selectors)}{{{';'.join(kept)}}}" if kept else ""


class Block:
    """An at-rule with rules inside (@media, @supports, @container)."""

    def __init__(self, head: str, rules: list):
        self.head = head
        self.rules = rules

    def render(self, needed: set[str]) -> str:
        inner = "\n".join(text for rule in self.rules if (text := rule.render(needed)))
        return f"{self.head}{{\n{inner}\n}}" if inner else ""


class Verbatim:
    """@font-face and @keyframes: kept as they are (compacted)."""

    def __init__(self, head: str, body: list[Declaration] | str):
        self.head = head
        self.body = body

    def render(self, needed: set[str]) -> str:
        if isinstance(self.body, str):
            return f"{self.head}{{{self.body}}}"
        return f"{self.head}{{{';'.join(d.text for d in self.body)}}}"


def keep(nodes: list, usage: Usage) -> list:
    kept: list = []
    for node in nodes:
        if node.type == "qualified-rule":
            selectors = kept_selectors(node.prelude, usage)
            if selectors:
                kept.append(StyleRule(selectors, declarations(node.content)))
        elif node.type == "at-rule":
            head = f"@{node.lower_at_keyword} {compact(node.prelude)}".strip()
            if node.lower_at_keyword in ("media", "supports", "container", "layer") and node.content is not None:
                inner = keep(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True), usage)
                if inner:
                    kept.append(Block(head, inner))
            elif node.lower_at_keyword == "font-face":
                kept.append(Verbatim(head, declarations(node.content)))
            elif node.lower_at_keyword == "keyframes":
                frames = tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True)
                body = "".join(
                    f"{compact(f.prelude)}{{{';'.join(d.text for d in declarations(f.content))}}}" for f in frames
                )
                kept.append(Verbatim(head, body))
            # @charset is written once at the top; nothing else occurs in the vendored files.
    return kept


def walk(rules: list) -> Iterator[Declaration]:
    for rule in rules:
        if isinstance(rule, Block):
            yield from walk(rule.rules)
        elif isinstance(rule, StyleRule | Verbatim) and not isinstance(rule.body, str):
            yield from rule.body


def needed_properties(rules: list, usage: Usage) -> set[str]:
    """Custom properties read by kept declarations or the app, and those their values read (a fixed point)."""
    defined: dict[str, set[str]] = {}
    needed = set(usage.properties)
    for declaration in walk(rules):
        if declaration.custom:
            defined.setdefault(declaration.name, set()).update(declaration.reads)
        else:
            needed |= declaration.reads
    todo = list(needed)
    while todo:
        for read in defined.get(todo.pop(), ()):
            if read not in needed:
                needed.add(read)
                todo.append(read)
    return needed


# Fonts ----------------------------------------------------------------------------------------

FONT_URL = re.compile(r"url\(([^)?]+)\)")


def versioned_font_urls(text: str, base: Path) -> str:
    """url(../vendor/fonts/x.woff2) -> url(../vendor/fonts/x.woff2?v=<hash>): the same URL base.html preloads."""

    def add_version(match: re.Match) -> str:
        target = match.group(1).strip("'\"")
        digest = file_version((base / target).resolve())
        return f"url({target}?v={digest})"

    return FONT_URL.sub(add_version, text)


def file_version(path: Path) -> str:
    """The version that selfcheck/app.py puts in static URLs: the first 12 hex digits of the SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def build(root: Path = ROOT) -> str:
    usage = read_usage(root)
    rules: list = []
    for source in VENDOR_SOURCES:
        sheet = tinycss2.parse_stylesheet(source.read_text(encoding="utf-8"), skip_comments=True, skip_whitespace=True)
        rules += keep(sheet, usage)
    fonts_text = versioned_font_urls(FONTS_SOURCE.read_text(encoding="utf-8"), FONTS_SOURCE.parent)
    fonts = tinycss2.parse_stylesheet(fonts_text, skip_comments=True, skip_whitespace=True)
    # fonts.css may set theme properties too (the font stacks): it comes last, so it wins.
    rules += keep(fonts, Usage(["voorbeeld-theme"], []))
    needed = needed_properties(rules, usage)
    body = "\n".join(text for rule in rules if (text := rule.render(needed)))
    return f'@charset "UTF-8";\n{HEADER}{body}\n'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the checked-in file is fresh")
    args = parser.parse_args(argv)
    text = build()
    if args.check:
        fresh = OUTPUT.exists() and OUTPUT.read_text(encoding="utf-8") == text
        print(f"{OUTPUT.relative_to(ROOT)} is {'fresh' if fresh else 'stale: run scripts/build_css.py'}")
        return 0 if fresh else 1
    OUTPUT.write_text(text, encoding="utf-8")
    sizes = " + ".join(f"{source.stat().st_size // 1024} kB" for source in VENDOR_SOURCES)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(text.encode()) // 1024} kB (from {sizes})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
