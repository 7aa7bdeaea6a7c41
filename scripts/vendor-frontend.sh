#!/usr/bin/env bash
# Fetch the vendored front-end files from the npm registry (no CDN at run time).
# Run from the repository root; commit what it writes. Versions are pinned here.
set -euo pipefail
UTRECHT=@utrecht/component-library-css@9.0.4
THEME=@nl-design-system-unstable/voorbeeld-design-tokens@7.4.1
NOTO_SANS=@fontsource/noto-sans@5.3.0
NOTO_SERIF=@fontsource/noto-serif@5.3.0
AXE=axe-core@4.14.1
# The PDF's fallbacks, so no character of a comment prints as an empty box (PDF/UA 7.21.8).
NOTO_EMOJI=@fontsource/noto-emoji@5.3.2
NOTO_ARABIC=@fontsource/noto-sans-arabic@5.3.0
NOTO_HEBREW=@fontsource/noto-sans-hebrew@5.3.0
DEJAVU=@fontsource/dejavu-sans@5.3.0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$UTRECHT" "$THEME" "$NOTO_SANS" "$NOTO_SERIF" "$AXE" \
  "$NOTO_EMOJI" "$NOTO_ARABIC" "$NOTO_HEBREW" "$DEJAVU" >/dev/null)
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
pkg() { echo "$work"/$1-[0-9]*/package; }  # the version after the name: noto-sans, not noto-sans-arabic

cp "$(pkg utrecht-component-library-css)"/dist/index.css static/vendor/nlds/utrecht-component-library.css
cp "$(pkg nl-design-system-unstable-voorbeeld-design-tokens)"/dist/theme.css static/vendor/nlds/voorbeeld-theme.css
cp "$(pkg utrecht-component-library-css)"/LICENSE.md static/vendor/nlds/LICENSE-EUPL-1.2.md
for weight in 400 700; do
  cp "$(pkg fontsource-noto-sans)"/files/noto-sans-latin-$weight-normal.woff2 static/vendor/fonts/
  cp "$(pkg fontsource-noto-serif)"/files/noto-serif-latin-$weight-normal.woff2 static/vendor/fonts/
done
cp "$(pkg fontsource-noto-sans)"/LICENSE static/vendor/fonts/LICENSE-OFL-1.1.txt
# The PDF-only fonts as TTF: WeasyPrint would unpack WOFF2 on every render.
ttf() { .venv/bin/python -c 'import sys; from fontTools.ttLib import woff2; woff2.decompress(sys.argv[1], sys.argv[2])' "$1" "static/vendor/fonts/$(basename "${1%.woff2}").ttf"; }
for weight in 400 700; do
  ttf "$(pkg fontsource-noto-sans)"/files/noto-sans-latin-ext-$weight-normal.woff2
  ttf "$(pkg fontsource-noto-sans-arabic)"/files/noto-sans-arabic-arabic-$weight-normal.woff2
  ttf "$(pkg fontsource-noto-sans-hebrew)"/files/noto-sans-hebrew-hebrew-$weight-normal.woff2
done
ttf "$(pkg fontsource-noto-emoji)"/files/noto-emoji-emoji-400-normal.woff2
ttf "$(pkg fontsource-dejavu-sans)"/files/dejavu-sans-latin-400-normal.woff2
cp "$(pkg fontsource-noto-emoji)"/LICENSE static/vendor/fonts/LICENSE-OFL-1.1-noto-emoji.txt
cp "$(pkg fontsource-noto-sans-arabic)"/LICENSE static/vendor/fonts/LICENSE-OFL-1.1-noto-sans-arabic.txt
cp "$(pkg fontsource-noto-sans-hebrew)"/LICENSE static/vendor/fonts/LICENSE-OFL-1.1-noto-sans-hebrew.txt
cp "$(pkg fontsource-dejavu-sans)"/LICENSE static/vendor/fonts/LICENSE-DejaVu.txt
cp "$(pkg axe-core)"/axe.min.js tests/browser/vendor/axe.min.js
cp "$(pkg axe-core)"/LICENSE tests/browser/vendor/LICENSE-axe-core-MPL-2.0.txt
echo "vendored: $UTRECHT $THEME $NOTO_SANS $NOTO_SERIF $AXE $NOTO_EMOJI $NOTO_ARABIC $NOTO_HEBREW $DEJAVU"
