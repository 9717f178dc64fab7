#!/bin/sh
# test_ra_api: RA accounts, roles, MFA and sessions end to end (issue 6;
# CP-4.3.1, CP-5.2, CP-6.5.1). `inkan account` makes the accounts; a
# really started inkand serves /ra/v1 on 127.0.0.1; curl is the client
# and oathtool (OATH Toolkit, RFC 6238) computes every TOTP code
# independently of inkan:
#
# - CLI: passwords from a file only (never argv), policy, roles, LRA
#   binding, list, disable/enable, unlock, reset-mfa, passwd;
# - strict input: malformed JSON, non-objects, wrong types, missing and
#   unknown members, duplicate keys, oversized bodies, wrong content type,
#   wrong method, unknown path: 4xx JSON errors, nothing changed;
# - login: wrong password, unknown name (same answer), MFA enrolment
#   mandatory for admin/RA/LRA (enrolment-only session until confirmed),
#   TOTP missing, wrong, replayed; cookie attributes; bearer and cookie;
#   logout;
# - lock-out after 5 failures with Retry-After, recorded; disabled
#   account; MFA reset; idle and absolute session expiry;
# - every curl command of docs/api.md appears verbatim in tests/ra/*.sh.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.
# By hand: INKAN_BUILD_DIR=build sh tests/ra/test_ra_api.sh

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
API_DOC=$INKAN_SOURCE_DIR/docs/api.md

ra_setup oathtool

# --- helpers ----------------------------------------------------------------

# post PATH JSON [CURL ARGS...]: a JSON POST.
post() {
	_p=$1 _j=$2
	shift 2
	api POST "$_p" -H 'Content-Type: application/json' --data-binary "$_j" "$@"
}

auth() {
	printf 'Authorization: Bearer %s' "$1"
}

# jtrue NAME: 1 if the member is true.
jtrue() {
	grep -q "\"$1\":true" "$TMP/b"
}

# fresh_step: waits until at least 15 s remain in the current 30 s step,
# so the codes of a sequence keep their meaning while it runs; T0 is then
# a time in that step.
fresh_step() {
	while [ $(($(date +%s) % 30)) -gt 14 ]; do
		sleep 1
	done
	T0=$(date +%s)
}

# totp_at SECRET TIME: the code of the step of TIME, by oathtool.
totp_at() {
	oathtool --totp -b "$1" --now "@$2"
}

# account_state NAME: the MFA and STATE columns of `inkan account list`.
account_state() {
	inkan_ok "account list" --dir "$CA" account list
	awk -v n="$1" '$1 == n { print $4, $5 }' "$TMP/out"
}

# --- the CA and its accounts (CLI) ---------------------------------------

init_ca "$CA"
PW='alice: a long admin passphrase'
printf '%s\n' "$PW" > "$TMP/alice.pw"
printf 'auditor password 42\n' > "$TMP/bob.pw"
printf 'ra operator password\n' > "$TMP/rita.pw"
printf 'too short\n' > "$TMP/short.pw"

inkan_ok "add admin" --dir "$CA" account add alice --role admin \
    --password-file "$TMP/alice.pw"
audited "account add" '"type":"ra\.account\.add","actor":"os:'
ok "account add is audited with the operating-system user as actor"
inkan_ok "add auditor" --dir "$CA" account add bob --role auditor \
    --password-file "$TMP/bob.pw"
inkan_ok "add RA operator" --dir "$CA" account add rita --role ra \
    --password-file "$TMP/rita.pw"
inkan_refuses "duplicate account" 1 "already exists" --dir "$CA" account \
    add bob --role auditor --password-file "$TMP/bob.pw"
inkan_refuses "short password" 1 "shorter than 12" --dir "$CA" account \
    add carl --role auditor --password-file "$TMP/short.pw"
inkan_refuses "unknown role" 1 "--role must be" --dir "$CA" account \
    add carl --role root --password-file "$TMP/bob.pw"
inkan_refuses "LRA operator without LRA" 1 "CP-1.3.2" --dir "$CA" account \
    add carl --role lra --password-file "$TMP/bob.pw"
inkan_refuses "LRA operator of an LRA not approved" 1 "no approved LRA" \
    --dir "$CA" account add carl --role lra --org nosuch \
    --password-file "$TMP/bob.pw"
inkan_refuses "password on the command line" 2 "never taken from the command line" \
    --dir "$CA" account add carl --role auditor --password secret12345678
inkan_refuses "bad account name" 1 "a-z" --dir "$CA" account add 'Carl X' \
    --role auditor --password-file "$TMP/bob.pw"
inkan_refuses "unknown verb" 2 "unknown verb" --dir "$CA" account frob bob
inkan_ok "account list" --dir "$CA" account list
grep -q '^alice  *admin  *-  *required  *active' "$TMP/out" ||
    fail "account list: $(cat "$TMP/out")"
grep -q '^bob  *auditor  *-  *none  *active' "$TMP/out" ||
    fail "account list: $(cat "$TMP/out")"
ok "account list shows roles, mandatory MFA and state"
! grep -q 'argon2' "$TMP/out" || fail "account list shows a password hash"
ok "account list shows no hash"

start_inkand

# --- strict input ------------------------------------------------------------

post /login '{"name":"alice","password":'
expect "truncated JSON" 400 malformed_json
post /login '["alice","x"]'
expect "JSON array instead of object" 400 malformed_json
post /login '{"name":"alice","password":"x"} trailing'
expect "trailing garbage" 400 malformed_json
post /login '{"name":"alice","name":"bob","password":"x"}'
expect "duplicate member" 400 malformed_json
post /login '{"name":"alice"}'
expect "missing password" 400 missing_member
post /login '{"name":["alice"],"password":"x"}'
expect "name of the wrong type" 400 wrong_type
post /login '{"name":"alice","password":"x","totp":123456}'
expect "numeric totp" 400 wrong_type
post /login '{"name":"alice","password":"x","admin":true}'
expect "unknown member" 400 unknown_member
post /login '{"name":"alice","password":"a\u0000b"}'
expect "NUL inside a string" 400 malformed_json
post /login "$(printf '{"name":"alice","password":"%09000d"}' 0)"
expect "9 KB body" 413 too_large
head -c 70000 /dev/zero | tr '\0' 'a' > "$TMP/huge"
api POST /login -H 'Content-Type: application/json' --data-binary @"$TMP/huge"
[ "$CODE" = 413 ] || fail "70 KB body: HTTP $CODE"
ok "70 KB body refused by the server's cap (413)"
api POST /login -H 'Content-Type: text/plain' \
    --data-binary '{"name":"alice","password":"x"}'
expect "text/plain body" 415 unsupported_media_type
api GET /login
expect "GET /login" 405 method_not_allowed
api GET /nosuch
expect "unknown path" 404 not_found
api PUT /login
[ "$CODE" = 405 ] || fail "PUT: HTTP $CODE"
ok "PUT refused (405)"
[ "$(account_state alice)" = "required active" ] ||
    fail "malformed requests changed alice: $(account_state alice)"
inkan_ok "account list" --dir "$CA" account list
awk '$1 == "alice" && $6 != 0 { exit 1 }' "$TMP/out" ||
    fail "malformed requests counted as failures"
ok "malformed requests changed nothing (no failure counted)"

# --- login, mandatory enrolment -----------------------------------------------

post /login '{"name":"alice","password":"wrong password!!"}'
expect "wrong password" 401 bad_credentials
cp "$TMP/b" "$TMP/wrong.json"
post /login '{"name":"nobody","password":"wrong password!!"}'
expect "unknown account" 401 bad_credentials
cmp -s "$TMP/b" "$TMP/wrong.json" || fail "unknown name answers differently"
ok "unknown name and wrong password answer alike"

# The documented flow (docs/api.md), command for command.
printf '{"name":"alice","password":"%s"}\n' "$PW" > login.json
curl -sS -H 'Content-Type: application/json' -d @login.json "$U/login" > "$TMP/b"
TOKEN=$(jfield token)
[ ${#TOKEN} = 43 ] || fail "login: no token: $(cat "$TMP/b")"
jtrue mfa_enrolment_required || fail "admin without TOTP got a full session"
ok "admin without TOTP: enrolment-only session (CP-6.5.1)"
curl -sS -H "Authorization: Bearer $TOKEN" "$U/me" > "$TMP/b"
[ "$(jfield role)" = admin ] && jtrue mfa_enrolment_required ||
    fail "/me: $(cat "$TMP/b")"
ok "/me names the account, its role and the missing enrolment"
curl -sS -X POST -H "Authorization: Bearer $TOKEN" "$U/mfa/enrol" > "$TMP/b"
SECRET=$(jfield secret)
URI=$(jfield otpauth_uri)
[ ${#SECRET} = 32 ] || fail "enrol: no base32 secret: $(cat "$TMP/b")"
case $URI in
"otpauth://totp/inkan:alice?secret=$SECRET&issuer=inkan&algorithm=SHA1&digits=6&period=30") ;;
*) fail "enrol: otpauth URI $URI" ;;
esac
ok "enrolment: 160-bit secret as base32 and otpauth URI"
fresh_step
# A code one off the right one; its leading zeros dropped first, or sh
# would read 056379 as octal.
GOOD=$(totp_at "$SECRET" "$T0" | sed 's/^0*//')
BAD=$(( (${GOOD:-0} + 1) % 1000000 ))
post /mfa/confirm "$(printf '{"totp":"%06d"}' "$BAD")" -H "$(auth "$TOKEN")"
expect "confirmation with a wrong code" 401 bad_credentials
# Confirmed with the previous step's code, so that the current one and
# the next can log in without waiting (the window is one step).
CODE=$(totp_at "$SECRET" $((T0 - 30)))
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"totp\":\"$CODE\"}" "$U/mfa/confirm" > "$TMP/b"
jtrue mfa_enrolled || fail "confirm: $(cat "$TMP/b")"
ok "enrolment confirmed with a code from oathtool"
api GET /me -H "$(auth "$TOKEN")"
expect "/me after confirmation" 200
jtrue mfa_enrolled && ! jtrue mfa_enrolment_required ||
    fail "/me after confirmation: $(cat "$TMP/b")"
ok "the confirming session is now a full one"
api POST /mfa/enrol -H "$(auth "$TOKEN")"
expect "second enrolment" 409 already_enrolled
curl -sS -X POST -H "Authorization: Bearer $TOKEN" "$U/logout" > "$TMP/b"
api GET /me -H "$(auth "$TOKEN")"
expect "/me after logout" 401 unauthenticated

# --- TOTP at login ----------------------------------------------------------------

post /login "{\"name\":\"alice\",\"password\":\"$PW\"}"
expect "login without the TOTP code" 401 totp_required
post /login "{\"name\":\"alice\",\"password\":\"$PW\",\"totp\":\"$(printf %06d "$BAD")\"}"
expect "login with a wrong TOTP code" 401 bad_credentials
post /login "{\"name\":\"alice\",\"password\":\"$PW\",\"totp\":\"12345\"}"
expect "login with a 5-digit code" 401 bad_credentials
OLD=$(totp_at "$SECRET" $((T0 - 30)))
post /login "{\"name\":\"alice\",\"password\":\"$PW\",\"totp\":\"$OLD\"}"
expect "login with the confirmation's code (replay)" 401 totp_replayed
NOW_CODE=$(totp_at "$SECRET" "$T0")
post /login "{\"name\":\"alice\",\"password\":\"$PW\",\"totp\":\"$NOW_CODE\"}"
expect "login with password and TOTP" 200
TOKEN=$(jfield token)
! jtrue mfa_enrolment_required || fail "full login still enrolment-only"
grep -i '^set-cookie: inkan_session=' "$TMP/h" | tr -d '\r' > "$TMP/cookie"
for a in Secure HttpOnly SameSite=Strict Path=/ra/v1 "inkan_session=$TOKEN"; do
	grep -q "$a" "$TMP/cookie" || fail "Set-Cookie lacks $a: $(cat "$TMP/cookie")"
done
ok "session cookie is Secure, HttpOnly, SameSite=Strict"
grep -qi '^cache-control: no-store' "$TMP/h" || fail "login answer is cacheable"
ok "API answers are not cacheable"
post /login "{\"name\":\"alice\",\"password\":\"$PW\",\"totp\":\"$NOW_CODE\"}"
expect "the same code a second time (replay)" 401 totp_replayed
api GET /me -b "inkan_session=$TOKEN"
expect "/me with the cookie" 200
[ "$(jfield name)" = alice ] || fail "/me by cookie: $(cat "$TMP/b")"
api GET /me -H "Authorization: Bearer ${TOKEN}x"
expect "/me with a mangled token" 401 unauthenticated
api GET /me -H "Authorization: Basic YWxpY2U6eA=="
expect "/me with Basic auth" 401 unauthenticated
audited "enrolment" '"type":"ra\.mfa\.confirm","actor":"alice".*"outcome":"ok"'
audited "replay" '"type":"ra\.login".*"object":"alice","outcome":"failed","detail":\{"note":"TOTP code replayed'
ok "enrolment and TOTP replay are audited"

# --- lock-out ----------------------------------------------------------------------

for i in 1 2 3 4 5; do
	post /login '{"name":"bob","password":"not bobs password"}'
	[ "$CODE" = 401 ] || fail "failure $i: HTTP $CODE"
done
ok "five wrong passwords for bob"
post /login '{"name":"bob","password":"auditor password 42"}'
expect "right password while locked" 429 locked
RA_RETRY=$(awk 'tolower($1) == "retry-after:" { print $2 }' "$TMP/h" | tr -d '\r')
[ -n "$RA_RETRY" ] && [ "$RA_RETRY" -gt 0 ] && [ "$RA_RETRY" -le 60 ] ||
    fail "locked: Retry-After '$RA_RETRY'"
ok "locked answer carries Retry-After: $RA_RETRY"
audited "lock-out" '"type":"ra\.lockout".*"object":"bob"'
ok "lock-out is audited"
[ "$(account_state bob)" = "none locked" ] ||
    fail "account list: bob is $(account_state bob)"
ok "account list shows bob locked"
inkan_ok "unlock bob" --dir "$CA" account unlock bob
post /login '{"name":"bob","password":"auditor password 42"}'
expect "bob after unlock (auditor without TOTP: full session)" 200
! jtrue mfa_enrolment_required || fail "auditor got an enrolment-only session"

# --- disabled account --------------------------------------------------------------

post /login '{"name":"rita","password":"ra operator password"}'
expect "RA operator without TOTP" 200
jtrue mfa_enrolment_required || fail "RA operator without TOTP got a full session"
RITA=$(jfield token)
inkan_ok "disable rita" --dir "$CA" account disable rita
api GET /me -H "$(auth "$RITA")"
expect "session of a disabled account" 401 unauthenticated
post /login '{"name":"rita","password":"ra operator password"}'
expect "login of a disabled account" 403 account_disabled
post /login '{"name":"rita","password":"wrong password!!"}'
expect "disabled account, wrong password" 401 bad_credentials
inkan_ok "enable rita" --dir "$CA" account enable rita
post /login '{"name":"rita","password":"ra operator password"}'
expect "login after enable" 200

# --- role change ---------------------------------------------------------------------

post /login '{"name":"bob","password":"auditor password 42"}'
BOBT=$(jfield token)
inkan_ok "bob becomes an RA operator" --dir "$CA" account set-role bob --role ra
audited "role change" '"type":"ra\.account\.role".*"object":"bob","outcome":"ok","detail":\{"note":"role now ra'
api GET /me -H "$(auth "$BOBT")"
expect "session from before the role change" 401 unauthenticated
post /login '{"name":"bob","password":"auditor password 42"}'
expect "bob as RA operator, without TOTP" 200
jtrue mfa_enrolment_required || fail "new RA operator got a full session"
ok "a role that can cause issuance now requires TOTP (CP-6.5.1)"
inkan_refuses "set-role lra without an LRA" 1 "CP-1.3.2" --dir "$CA" account \
    set-role bob --role lra
inkan_ok "bob back to auditor" --dir "$CA" account set-role bob --role auditor

# --- MFA reset, password change ------------------------------------------------------

inkan_ok "reset-mfa alice" --dir "$CA" account reset-mfa alice
audited "reset-mfa" '"type":"ra\.mfa\.reset".*"object":"alice","outcome":"ok"'
api GET /me -H "$(auth "$TOKEN")"
expect "alice's session after the MFA reset" 401 unauthenticated
post /login "{\"name\":\"alice\",\"password\":\"$PW\"}"
expect "alice after the reset: enrolment again" 200
jtrue mfa_enrolment_required || fail "reset admin got a full session"
printf 'a new password for alice\n' > "$TMP/alice2.pw"
inkan_ok "passwd alice" --dir "$CA" account passwd alice \
    --password-file "$TMP/alice2.pw"
post /login "{\"name\":\"alice\",\"password\":\"$PW\"}"
expect "old password after passwd" 401 bad_credentials
post /login '{"name":"alice","password":"a new password for alice"}'
expect "new password after passwd" 200

# --- session expiry ------------------------------------------------------------------

stop_inkand
start_inkand --session-idle 3 --session-lifetime 6
post /login '{"name":"bob","password":"auditor password 42"}'
expect "bob, short sessions" 200
T1=$(jfield token)
api GET /me -H "$(auth "$T1")"
expect "fresh session" 200
sleep 4
api GET /me -H "$(auth "$T1")"
expect "after 4 s idle (idle time-out 3 s)" 401 unauthenticated
audited "idle expiry" '"type":"ra\.session".*"outcome":"expired","detail":\{"note":"idle time-out"'
post /login '{"name":"bob","password":"auditor password 42"}'
T2=$(jfield token)
_start=$(date +%s)
# A request every half second keeps it from idling (slow builds too).
while [ $(($(date +%s) - _start)) -lt 9 ]; do
	api GET /me -H "$(auth "$T2")"
	[ "$CODE" = 200 ] || break
	sleep 0.5
done
expect "active session past its 6 s lifetime" 401 unauthenticated
audited "absolute expiry" '"detail":\{"note":"absolute time-out"'
ok "idle and absolute expiry are audited"

# --- the documentation ------------------------------------------------------------

[ -f "$API_DOC" ] || fail "no $API_DOC"
grep '^curl ' "$API_DOC" | sort -u > "$TMP/doc-curls"
[ -s "$TMP/doc-curls" ] || fail "docs/api.md has no curl examples"
while IFS= read -r line; do
	cat "$INKAN_SOURCE_DIR"/tests/ra/test_*.sh | grep -qF -- "$line" ||
	    fail "docs/api.md example not run by a test: $line"
done < "$TMP/doc-curls"
ok "every curl example of docs/api.md ($(wc -l < "$TMP/doc-curls")) runs in tests/ra"

# A clean stop, with nothing for the sanitizers to report (ASan builds).
stop_inkand
sanitizer_check "inkand" "$TMP/inkand.err"
ok "inkand stopped cleanly"
