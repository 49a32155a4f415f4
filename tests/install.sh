#!/usr/bin/env bash
# Install everything packager's tests need: system packages (Debian), the
# project in a .venv with its test extra, and the Node validators in tests/tools.
#
#   bash tests/install.sh && .venv/bin/python -m pytest
#
# Idempotent: a second run installs nothing new.  Works from any directory.
# As root with apt-get it installs missing Debian packages itself; otherwise it
# names them and exits 1.  Needs only PyPI, Debian's archive and the npm registry.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/tests/tools"
cd "$ROOT"

say() { printf '[install] %s\n' "$*"; }

# --------------------------------------------------------------- system packages
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
# chromium: Ace (puppeteer) and axe (Playwright) drive /usr/bin/chromium.
[ -x /usr/bin/chromium ] || missing+=(chromium)
have_cmd pdfinfo || missing+=(poppler-utils)   # pdfinfo, pdffonts, pdftotext
have_cmd qpdf || missing+=(qpdf)
have_cmd faketime || missing+=(faketime)       # the reproducibility test's "other wall clock"
# WeasyPrint's fast font subsetting; DejaVu is the fallback font of a new machine.
if have_cmd dpkg-query; then
    have_deb libharfbuzz-subset0 || missing+=(libharfbuzz-subset0)
    have_deb fonts-dejavu-core || missing+=(fonts-dejavu-core)
    have_deb fonts-noto-cjk || missing+=(fonts-noto-cjk)   # Chinese, Japanese, Korean: too large to ship
else
    ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset\.so\.0' || missing+=(libharfbuzz-subset0)
    [ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
    [ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing+=(fonts-noto-cjk)
fi
have_cmd java || missing+=(default-jre-headless)   # EPUBCheck, vnu.jar
# Keep a working node/npm whatever its origin; Debian's only when there is none.
have_cmd node || missing+=(nodejs)
have_cmd npm || missing+=(npm)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && have_cmd apt-get; then
        say "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get -o DPkg::Lock::Timeout=600 update -qq
        apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}"
    else
        echo "[install] missing system packages: ${missing[*]}" >&2
        echo "[install] install them first, e.g.:  sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
else
    say "system packages: all present"
fi

# --------------------------------------------------------------- Python: .venv
if [ ! -x .venv/bin/python ]; then
    say "creating .venv"
    python3 -m venv .venv
fi
say "pip install -e '.[test]'"
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

# --------------------------------------------------------------- Node validators
# Ace by DAISY, vnu-jar and axe-core, pinned by tests/tools/package-lock.json.
# The two skip variables stop electron and puppeteer from downloading browsers
# (which fails here); Java must be installed first, or vnu-jar's postinstall
# (where npm runs it) tries to download a JRE.
stamp="$TOOLS/node_modules/.packager-install-stamp"
want="$(cat "$TOOLS/package-lock.json" "$TOOLS/package.json" | sha256sum | cut -d' ' -f1) node-$(node --version)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
    && [ -x "$TOOLS/node_modules/.bin/ace-puppeteer" ] \
    && [ -f "$TOOLS/node_modules/vnu-jar/build/dist/vnu.jar" ] \
    && [ -f "$TOOLS/node_modules/axe-core/axe.min.js" ]; then
    say "tests/tools/node_modules: up to date with package-lock.json"
else
    say "npm ci in tests/tools"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 \
        npm ci --no-audit --no-fund --prefix "$TOOLS"
    printf '%s\n' "$want" >"$stamp"
fi

say "done"
