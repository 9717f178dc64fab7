#!/bin/sh
# LDAP publication (requirements "Repository": CRLs and CA certificates in
# a real LDAP directory; CP-2.1, CP-2.3, table 7.1-5's LDAP CRL DP): a real
# slapd on 127.0.0.1, inkan publishing to it, and ldapsearch and curl as
# relying parties that follow the URL written in a subscriber certificate.
#
#   INKAN_BUILD_DIR=build sh tests/publish/test_ldap.sh

# shellcheck source=../relying/lib.sh
. "$(cd "$(dirname "$0")/../relying" && pwd)/lib.sh"

SLAPD=${SLAPD:-/usr/sbin/slapd}
SLAPD_PID=
rp_setup
need ldapsearch base64
SLAPPASSWD=/usr/sbin/slappasswd
[ -x "$SLAPPASSWD" ] || fail "needs slappasswd (scripts/install-deps.sh installs slapd)"
[ -x "$SLAPD" ] || fail "needs slapd (scripts/install-deps.sh installs it)"

ldap_finish() {
	_lrc=$?
	if [ "$_lrc" != 0 ] && [ -f "$TMP/slapd.log" ]; then
		printf '# last lines of slapd.log:\n' >&2
		tail -n 10 "$TMP/slapd.log" | sed 's/^/#   /' >&2
	fi
	rp_kill "$SLAPD_PID"
	SLAPD_PID=
	(exit "$_lrc")
	rp_finish
}
trap ldap_finish EXIT

BIND_DN='cn=inkan,c=JP'
( umask 077 && printf 'directory secret %s\n' "$$" > "$TMP/ldap.pw" )

# slapd_start: a directory holding c=JP, on a free loopback port (LPORT,
# kept across restarts so that the certificates' URLs stay right).
slapd_start() {
	mkdir -p "$TMP/slapd/db"
	cat > "$TMP/slapd/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
pidfile $TMP/slapd/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "c=JP"
rootdn "$BIND_DN"
rootpw $("$SLAPPASSWD" -s "$(head -n 1 "$TMP/ldap.pw")")
directory $TMP/slapd/db
maxsize 268435456
CONF
	_try=0
	while :; do
		_try=$((_try + 1))
		[ -n "${LPORT:-}" ] && [ "$_try" = 1 ] ||
		    LPORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
		"$SLAPD" -d 0 -f "$TMP/slapd/slapd.conf" \
		    -h "ldap://127.0.0.1:$LPORT/" >> "$TMP/slapd.log" 2>&1 &
		SLAPD_PID=$!
		_t=0
		while [ $_t -lt 100 ] && kill -0 "$SLAPD_PID" 2>/dev/null; do
			if ldapsearch -x -H "ldap://127.0.0.1:$LPORT" -b '' -s base \
			    > /dev/null 2>&1; then
				note "slapd (pid $SLAPD_PID) on ldap://127.0.0.1:$LPORT"
				return 0
			fi
			sleep 0.1
			_t=$((_t + 1))
		done
		rp_kill "$SLAPD_PID"
		SLAPD_PID=
		[ $_try -lt 5 ] || fail "slapd did not start: $(tail -n 3 "$TMP/slapd.log")"
	done
}

# ldap_value DN ATTR OUT: the (first) binary value of ATTR of entry DN,
# read anonymously, to OUT (DER); the number of values in NVALUES.
ldap_value() {
	ldapsearch -x -LLL -o ldif-wrap=no -H "ldap://127.0.0.1:$LPORT" \
	    -b "$1" -s base "$2" > "$TMP/ldif" 2> "$TMP/ldif.err" ||
	    fail "ldapsearch $1 $2: $(cat "$TMP/ldif.err")"
	NVALUES=$(grep -c "^$2:: " "$TMP/ldif" || :)
	sed -n "s/^$2:: //p" "$TMP/ldif" | head -n 1 | base64 -d > "$3"
}

slapd_start
CA=$TMP/ca
sed "/^\[ca\]/a\\
ldap_url = ldap://127.0.0.1:$LPORT\\
ldap_bind_dn = $BIND_DN\\
ldap_bind_password_file = $TMP/ldap.pw" "$EXAMPLE_CONF" |
    grep -v '^ldap_url = ldap://127.0.0.1:3890' > "$TMP/inkan.conf"
init_ca "$CA" "$TMP/inkan.conf"
REPO=$CA/repository

# --- explicit publication ------------------------------------------------------
inkan_ok "ldap publish" --dir "$CA" ldap publish
issue_sub alice client '/C=JP/O=Example/CN=Alice'
URL=$(openssl x509 -in "$TMP/alice.pem" -noout -ext crlDistributionPoints |
    sed -n 's/^ *URI:\(ldap:.*\)$/\1/p')
case $URL in
"ldap://127.0.0.1:$LPORT/"*'?certificateRevocationList') ;;
*) fail "no LDAP CRL DP in the subscriber certificate: '$URL'" ;;
esac
DN=$(url_decode "$(printf '%s' "$URL" | sed 's|^ldap://[^/]*/||; s|?.*||')")
note "CRL DP: $URL"
note "entry: $DN"
HTTP_CRL=$(openssl x509 -in "$TMP/alice.pem" -noout -ext crlDistributionPoints |
    sed -n 's|^ *URI:http://[^/]*/\(.*\)$|\1|p')
ldap_value "$DN" 'certificateRevocationList;binary' "$TMP/ldap.crl"
cmp -s "$TMP/ldap.crl" "$CA/$HTTP_CRL" ||
    fail "the LDAP CRL is not the CRL at the HTTP distribution point"
openssl crl -inform DER -in "$TMP/ldap.crl" -CAfile "$TMP/alice-ca.pem" \
    -noout -verify 2> "$TMP/v" || fail "LDAP CRL: $(cat "$TMP/v")"
ok "the certificate's LDAP CRL DP names an entry holding its CA's CRL, byte-identical to the HTTP one, verified by openssl"

ldap_value "$DN" 'cACertificate;binary' "$TMP/cacert.der"
[ "$NVALUES" -ge 2 ] ||
    fail "cACertificate: $NVALUES value(s); the CA key has two cross-certificates"
[ "$(openssl x509 -inform DER -in "$TMP/cacert.der" -noout -subject \
    -nameopt RFC2253)" = "subject=$DN" ] ||
    fail "cACertificate is not a certificate of $DN"
ok "the CA entry holds its $NVALUES cross-certificates as cACertificate;binary"

# A relying party that knows only the URL: curl's own LDAP client.
curl -s --max-time 10 "$URL" > "$TMP/curl.out" || fail "curl $URL failed"
sed -n 's/^[[:space:]]*certificateRevocationList;binary:: //p' \
    "$TMP/curl.out" | base64 -d > "$TMP/curl.crl" 2>/dev/null || :
cmp -s "$TMP/curl.crl" "$TMP/ldap.crl" ||
    fail "curl $URL: not the CRL: $(head -c 300 "$TMP/curl.out")"
ok "curl follows the LDAP URL of the certificate and gets the CRL"

ROOT_DN=$(openssl x509 -in "$REPO/certs/rootca3.cer" -inform DER -noout \
    -subject -nameopt RFC2253 | sed 's/^subject=//')
ldap_value "$ROOT_DN" 'authorityRevocationList;binary' "$TMP/arl.der"
openssl crl -inform DER -in "$TMP/arl.der" -noout -issuer -nameopt RFC2253 |
    grep -qF 'RootCA3' || fail "root entry: no authorityRevocationList"
ok "root entries carry their CRL as authorityRevocationList too"

# --- revocation reaches the directory at once ----------------------------------
SER=$(serial_of "$TMP/alice.pem")
inkan_revoke "$SER" keyCompromise
ldap_value "$DN" 'certificateRevocationList;binary' "$TMP/ldap2.crl"
openssl crl -inform DER -in "$TMP/ldap2.crl" -noout -text |
    grep -q "Serial Number: $SER" ||
    fail "after inkan revoke the LDAP CRL lacks $SER"
ok "inkan revoke puts the new CRL in the directory at once"

# --- the directory down: revocation still succeeds; inkand catches up -----------
rp_kill "$SLAPD_PID"
SLAPD_PID=
issue_sub bob client '/C=JP/O=Example/CN=Bob'
SER2=$(serial_of "$TMP/bob.pem")
inkan_revoke "$SER2" superseded
grep -q 'not yet in the LDAP directory' "$TMP/err" ||
    fail "revoke with slapd down: no warning: $(cat "$TMP/err")"
ok "with slapd down the revocation succeeds and warns"
slapd_start
inkand_start "$CA"
_t=0
while :; do
	ldap_value "$DN" 'certificateRevocationList;binary' "$TMP/ldap3.crl"
	openssl crl -inform DER -in "$TMP/ldap3.crl" -noout -text 2>/dev/null |
	    grep -q "Serial Number: $SER2" && break
	[ $_t -lt 100 ] || fail "inkand did not publish the newer CRL within 10 s"
	sleep 0.1
	_t=$((_t + 1))
done
ok "inkand publishes the CRL the directory missed ($((_t / 10)).$((_t % 10)) s after start)"
inkand_stop

# --- refusals ----------------------------------------------------------------------
cp "$TMP/ldap.pw" "$TMP/ldap.pw.good"
printf 'wrong\n' > "$TMP/ldap.pw"
inkan_refuses "wrong bind password" 1 "bind as $BIND_DN: Invalid credentials" \
    --dir "$CA" ldap publish
cp "$TMP/ldap.pw.good" "$TMP/ldap.pw"
inkan_refuses "unknown CA" 1 "no-such-ca: no such root or issuing CA" \
    --dir "$CA" ldap publish --issuer no-such-ca
inkan_refuses "no subcommand" 2 "expected 'publish'" --dir "$CA" ldap
ok "wrong password, unknown CA and usage errors are refused with clear messages"
