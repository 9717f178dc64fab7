#!/bin/sh
# test_lra_tls: the LRA API over HTTPS with client certificates (issue 6;
# CP-4.9.3, CP-4.2.1: "the certificate presented by the LRA is verified
# and authenticated for the identity of the LRA"). inkand serves
# /lra/v1 on a TLS listener (libmicrohttpd with GnuTLS) that asks for
# client certificates; curl (OpenSSL) is the LRA:
#
# - no certificate: 401; a certificate inkan never issued, even with the
#   same subject and key as a real one: 401;
# - an inkan certificate not bound to an LRA: 403; binding needs an
#   approved LRA, a client certificate, and binds once;
# - the bound certificate: the LRA's identity and its organisation;
# - revoked with `inkan revoke`: refused at once (403);
# - the plain HTTP listener does not serve /lra/v1.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ra_setup
RA_TLS=1

# lra_get PATH [CURL ARGS...]: over TLS, trusting the listener's
# certificate; CODE and $TMP/b.
lra_get() {
	_p=$1
	shift
	CODE=$(curl -s -S --max-time 20 --cacert "$TMP/tls.pem" -o "$TMP/b" \
	    -D "$TMP/h" -w '%{http_code}' "$@" "$L$_p") || CODE=000
}

FRESH=$(date -u -d '-20 days' +%F)
init_ca "$CA"

# The listener's own certificate is deployment input: here self-signed.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
    -out "$TMP/tls.pem" 2>/dev/null || fail "openssl cannot make tls.pem"

# Two LRAs: one approved, one still pending.
inkan_ok "register acme-lra" --dir "$CA" org add acme-lra \
    --display-name "ACME K.K." --kind lra \
    --evidence "seal-certificate:$FRESH:Minato City Office"
inkan_ok "approve acme-lra" --dir "$CA" org approve acme-lra
inkan_ok "register pending-lra" --dir "$CA" org add pending-lra \
    --display-name "Pending K.K." --kind lra \
    --evidence "seal-certificate:$FRESH:Minato City Office"

# The LRA's client certificate, issued by inkan; a second one left unbound.
make_csr "$TMP/lra" 2048
inkan_ok "issue the LRA certificate" --dir "$CA" --passphrase-file "$PASS" \
    issue --policy client --csr "$TMP/lra.csr" \
    --subject "/C=JP/O=ACME K.K./CN=ACME LRA" --out "$TMP/lra.pem"
make_csr "$TMP/other" 2048
inkan_ok "issue an unbound certificate" --dir "$CA" --passphrase-file "$PASS" \
    issue --policy client --csr "$TMP/other.csr" \
    --subject "/C=JP/O=ACME K.K./CN=Someone" --out "$TMP/other.pem"
# A look-alike: same subject and key as the LRA's, self-signed, not inkan's.
openssl req -x509 -key "$TMP/lra.key" -subj "/C=JP/O=ACME K.K./CN=ACME LRA" \
    -days 2 -out "$TMP/fake.pem" 2>/dev/null || fail "openssl: fake.pem"
# An S/MIME certificate inkan issued is not a client certificate.
inkan_ok "issue an S/MIME certificate" --dir "$CA" --passphrase-file "$PASS" \
    issue --policy smime --csr "$TMP/other.csr" \
    --subject /CN=lra@example.jp --email lra@example.jp --out "$TMP/smime.pem"

# --- binding -------------------------------------------------------------------------

inkan_refuses "bind to a pending LRA" 1 "no approved LRA" --dir "$CA" org \
    bind-cert pending-lra --cert "$TMP/lra.pem"
inkan_refuses "bind a certificate inkan never issued" 1 "not issued by this CA" \
    --dir "$CA" org bind-cert acme-lra --cert "$TMP/fake.pem"
inkan_refuses "bind an S/MIME certificate" 1 "not a client" \
    --dir "$CA" org bind-cert acme-lra --cert "$TMP/smime.pem"
inkan_ok "bind the LRA certificate" --dir "$CA" org bind-cert acme-lra \
    --cert "$TMP/lra.pem"
audited "binding" '"type":"ra\.lra\.cert\.bind".*"outcome":"ok"'
inkan_refuses "bind it twice" 1 "already bound" --dir "$CA" org bind-cert \
    acme-lra --cert "$TMP/lra.pem"

start_inkand

# --- authentication ----------------------------------------------------------------

lra_get /me
expect "no client certificate" 401 certificate_required
lra_get /me --cert "$TMP/fake.pem" --key "$TMP/lra.key"
expect "look-alike certificate, same key" 401 certificate_required
lra_get /me --cert "$TMP/other.pem" --key "$TMP/other.key"
expect "inkan certificate not bound to an LRA" 403 certificate_refused
lra_get /me --cert "$TMP/lra.pem" --key "$TMP/lra.key"
expect "the LRA's certificate" 200
grep -q '"org":"acme-lra"' "$TMP/b" && grep -q '"role":"lra"' "$TMP/b" ||
    fail "/lra/v1/me: $(cat "$TMP/b")"
ok "the certificate signs the LRA in as acme-lra"
lra_get /org --cert "$TMP/lra.pem" --key "$TMP/lra.key"
expect "the LRA reads its organisation" 200
grep -q '"name":"acme-lra".*"status":"approved"\|"status":"approved".*"name":"acme-lra"' \
    "$TMP/b" || fail "/lra/v1/org: $(cat "$TMP/b")"
lra_get /nosuch --cert "$TMP/lra.pem" --key "$TMP/lra.key"
expect "unknown LRA path" 404 not_found
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' "$BASE/lra/v1/me") || CODE=000
[ "$CODE" = 404 ] || fail "plain HTTP serves /lra/v1: $CODE"
ok "the plain HTTP listener does not serve /lra/v1"
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' --max-time 5 \
    "http://127.0.0.1:$TPORT/lra/v1/me") || CODE=000
[ "$CODE" != 200 ] || fail "the LRA listener answered plain HTTP"
ok "the LRA listener speaks TLS only"

# The documented commands (docs/api.md), as written.
curl -sS --cacert tls.pem --cert lra.pem --key lra.key "$L/me" > "$TMP/b"
grep -q '"org":"acme-lra"' "$TMP/b" || fail "documented /me: $(cat "$TMP/b")"
curl -sS --cacert tls.pem --cert lra.pem --key lra.key "$L/org" > "$TMP/b"
grep -q '"policies":\[' "$TMP/b" || fail "documented /org: $(cat "$TMP/b")"
ok "the documented LRA commands run as written"

# --- revocation takes effect at once ---------------------------------------------------

SERIAL=$(openssl x509 -in "$TMP/lra.pem" -noout -serial | cut -d= -f2)
inkan_ok "revoke the LRA certificate" --dir "$CA" --passphrase-file "$PASS" \
    revoke "$SERIAL" --reason keyCompromise
lra_get /me --cert "$TMP/lra.pem" --key "$TMP/lra.key"
expect "the revoked certificate" 403 certificate_refused
grep -q 'certificate revoked' "$TMP/b" || fail "reason: $(cat "$TMP/b")"
audited "LRA refusal" '"type":"ra\.lra\.login".*"outcome":"denied","detail":\{"note":"certificate revoked'
ok "refused LRA sign-ins are audited"

# A clean stop, with nothing for the sanitizers to report (ASan builds).
stop_inkand
sanitizer_check "inkand" "$TMP/inkand.err"
ok "inkand stopped cleanly"
