#!/bin/sh
# test_ra_harden: the RA's transport and anonymous-caller limits against a
# real inkand (issue 6; CP-5.4.1 audit, CP-6.7 network security):
#
# - per client address, failed /ra/v1 logins: after 20 in 10 minutes the
#   address gets 429 with Retry-After, even with the right password,
#   audited once (ra.login.throttle); other addresses log in;
# - POST /ra/v1/validations/confirm and POST /problem-report: at most 10
#   a minute per address, then 429; the audit log gets one throttle
#   record, not one per request (no flooding by an anonymous caller);
# - the RA API and the subscriber page on the HTTPS listener
#   (--lra-listen), to any client and without a client certificate; on
#   the plain listener to loopback clients (127.0.0.0/8: curl from
#   127.0.0.2 is served). A non-loopback client cannot be made on this
#   machine: tests/http/test_ratelimit.c tests that decision.
#
# Clients other than 127.0.0.1 are curl --interface 127.0.0.N (loopback).
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ra_setup
RA_TLS=1

init_ca "$CA"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
    -out "$TMP/tls.pem" 2>/dev/null || fail "openssl cannot make tls.pem"
printf 'auditor password 42\n' > "$TMP/bob.pw"
inkan_ok "add auditor" --dir "$CA" account add bob --role auditor \
    --password-file "$TMP/bob.pw"
GOOD='{"name":"bob","password":"auditor password 42"}'

"$INKAND" --help > "$TMP/help" || fail "inkand --help"
grep -q -- '--ra-plain-http' "$TMP/help" || fail "--ra-plain-http not documented"
start_inkand
T=https://127.0.0.1:$TPORT

# from ADDR METHOD URL [CURL ARGS...]: a request from client address ADDR.
from() {
	_a=$1 _m=$2 _u=$3
	shift 3
	CODE=$(curl -s -S --max-time 20 --interface "$_a" --cacert "$TMP/tls.pem" \
	    -X "$_m" -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' "$@" "$_u") ||
	    CODE=000
}

# count REGEX: audit records matching REGEX.
count() {
	"$INKAN" --dir "$CA" audit show --json > "$TMP/audit.jsonl" ||
	    fail "inkan audit show"
	grep -Ec -- "$1" "$TMP/audit.jsonl" || :
}

# --- the RA on the HTTPS listener ------------------------------------------------

from 127.0.0.1 POST "$T/ra/v1/login" -H 'Content-Type: application/json' --data-binary "$GOOD"
expect "login over HTTPS, no client certificate" 200
TOKEN=$(jfield token)
from 127.0.0.1 GET "$T/ra/v1/me" -H "Authorization: Bearer $TOKEN"
expect "the account over HTTPS" 200
grep -q '"name":"bob"' "$TMP/b" || fail "/ra/v1/me over HTTPS: $(cat "$TMP/b")"
from 127.0.0.1 GET "$T/subscriber/"
[ "$CODE" = 200 ] && grep -q 'action="/subscriber/login"' "$TMP/b" ||
    fail "subscriber page over HTTPS: $CODE"
grep -qi '^set-cookie: inkan_sub_login=' "$TMP/h" || fail "no login token over HTTPS"
from 127.0.0.1 GET "$T/ra/v1/revocations" -H "Authorization: Bearer $TOKEN"
expect "revocation requests over HTTPS" 200
ok "the RA API and the subscriber page are served on the HTTPS listener"
# The plain listener serves them to loopback clients: 127.0.0.2 is one.
from 127.0.0.2 GET "$BASE/ra/v1/me" -H "Authorization: Bearer $TOKEN"
expect "plain HTTP from 127.0.0.2 (loopback)" 200
from 127.0.0.2 GET "$BASE/subscriber/"
[ "$CODE" = 200 ] || fail "subscriber page from 127.0.0.2: $CODE"
ok "plain HTTP: served to loopback clients (all of 127.0.0.0/8)"

# --- failed logins per address ---------------------------------------------------

i=1
while [ $i -le 20 ]; do
	# Other names each time: no account's own lock-out is reached.
	from 127.0.0.2 POST "$BASE/ra/v1/login" -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"guess$i\",\"password\":\"wrong password $i\"}"
	[ "$CODE" = 401 ] || fail "failed login $i from 127.0.0.2: $CODE $(cat "$TMP/b")"
	i=$((i + 1))
done
from 127.0.0.2 POST "$BASE/ra/v1/login" -H 'Content-Type: application/json' --data-binary "$GOOD"
expect "21st login from 127.0.0.2, right password" 429 too_many_failures
RETRY=$(sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\).*/\1/p' "$TMP/h")
[ -n "$RETRY" ] && [ "$RETRY" -ge 1 ] && [ "$RETRY" -le 600 ] ||
    fail "Retry-After '$RETRY'"
from 127.0.0.2 POST "$T/ra/v1/login" -H 'Content-Type: application/json' --data-binary "$GOOD"
expect "from 127.0.0.2 over HTTPS too" 429 too_many_failures
for i in 1 2 3; do
	from 127.0.0.2 POST "$BASE/ra/v1/login" -H 'Content-Type: application/json' --data-binary "$GOOD"
	[ "$CODE" = 429 ] || fail "throttled login $i: $CODE"
done
[ "$(count '"type":"ra\.login\.throttle".*"source":"127\.0\.0\.2".*"outcome":"denied"')" = 1 ] ||
    fail "ra.login.throttle: $(grep 'throttle' "$TMP/audit.jsonl")"
[ "$(count '"type":"ra\.login".*"object":"bob".*"source":"127\.0\.0\.2"|"type":"ra\.login".*"source":"127\.0\.0\.2".*"object":"bob"')" = 0 ] ||
    fail "a throttled login was checked"
ok "20 failed logins from one address: 429 with Retry-After ($RETRY s), one audit record, no password checked"
from 127.0.0.1 POST "$BASE/ra/v1/login" -H 'Content-Type: application/json' --data-binary "$GOOD"
expect "login from 127.0.0.1 meanwhile" 200
from 127.0.0.3 POST "$BASE/ra/v1/login" -H 'Content-Type: application/json' --data-binary "$GOOD"
expect "login from 127.0.0.3 meanwhile" 200

# --- e-mail validation confirmations per address ------------------------------

BEFORE=$(count '"type":"ra\.validation\.confirm"')
for i in 1 2 3 4 5 6 7 8 9 10; do
	from 127.0.0.4 POST "$BASE/ra/v1/validations/confirm" \
	    -H 'Content-Type: application/json' --data-binary "{\"value\":\"guess-$i-AAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"}"
	[ "$CODE" = 422 ] || fail "confirm $i: $CODE $(cat "$TMP/b")"
done
for i in 1 2 3 4 5 6 7 8 9 10; do
	from 127.0.0.4 POST "$BASE/ra/v1/validations/confirm" \
	    -H 'Content-Type: application/json' --data-binary "{\"value\":\"more-$i\"}"
	[ "$CODE" = 429 ] || fail "confirm over the limit $i: $CODE"
done
expect "11th+ confirmation a minute" 429 too_many_requests
grep -qi '^retry-after: [0-9]' "$TMP/h" || fail "confirm: no Retry-After"
AFTER=$(count '"type":"ra\.validation\.confirm"')
[ $((AFTER - BEFORE)) = 10 ] || fail "$((AFTER - BEFORE)) confirmations audited, expected 10"
[ "$(count '"type":"ra\.validation\.throttle".*"source":"127\.0\.0\.4"')" = 1 ] ||
    fail "ra.validation.throttle: $(grep throttle "$TMP/audit.jsonl")"
from 127.0.0.5 POST "$BASE/ra/v1/validations/confirm" \
    -H 'Content-Type: application/json' --data-binary '{"value":"another-address-AAAAAAAAAAAAAAAAAAAAAAAA"}'
expect "confirmation from another address" 422 not_validated
ok "confirmations: 10 a minute per address, then 429; one throttle record, not one per request"

# --- problem reports (the same limiter) ------------------------------------------

for i in 1 2 3 4 5 6 7 8 9 10 11; do
	from 127.0.0.6 POST "$BASE/problem-report" -H 'Content-Type: application/json' \
	    --data-binary '{"serial":"0123456789ABCDEF","issuer":"pubca1","kind":"other","description":"test","contact":"r@example.jp"}'
done
expect "11th problem report a minute" 429 too_many_reports
[ "$(count '"type":"ra\.report\.throttle".*"source":"127\.0\.0\.6"')" = 1 ] ||
    fail "ra.report.throttle: $(grep throttle "$TMP/audit.jsonl")"
ok "problem reports: the same per-address limit, its refusal audited once"

stop_inkand
ok "done"
