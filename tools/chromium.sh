#!/usr/bin/env bash
# Debian's headless Chromium and a CJK font for the console's browser tests (tests/e2e/test_console.py).
# Idempotent: nothing to do when /usr/bin/chromium is there. Needs root and apt-get (CI and the dev boxes are
# Debian, as root); elsewhere it says what to install and leaves it to you (the browser test then skips).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "tools/chromium.sh: install Debian's chromium and fonts-wqy-microhei (needs root and apt-get)" >&2
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
