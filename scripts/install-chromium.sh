#!/usr/bin/env bash
# Install Debian's headless-capable Chromium and its WebDriver for the browser tests (pytest -m browser).
#
# Idempotent: does nothing when /usr/bin/chromium and /usr/bin/chromedriver are already there.
# Runs apt-get directly as root, through sudo otherwise.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

if [[ -x "$CHROMIUM" && -x "$CHROMEDRIVER" ]]; then
    echo "chromium and chromedriver already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "install-chromium.sh: not root and sudo is not available; run it as root" >&2
    exit 1
fi

# A stale package index makes apt-get install fail on moved mirror files: refresh it first.
"${SUDO[@]}" apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium chromium-driver

"$CHROMIUM" --version
"$CHROMEDRIVER" --version
