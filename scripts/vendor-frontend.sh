#!/usr/bin/env bash
# Fetch the vendored front-end files from the npm registry (no CDN at run time).
# Run from the repository root; commit what it writes. Versions are pinned here.
set -euo pipefail
UTRECHT=@utrecht/component-library-css@9.0.4
THEME=@nl-design-system-unstable/voorbeeld-design-tokens@7.4.1
NOTO_SANS=@fontsource/noto-sans@5.3.0
NOTO_SERIF=@fontsource/noto-serif@5.3.0
AXE=axe-core@4.14.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$UTRECHT" "$THEME" "$NOTO_SANS" "$NOTO_SERIF" "$AXE" >/dev/null)
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
pkg() { echo "$work"/$1-*/package; }

cp "$(pkg utrecht-component-library-css)"/dist/index.css static/vendor/nlds/utrecht-component-library.css
cp "$(pkg nl-design-system-unstable-voorbeeld-design-tokens)"/dist/theme.css static/vendor/nlds/voorbeeld-theme.css
cp "$(pkg utrecht-component-library-css)"/LICENSE.md static/vendor/nlds/LICENSE-EUPL-1.2.md
for weight in 400 700; do
  cp "$(pkg fontsource-noto-sans)"/files/noto-sans-latin-$weight-normal.woff2 static/vendor/fonts/
  cp "$(pkg fontsource-noto-serif)"/files/noto-serif-latin-$weight-normal.woff2 static/vendor/fonts/
done
cp "$(pkg fontsource-noto-sans)"/LICENSE static/vendor/fonts/LICENSE-OFL-1.1.txt
cp "$(pkg axe-core)"/axe.min.js tests/browser/vendor/axe.min.js
cp "$(pkg axe-core)"/LICENSE tests/browser/vendor/LICENSE-axe-core-MPL-2.0.txt
echo "vendored: $UTRECHT $THEME $NOTO_SANS $NOTO_SERIF $AXE"
