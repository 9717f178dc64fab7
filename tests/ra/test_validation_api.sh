#!/bin/sh
# test_validation_api: e-mail control validation for S/MIME (CP-3.2.7; SBR
# 3.2.2, 4.2.1; CAA issuemail, RFC 9495 / SBR 4.2.2.1) through the RA API
# of a really started inkand, against real local servers only:
#
# - nsd (authoritative, 127.0.0.1, a free port) serving lab. (signed with
#   ldns-signzone, its DS given to libunbound as the trust anchor),
#   secure.lab. (signed, DS in lab.), plain.lab. (unsigned: insecure) and
#   broken.lab. (signed with expired signatures: bogus);
# - python3 -m http.server for method (4), reached through
#   [validation] http_connect_to (CURLOPT_CONNECT_TO);
# - tests/ra/smtp_sink.py (aiosmtpd) catching the mailed values of the
#   mailbox, WHOIS-contact and constructed-address methods.
#
# Shows: every method succeeds (operator record, whois-contact,
# constructed, http, dns TXT/CNAME/CAA, mailbox); a replayed value, an
# expired value (libfaketime), a wrong value, a value in an unsigned zone
# and in a bogus zone, an oversized HTTP answer, the constructed method
# when disabled and after 2028-03-15 (libfaketime) are all refused with
# nothing completed; CAA issuemail permits and refuses (climbing to the
# parent, critical unknown tag, insecure zone); a completed validation is
# current for the address; hostile input gets 4xx JSON, is audited and
# changes nothing.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ra_setup oathtool nsd ldns-keygen ldns-signzone drill faketime
[ -x /usr/bin/python3 ] || fail "needs /usr/bin/python3 (Debian's, with aiosmtpd)"

NSD_PID=
HTTP_PID=
REDIR_PID=
v_finish() {
	_vrc=$?
	for _p in $NSD_PID $HTTP_PID $REDIR_PID; do
		kill -TERM "$_p" 2>/dev/null || :
		wait "$_p" 2>/dev/null || :
	done
	if [ "$_vrc" != 0 ] && [ -f "$TMP/dns/nsd.log" ]; then
		tail -n 10 "$TMP/dns/nsd.log" | sed 's/^/#   nsd: /' >&2
	fi
	(exit "$_vrc")
	ra_finish
}
trap v_finish EXIT

# post PATH JSON TOKEN / get PATH TOKEN / has TEXT WHAT
post() {
	api POST "$1" -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $3" --data-binary "$2"
}
get() {
	api GET "$1" -H "Authorization: Bearer $2"
}
has() {
	grep -qF -- "$1" "$TMP/b" || fail "$2: answer lacks $1: $(cat "$TMP/b")"
}

# login NAME PASSWORD [OATHTOOL -N TIME]: sets TOKEN (password only).
login() {
	api POST /login -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"$1\",\"password\":\"$2\"}"
	[ "$CODE" = 200 ] || fail "login $1: HTTP $CODE: $(cat "$TMP/b")"
	TOKEN=$(jfield token)
}
# login_totp NAME PASSWORD SECRET [WHEN]: a full session in TOKEN. Without
# WHEN, the code of a time step the account has not used yet (the server
# refuses a code twice and accepts one step either side): LAST_STEP.
LAST_STEP=0
login_totp() {
	if [ -n "${4:-}" ]; then
		_code=$(oathtool --totp -b "$3" -N "$4")
	else
		_step=$(($(date +%s) / 30))
		[ "$_step" -gt "$LAST_STEP" ] || _step=$((LAST_STEP + 1))
		LAST_STEP=$_step
		_code=$(oathtool --totp -b "$3" -N "@$((_step * 30))")
	fi
	api POST /login -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"$1\",\"password\":\"$2\",\"totp\":\"$_code\"}"
	[ "$CODE" = 200 ] || fail "login $1 with TOTP: HTTP $CODE: $(cat "$TMP/b")"
	TOKEN=$(jfield token)
}
# enrol: enrols TOTP for the session in TOKEN; the secret in SECRET.
enrol() {
	post /mfa/enrol '{}' "$TOKEN"
	[ "$CODE" = 200 ] || fail "enrol: HTTP $CODE: $(cat "$TMP/b")"
	SECRET=$(jfield secret)
	post /mfa/confirm "{\"totp\":\"$(oathtool --totp -b "$SECRET")\"}" "$TOKEN"
	[ "$CODE" = 200 ] || fail "confirm: HTTP $CODE: $(cat "$TMP/b")"
}

# completed: number of completed validations in the store.
completed() {
	sqlite3 "$CA/inkan.db" \
	    "SELECT count(*) FROM ra_validations WHERE state = 'completed'"
}
vcount() {
	sqlite3 "$CA/inkan.db" "SELECT count(*) FROM ra_validations"
}
vstate() {
	sqlite3 "$CA/inkan.db" "SELECT state FROM ra_validations WHERE id = '$1'"
}

# mail_value N: the random value in the Nth mail (a line of 52 base32).
mail_value() {
	_f=$(printf '%s/%04d.eml' "$MAILDIR" "$1")
	tr -d '\r' < "$_f" | grep -E '^[a-z2-7]{52}$' | head -n 1
}
mail_to() {
	_f=$(printf '%s/%04d.eml' "$MAILDIR" "$1")
	sed -n 's/^X-Envelope-To: *//p' "$_f" | tr -d '\r'
}

need sqlite3
# --- DNS: nsd with a signed hierarchy (tests/ra/dns_lab.sh) -------------------

. "$INKAN_SOURCE_DIR/tests/ra/dns_lab.sh"
# Independent check of the test zones with drill: signed and served.
dns_lab_start
ok "nsd serves the signed lab./secure.lab./broken.lab. and the unsigned plain.lab."

# --- HTTP and SMTP ------------------------------------------------------------------

WWW=$TMP/www
mkdir -p "$WWW/.well-known/pki-validation"
HPORT=$(random_port)
/usr/bin/python3 -m http.server --bind 127.0.0.1 --directory "$WWW" \
    "$HPORT" > "$TMP/http.log" 2>&1 &
HTTP_PID=$!
_t=0
until curl -s -o /dev/null "http://127.0.0.1:$HPORT/"; do
	[ $_t -lt 100 ] || fail "the HTTP server did not start"
	sleep 0.1
	_t=$((_t + 1))
done
note "http.server (pid $HTTP_PID) on 127.0.0.1:$HPORT"
# A second server that redirects every GET off the domain.
RPORT=$(random_port)
cat > "$TMP/redirect.py" <<'EOF'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(302)
        self.send_header("Location", "http://elsewhere.lab" + self.path)
        self.end_headers()
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
EOF
timeout 600 /usr/bin/python3 "$TMP/redirect.py" "$RPORT" > "$TMP/redirect.log" 2>&1 &
REDIR_PID=$!
_t=0
until curl -s -o /dev/null "http://127.0.0.1:$RPORT/"; do
	[ $_t -lt 100 ] || fail "the redirecting server did not start"
	sleep 0.1
	_t=$((_t + 1))
done
start_smtp

# --- CA, accounts, configuration ----------------------------------------------------

init_ca "$CA"
cat >> "$CA/inkan.conf" <<EOF

[mail]
smtp_url = smtp://127.0.0.1:$SMTP_PORT
from = ra@inkan.example

[validation]
$(dns_lab_conf)
http_connect_to = shop.lab:80:127.0.0.1:$HPORT shop.lab:443:127.0.0.1:$HPORT redir.lab:80:127.0.0.1:$RPORT redir.lab:443:127.0.0.1:$RPORT
EOF
printf 'ra operator password\n' > "$TMP/op.pw"
printf 'auditor password 42\n' > "$TMP/aud.pw"
inkan_ok "add RA operator" --dir "$CA" account add op --role ra \
    --password-file "$TMP/op.pw"
inkan_ok "add auditor" --dir "$CA" account add aud --role auditor \
    --password-file "$TMP/aud.pw"
start_inkand

login aud "auditor password 42"
AUD0=$TOKEN
enrol
AUD=$TOKEN
login op "ra operator password"
post /validations '{"method":"operator","domain":"secure.lab","evidence":"x","evidence_ref":"y"}' "$TOKEN"
expect "enrolment-only session may not validate (CP-6.5.1)" 403 \
    mfa_enrolment_required
enrol
LAST_STEP=$(($(date +%s) / 30))
OPSECRET=$SECRET
OP=$TOKEN

# --- hostile input, wrong role: nothing stored ----------------------------------------

N0=$(vcount)
api POST /validations -H 'Content-Type: application/json' \
    --data-binary '{"method":"dns","domain":"secure.lab"}'
expect "no session" 401 unauthenticated
post /validations '{"method":"dns","domain":"secure.lab"}' "$AUD"
expect "an auditor may not start a validation" 403 forbidden
audited "auditor refusal" '"type":"ra.validation.start".*"outcome":"denied"'
post /validations '{"method":"dns","domain":"secure.lab"' "$OP"
expect "malformed JSON" 400 malformed_json
post /validations '{"method":"dns","domain":"secure.lab","extra":1}' "$OP"
expect "unknown member" 400 unknown_member
post /validations '{"method":"dns","domain":42}' "$OP"
expect "wrong type" 400 wrong_type
post /validations '{"domain":"secure.lab"}' "$OP"
expect "missing method" 400 missing_member
post /validations '{"method":"carrier-pigeon","domain":"secure.lab"}' "$OP"
expect "unknown method" 400 invalid
post /validations "{\"method\":\"dns\",\"domain\":\"x'; DROP TABLE ra_validations; --\"}" "$OP"
expect "SQL-looking domain" 400 invalid
post /validations "{\"method\":\"mailbox\",\"email\":\"a@b.lab' OR '1'='1\"}" "$OP"
expect "SQL-looking address" 400 invalid
post /validations '{"method":"http","domain":"127.0.0.1"}' "$OP"
expect "an IP address is not a domain" 400 invalid
post /validations '{"method":"dns","domain":"secure.lab","label":"no-underscore"}' "$OP"
expect "DNS label without '_'" 400 invalid
post /validations '{"method":"http","domain":"shop.lab","file":"../../etc/passwd"}' "$OP"
expect "HTTP file name with a path" 400 invalid
post /validations '{"method":"operator","domain":"secure.lab"}' "$OP"
expect "operator method without evidence" 400 invalid
post /validations '{"method":"whois-contact","domain":"secure.lab","contact":"not an address"}' "$OP"
expect "WHOIS contact not an address" 400 invalid
api POST /validations -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $OP" --data-binary "{\"method\":\"dns\",\"domain\":\"$(head -c 9000 /dev/zero | tr '\0' a)\"}"
expect "oversized body" 413
audited "invalid start refused" '"type":"ra.validation.start".*"outcome":"denied".*SQL|"type":"ra.validation.start".*"outcome":"denied"'
[ "$(vcount)" = "$N0" ] || fail "a refused start stored a validation"
ok "hostile and unauthorised starts changed nothing in the store"

# --- (1) recorded by an RA operator with evidence ------------------------------------

curl -sS -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -d '{"method":"operator","domain":"registrar.lab","evidence":"WHOIS registrant matches the applicant (Example KK)","evidence_ref":"RA-2026-0042"}' "$U/validations" > "$TMP/b"
has '"state":"completed"' "operator method"
has 'CP-3.2.7 (1)' "operator method requirement"
V1=$(jfield id)
ok "(1) operator record completes at once, CP-3.2.7 (1)"

# --- SBR 3.2.2.2: the mailbox itself ---------------------------------------------------

curl -sS -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -d '{"method":"mailbox","email":"alice@secure.lab"}' "$U/validations" > "$TMP/b"
has '"state":"sent"' "mailbox start"
has '"value":null' "mailbox value never returned to the operator"
has 'SBR v1.0.16 §3.2.2.2' "mailbox requirement"
VM=$(jfield id)
mail_wait 1
[ "$(mail_to 1)" = "alice@secure.lab" ] || fail "value mailed to $(mail_to 1)"
VAL=$(mail_value 1)
[ -n "$VAL" ] || fail "no value in the mail"
# Only the hash is stored (CP-3.2.7): the value is nowhere in the store.
sqlite3 "$CA/inkan.db" .dump | grep -q "$VAL" && fail "the value is stored"
HASH=$(printf '%s' "$VAL" | sha256sum | cut -d' ' -f1)
[ "$(sqlite3 "$CA/inkan.db" "SELECT lower(hex(value_hash)) FROM ra_validations WHERE id = '$VM'")" = "$HASH" ] ||
    fail "stored hash is not SHA-256 of the value"
ok "mailbox: 256-bit value mailed only to the address, stored as SHA-256 only"

api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary '{"value":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}'
expect "a wrong value" 422 not_validated
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary '{"value":"short"}'
expect "a malformed value" 422 not_validated
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary '{"value":42}'
expect "a value of the wrong type" 400 wrong_type
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary "{\"value\":\"' OR value_hash IS NOT NULL; --\"}"
expect "an SQL-looking value" 422 not_validated
api POST /validations/confirm -H 'Content-Type: text/plain' \
    --data-binary '{"value":"x"}'
expect "not JSON" 415 unsupported_media_type
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary '{"value":"x","id":"y"}'
expect "unknown member in confirm" 400 unknown_member
[ "$(vstate "$VM")" = sent ] || fail "a wrong value moved the validation"
[ "$(completed)" = 1 ] || fail "a refused confirmation completed something"
audited "wrong value refused" '"type":"ra.validation.confirm".*"outcome":"denied"'

printf '{"value":"%s"}\n' "$VAL" > confirm.json
curl -sS -H 'Content-Type: application/json' -d @confirm.json "$U/validations/confirm" > "$TMP/b"
has '"confirmed":true' "mailbox confirm"
[ "$(vstate "$VM")" = completed ] || fail "mailbox validation not completed"
audited "mailbox confirm" '"type":"ra.validation.confirm".*"outcome":"ok"'
ok "mailbox holder returned the value: completed (SBR 3.2.2.2)"
api POST /validations/confirm -H 'Content-Type: application/json' -d @confirm.json
expect "a replayed value (single use)" 422 not_validated
has "single use" "replay message"

curl -sS -H "Authorization: Bearer $OP" "$U/validations/$VM" > "$TMP/b"
for f in '"method":"mailbox"' '"requirement":"SBR v1.0.16 §3.2.2.2"' \
    '"email":"alice@secure.lab"' '"started_by":"op"' "\"value_sha256\":\"$HASH\"" \
    '"state":"completed"' '"sent_at":1' '"completed_at":1'; do
	has "$f" "validation record"
done
ok "the record holds method, version, hash, address, who, times, outcome"

# The address is now covered, and CAA issuemail at secure.lab names us.
curl -sS -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -d '{"email":"alice@secure.lab"}' "$U/email-control" > "$TMP/b"
has '"current":true' "email-control after the mailbox method"
has "\"validation_id\":\"$VM\"" "email-control names the validation"
has '"caa_permits":true' "CAA at secure.lab names ca.inkan.test"
post /email-control '{"email":"carol@secure.lab"}' "$OP"
has '"current":false' "another mailbox of the domain is not covered"
ok "a completed mailbox validation is current for that address only (SBR 4.2.1)"

# --- (2) WHOIS domain contact -----------------------------------------------------------

post /validations '{"method":"whois-contact","domain":"secure.lab","contact":"registrant@registrar.lab"}' "$OP"
expect "whois-contact start" 201
VW=$(jfield id)
mail_wait 2
[ "$(mail_to 2)" = "registrant@registrar.lab" ] || fail "whois value mailed to $(mail_to 2)"
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary "{\"value\":\"$(mail_value 2 | tr a-z A-Z)\"}"
expect "WHOIS contact returned the value (case folded)" 200
[ "$(vstate "$VW")" = completed ] || fail "whois validation not completed"
post /email-control '{"email":"carol@secure.lab"}' "$OP"
has '"current":true' "domain validation covers every mailbox of the domain"
ok "(2) WHOIS contact: completed, covers the domain (CP-3.2.7 (2), SBR 3.2.2.1)"

# --- (3) constructed addresses: off by default -------------------------------------------

N0=$(vcount)
post /validations '{"method":"constructed","domain":"secure.lab","local_part":"postmaster"}' "$OP"
expect "constructed addresses off by default" 400 invalid
has "allow_constructed_addresses" "the refusal names the setting"
[ "$(vcount)" = "$N0" ] || fail "a refused constructed start was stored"
stop_inkand
printf 'allow_constructed_addresses = yes\n' >> "$CA/inkan.conf"
start_inkand
grep -q 'allow_constructed_addresses = yes' "$TMP/inkand.err" ||
    fail "no warning in the log when the constructed method is enabled"
ok "enabling the constructed method warns in the log"
login_totp op "ra operator password" "$OPSECRET"
OP=$TOKEN
post /validations '{"method":"constructed","domain":"secure.lab","local_part":"root"}' "$OP"
expect "a local part outside the five" 400 invalid
post /validations '{"method":"constructed","domain":"secure.lab","local_part":"postmaster"}' "$OP"
expect "constructed start" 201
VC=$(jfield id)
mail_wait 3
[ "$(mail_to 3)" = "postmaster@secure.lab" ] || fail "constructed mailed to $(mail_to 3)"
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary "{\"value\":\"$(mail_value 3)\"}"
expect "postmaster returned the value" 200
ok "(3) constructed address postmaster@: completed when enabled (CP-3.2.7 (3))"

# --- (4) HTTP ---------------------------------------------------------------------------------

curl -sS -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -d '{"method":"http","domain":"shop.lab","file":"inkan.txt"}' "$U/validations" > "$TMP/b"
has '"where":"http://shop.lab/.well-known/pki-validation/inkan.txt"' "http start"
VH=$(jfield id)
HVAL=$(jfield value)
[ ${#HVAL} = 52 ] || fail "http value is not 52 characters: $HVAL"
post "/validations/$VH/check" '{}' "$OP"
expect "no file yet" 422 not_validated
has "HTTP 404" "missing file"
printf 'some other token: %s\n' "$(mail_value 1)" > "$WWW/.well-known/pki-validation/inkan.txt"
post "/validations/$VH/check" '{}' "$OP"
expect "a wrong value in the file" 422 not_validated
{ head -c 70000 /dev/zero | tr '\0' x; printf '\n%s\n' "$HVAL"; } > "$WWW/.well-known/pki-validation/inkan.txt"
post "/validations/$VH/check" '{}' "$OP"
expect "an oversized answer" 422 not_validated
has "larger than 65536" "size cap"
[ "$(vstate "$VH")" = pending ] || fail "a failed check closed the validation"
printf 'inkan-validation=%s\n' "$HVAL" > "$WWW/.well-known/pki-validation/inkan.txt"
curl -sS -X POST -H "Authorization: Bearer $OP" "$U/validations/$VH/check" > "$TMP/b"
has '"state":"completed"' "http check"
has 'TLS BR §3.2.2.4.18' "http requirement"
grep -q 'GET /.well-known/pki-validation/inkan.txt' "$TMP/http.log" ||
    fail "the HTTP server saw no request"
post "/validations/$VH/check" '{}' "$OP"
expect "checking a completed validation again" 422 not_validated
ok "(4) HTTP: found at /.well-known/pki-validation/ via libcurl; 404, wrong value, >64 KiB refused"
# A redirect on the same host is followed (http.server adds the slash of a
# directory with a 301); one off the domain is refused.
post /validations '{"method":"http","domain":"shop.lab","file":"dir"}' "$OP"
expect "http start (directory)" 201
VD=$(jfield id)
mkdir -p "$WWW/.well-known/pki-validation/dir"
printf '%s\n' "$(jfield value)" > "$WWW/.well-known/pki-validation/dir/index.html"
post "/validations/$VD/check" '{}' "$OP"
expect "value behind a same-host redirect" 200
grep -q '"GET /.well-known/pki-validation/dir HTTP/1.1" 301' "$TMP/http.log" ||
    fail "no redirect was followed"
post /validations '{"method":"http","domain":"redir.lab","file":"x.txt"}' "$OP"
expect "http start (redirecting host)" 201
VR=$(jfield id)
post "/validations/$VR/check" '{}' "$OP"
expect "a redirect off the domain" 422 not_validated
has "redirect to http://elsewhere.lab/.well-known/pki-validation/x.txt refused" "off-domain redirect"
[ "$(vstate "$VR")" = pending ] || fail "the redirected validation moved"
ok "redirects: same host followed, off the domain refused"

# --- (5) DNS (DNSSEC-secure only) ---------------------------------------------------------------

dns_start() {
	post /validations "$1" "$OP"
	expect "dns start $2" 201
	eval "$2_ID=\$(jfield id)"
	eval "$2_VAL=\$(jfield value)"
}
curl -sS -H "Authorization: Bearer $OP" -H 'Content-Type: application/json' -d '{"method":"dns","domain":"secure.lab","label":"_pki-validation"}' "$U/validations" > "$TMP/b"
has '"where":"_pki-validation.secure.lab"' "dns start"
has 'TLS BR §3.2.2.4.7' "dns requirement"
TXT_ID=$(jfield id)
TXT_VAL=$(jfield value)
dns_start '{"method":"dns","domain":"secure.lab","label":"_cname-check"}' CN
dns_start '{"method":"dns","domain":"secure.lab","label":"_caa-check"}' CAA
dns_start '{"method":"dns","domain":"secure.lab","label":"_wrong"}' WRONG
dns_start '{"method":"dns","domain":"plain.lab","label":"_pki-validation"}' PLAIN
dns_start '{"method":"dns","domain":"broken.lab","label":"_pki-validation"}' BROKEN
post "/validations/$TXT_ID/check" '{}' "$OP"
expect "no record yet" 422 not_validated
SECURE_EXTRA="_pki-validation IN TXT \"inkan-validation=$TXT_VAL\"\n_cname-check IN CNAME $CN_VAL.secure.lab.\n_caa-check IN CAA 0 tbs \"$CAA_VAL\"\n_wrong IN TXT \"$(mail_value 2)\"\n"
PLAIN_EXTRA="_pki-validation IN TXT \"$PLAIN_VAL\"\n"
BROKEN_EXTRA="_pki-validation IN TXT \"$BROKEN_VAL\"\n"
zones
restart_nsd
drill -p "$NSPORT" @127.0.0.1 TXT _pki-validation.plain.lab | grep -q "$PLAIN_VAL" ||
    fail "nsd does not serve the plain.lab record"

curl -sS -X POST -H "Authorization: Bearer $OP" "$U/validations/$TXT_ID/check" > "$TMP/b"
has '"state":"completed"' "dns TXT"
has 'DNSSEC-secure TXT' "dns TXT outcome"
post "/validations/$CN_ID/check" '{}' "$OP"
expect "value in a CNAME" 200
has 'DNSSEC-secure CNAME' "dns CNAME outcome"
post "/validations/$CAA_ID/check" '{}' "$OP"
expect "value in a CAA record" 200
has 'DNSSEC-secure CAA' "dns CAA outcome"
ok "(5) DNS: value found in TXT, CNAME and CAA records under _ labels, DNSSEC-secure"

C0=$(completed)
post "/validations/$WRONG_ID/check" '{}' "$OP"
expect "another value in the TXT record" 422 not_validated
post "/validations/$PLAIN_ID/check" '{}' "$OP"
expect "value in an unsigned zone" 422 not_validated
has "insecure" "unsigned zone refusal"
post "/validations/$BROKEN_ID/check" '{}' "$OP"
expect "value in a zone with expired signatures" 422 not_validated
has "bogus" "bogus zone refusal"
[ "$(completed)" = "$C0" ] || fail "a refused DNS check completed something"
audited "insecure DNS refused" '"type":"ra.validation.check".*"outcome":"denied".*insecure'
audited "bogus DNS refused" '"type":"ra.validation.check".*"outcome":"denied".*bogus'
ok "wrong value, insecure (unsigned) and bogus answers refused, nothing completed"

# --- CAA issuemail (RFC 9495, SBR 4.2.2.1) --------------------------------------------------------

caa() {
	post /email-control "{\"email\":\"$1\"}" "$OP"
	expect "email-control $1" 200
	has "\"caa_permits\":$2" "CAA for $1"
	[ -z "${3:-}" ] || has "$3" "CAA reason for $1"
}
caa x@secure.lab true "names this CA"
caa x@sub.deep.secure.lab true "at secure.lab names this CA"
caa x@refuse.secure.lab false "does not name this CA"
caa x@deny.secure.lab false "does not name this CA"
caa x@crit.secure.lab false "critical unknown"
caa x@tlsonly.secure.lab true "no issuemail"
caa x@nowhere.lab true "no CAA records"
caa x@plain.lab false "insecure"
caa x@broken.lab false "bogus"
audited "CAA refusal" '"type":"ra.caa.issuemail".*"outcome":"denied"'
post /email-control '{}' "$OP"
expect "email-control without an address" 400 missing_member
post /email-control '{"email":"x@1.2.3.4"}' "$OP"
expect "email-control with an address literal" 400 invalid
post /email-control '{"email":"x@secure.lab"}' "$AUD"
expect "email-control by an auditor" 403 forbidden
audited "email-control refusal" '"type":"ra.email_control".*"outcome":"denied"'
ok "CAA issuemail: ours/climbing permit; other CA, empty, critical unknown, insecure, bogus refuse"

# --- reading ---------------------------------------------------------------------------------------

curl -sS -H "Authorization: Bearer $OP" "$U/validations" > "$TMP/b"
for id in "$V1" "$VM" "$VW" "$VC" "$VH" "$TXT_ID" "$PLAIN_ID"; do
	has "\"id\":\"$id\"" "list"
done
get /validations "$AUD"
expect "an auditor reads the validations" 200
has "\"id\":\"$VM\"" "auditor list"
post "/validations/$TXT_ID/check" '{}' "$AUD"
expect "an auditor may not check" 403 forbidden
get /validations/0123456789abcdef0123456789abcdef "$OP"
expect "unknown validation" 404 not_found
ok "GET /validations lists every validation; auditors read, never act"

# --- expiry: the mailbox value lives 24 hours (SBR 3.2.2.2) ------------------------------------------

post /validations '{"method":"mailbox","email":"bob@secure.lab"}' "$OP"
expect "second mailbox start" 201
VB=$(jfield id)
mail_wait 4
BVAL=$(mail_value 4)
stop_inkand
# ft_inkand SPEC: inkand with its clock moved by libfaketime (FAKETIME=SPEC).
# LD_PRELOAD and exec, not the faketime command (which forks): the PID we
# stop is inkand's own.
FTLIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -n 1)
[ -n "$FTLIB" ] || fail "needs libfaketimeMT.so.1 (package faketime)"
ft_inkand() {
	_real=$INKAND
	cat > "$TMP/inkand-ft" <<EOF
#!/bin/sh
ASAN_OPTIONS="\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0" \\
LD_PRELOAD="$FTLIB" FAKETIME="$1" exec "$_real" "\$@"
EOF
	chmod +x "$TMP/inkand-ft"
	INKAND=$TMP/inkand-ft
	start_inkand
	INKAND=$_real
}
ft_inkand "+25h"
api POST /validations/confirm -H 'Content-Type: application/json' \
    --data-binary "{\"value\":\"$BVAL\"}"
expect "a mailbox value 25 hours old" 422 not_validated
has "expired" "expiry message"
[ "$(vstate "$VB")" = expired ] || fail "the old validation is not marked expired"
ok "a mailbox value is refused after 24 hours (SBR 3.2.2.2) and marked expired"
stop_inkand

# --- 2028-03-15: the constructed method ends, whatever the configuration ----------------------------

ft_inkand "@2028-03-16 00:00:00"
login_totp op "ra operator password" "$OPSECRET" "2028-03-16 00:00:05 UTC"
N0=$(vcount)
post /validations '{"method":"constructed","domain":"secure.lab","local_part":"postmaster"}' "$TOKEN"
expect "constructed addresses after 2028-03-15" 400 invalid
has "2028-03-15" "the refusal names the date"
[ "$(vcount)" = "$N0" ] || fail "a refused constructed start was stored"
audited "constructed after the end refused" '"type":"ra.validation.start".*"outcome":"denied".*2028-03-15'
ok "the constructed method is refused from 2028-03-15 even when enabled"
stop_inkand

