#!/usr/bin/env bash
# Install headless Chromium + chromedriver from the Debian archive for the
# browser test of allegiance.viz. Idempotent: does nothing when both exist.
# Uses the distro packages (not Selenium Manager) so the driver always matches
# the browser and nothing is fetched at test time.
set -euo pipefail

if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
    echo "install-chromium: /usr/bin/chromium and /usr/bin/chromedriver already present; nothing to do"
    exit 0
fi

if [[ "$(id -u)" -ne 0 ]]; then
    echo "install-chromium: must run as root (apt-get install needs it)" >&2
    exit 1
fi

echo "install-chromium: running apt-get update -qq"
apt-get update -qq
echo "install-chromium: running apt-get install -y -qq --no-install-recommends chromium chromium-driver"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver
echo "install-chromium: installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium) / $(/usr/bin/chromedriver --version 2>/dev/null || echo chromedriver)"
