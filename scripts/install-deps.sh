#!/bin/sh
# Installs the Debian 12 packages inkan needs to build, run and test.
# Idempotent: skips apt entirely when every package is already present.
set -eu

PACKAGES="
build-essential cmake pkg-config
libssl-dev openssl
libsqlite3-dev sqlite3
libinih-dev
libmicrohttpd-dev
libcmocka-dev
gnutls-bin libnss3-tools
curl
"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	SUDO="sudo"
fi

echo "install-deps: installing:$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
