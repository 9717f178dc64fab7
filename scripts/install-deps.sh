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
libldap-dev slapd ldap-utils
libsodium-dev liboath-dev libjansson-dev oathtool libgnutls28-dev
libcmocka-dev
gnutls-bin libnss3-tools
curl nginx
wrk time
faketime util-linux
libcurl4-openssl-dev python3-aiosmtpd
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
# Packaged servers (nginx) must not start their default sites on every
# interface: tests start their own, bound to 127.0.0.1, and stop them.
guard=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
	$SUDO chmod 755 /usr/sbin/policy-rc.d
	guard=/usr/sbin/policy-rc.d
fi
status=0
$SUDO apt-get update -q &&
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
    -o DPkg::Lock::Timeout=600 \
    --no-install-recommends $missing || status=$?
[ -z "$guard" ] || $SUDO rm -f "$guard"
exit $status
