#!/usr/bin/env bash
# Debian packages the test suite needs, installed only when missing:
#   chromium            Playwright drives /usr/bin/chromium (browser tests)
#   gettext             msgfmt/xgettext for compilemessages and makemessages
#   fonts-noto-core     Vietnamese glyphs in the browser (screenshots, layout)
#   fonts-dejavu-core   fallback fonts
#   libreoffice-writer-nogui  `libreoffice --headless --convert-to pdf`: reports' DOCX -> PDF (the product
#                       and the tests; Writer without the GUI: ~50 packages, ~86 MB download, ~264 MB)
#   poppler-utils       pdftotext: the tests read the PDF of a report back
#   kannel              bearerbox and smsbox: the SMS gateway tests run a real Kannel on loopback
#   kannel-extras       /usr/lib/kannel/test/fakesmsc, the fake SMSC those tests talk to
#                       (no Kannel service is started: the tests start and stop their own)
#   postgresql          only when no /usr/lib/postgresql/*/bin/initdb exists; the system
#                       service is never started (tests use a throw-away cluster, scripts/pg.sh)
# As root: apt-get update (once) and apt-get install what is missing.
# Not root: print what to install and exit 1.
set -euo pipefail

packages=(chromium gettext fonts-noto-core fonts-dejavu-core libreoffice-writer-nogui poppler-utils kannel kannel-extras)

installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

have_pg_binaries() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-deps: this is not a Debian-like system (no dpkg-query)." >&2
    echo "system-deps: install by hand: Chromium, gettext, Noto and DejaVu fonts, LibreOffice Writer, poppler-utils, Kannel (with fakesmsc), PostgreSQL server binaries." >&2
    exit 1
fi

missing=()
for pkg in "${packages[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
have_pg_binaries || missing+=(postgresql)

if [ ${#missing[@]} -eq 0 ]; then
    echo "system-deps: all present (${packages[*]}, PostgreSQL binaries)"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "system-deps: missing Debian packages: ${missing[*]}" >&2
    echo "system-deps: install them as root with:" >&2
    echo "    apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive

# Never start services from package scripts (invoke-rc.d and deb-systemd-invoke honour
# policy-rc.d; exit 101 = "action forbidden"). Restore whatever was there before.
policy=/usr/sbin/policy-rc.d
policy_backup=""
if [ -e "$policy" ]; then
    policy_backup=$(mktemp)
    cp -p "$policy" "$policy_backup"
fi
restore_policy() {
    if [ -n "$policy_backup" ]; then
        mv -f "$policy_backup" "$policy"
    else
        rm -f "$policy"
    fi
}
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' >"$policy"
chmod 755 "$policy"

apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"

for pkg in "${packages[@]}"; do
    installed "$pkg" || { echo "system-deps: $pkg is still not installed" >&2; exit 1; }
done
have_pg_binaries || { echo "system-deps: no /usr/lib/postgresql/*/bin/initdb after installing postgresql" >&2; exit 1; }
echo "system-deps: done"
