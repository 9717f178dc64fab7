#!/bin/sh
# test_revreq: revocation requests through inkand (issue 6 items 6 and 7;
# CP-1.5.2, 3.4, 4.9.1-4.9.5, 4.9.13-4.9.15), against a really started
# inkand, an LRA with its client certificate over TLS (curl), TOTP codes
# from oathtool, OCSP checked with `openssl ocsp`, CRLs with `openssl crl`,
# key compromise proofs made with `openssl req -new -key`:
#
# - an LRA revokes a certificate of its own organisation with its
#   operator's TOTP: 201, `openssl ocsp` says revoked, the CRL lists it;
#   another organisation's certificate, a code-signing certificate, a
#   wrong TOTP, an operator of another LRA, a revoked LRA certificate:
#   403/401, nothing changed, audited (CP-4.9.3, CP-1.3.2);
# - an RA operator revokes at the CA's discretion naming CP-4.9.1 grounds,
#   with a fresh TOTP; wrong TOTP, replayed TOTP, an auditor, unknown
#   grounds, hold: refused (CP-4.9.1, CP-6.5.1, CP-4.9.14);
# - a problem report with a valid proof of key compromise revokes at
#   once (keyCompromise); a proof made with another key, or naming
#   another certificate, is refused and nothing is recorded; a report
#   without proof waits for triage, then an RA operator revokes it, and
#   another is dismissed; each report carries its deadlines (CP-1.5.2,
#   CP-4.9.5);
# - the subscriber's suspension page (curl with a cookie jar): login
#   with the password issued at `inkan issue --subscriber-password-out`,
#   CSRF token missing or wrong refused, suspension → `openssl ocsp`
#   revoked with reason certificateHold, then the revocation request
#   turns the hold into revocation (CP-4.9.13-4.9.15); a code-signing
#   certificate cannot be suspended and revocation is offered; wrong
#   passwords lock the login out;
# - notices by mail (a real aiosmtpd server): the subscriber's recorded
#   address after a revocation or suspension, the reporter's after a
#   report;
# - hostile input on every endpoint: malformed and oversized JSON and
#   forms, missing members, wrong types, SQL-looking strings, bad serials.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ra_setup oathtool openssl
RA_TLS=1

# post PATH JSON TOKEN
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

# lra_post PATH JSON [CERT KEY]: to the LRA listener, with the LRA's
# certificate (lra.pem) unless another is named.
lra_post() {
	CODE=$(curl -s -S --max-time 30 --cacert "$TMP/tls.pem" \
	    --cert "${3:-$TMP/lra.pem}" --key "${4:-$TMP/lra.key}" \
	    -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' -X POST \
	    -H 'Content-Type: application/json' --data-binary "$2" \
	    "$L$1") || CODE=000
}

# pub_post JSON: the public problem report endpoint.
pub_post() {
	CODE=$(curl -s -S --max-time 30 -o "$TMP/b" -D "$TMP/h" \
	    -w '%{http_code}' -H 'Content-Type: application/json' \
	    --data-binary "$1" "$BASE/problem-report") || CODE=000
}

# enrol NAME PASSWORD: logs in, enrols TOTP; sets TOKEN (now a full
# session) and SECRET. The confirming code's step is used up.
enrol() {
	api POST /login -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"$1\",\"password\":\"$2\"}"
	[ "$CODE" = 200 ] || fail "login $1: HTTP $CODE: $(cat "$TMP/b")"
	TOKEN=$(jfield token)
	post /mfa/enrol '{}' "$TOKEN"
	[ "$CODE" = 200 ] || fail "enrol $1: HTTP $CODE: $(cat "$TMP/b")"
	SECRET=$(jfield secret)
	post /mfa/confirm "{\"totp\":\"$(oathtool --totp -b "$SECRET")\"}" \
	    "$TOKEN"
	[ "$CODE" = 200 ] || fail "confirm $1: HTTP $CODE: $(cat "$TMP/b")"
}

# next_step: waits for the next 30 s TOTP step, so codes are fresh again.
next_step() {
	sleep $((30 - $(date +%s) % 30 + 1))
}

# wrong_code SECRET: a 6-digit code that is not the current one.
wrong_code() {
	_c=$(oathtool --totp -b "$1")
	printf '%06d\n' $(( (1${_c} - 1000000 + 500000) % 1000000 ))
}

# mail_to ADDR PATTERN: within 10 s a message to ADDR whose text matches.
mail_to() {
	_t=0
	while [ $_t -lt 100 ]; do
		for _m in "$MAILDIR"/*.eml; do
			[ -f "$_m" ] || continue
			if grep -q "^X-Envelope-To: $1" "$_m" &&
			    tr -d '\r' < "$_m" | grep -q -- "$2"; then
				ok "mail to $1: $2"
				return 0
			fi
		done
		sleep 0.1
		_t=$((_t + 1))
	done
	fail "no mail to $1 saying '$2'"
}

serial_of() {
	openssl x509 -in "$1" -noout -serial | sed 's/.*=//'
}

# issue NAME POLICY SUBJECT [ARGS...]: NAME.pem, NAME.key, issuer in
# NAME-ca.pem; the serial in NAME.serial.
issue() {
	_n=$1 _p=$2 _s=$3
	shift 3
	_bits=2048
	[ "$_p" = codesign ] && _bits=3072
	make_csr "$TMP/$_n" "$_bits"
	inkan_ok "issue $_n" --dir "$CA" --passphrase-file "$PASS" issue \
	    --policy "$_p" --csr "$TMP/$_n.csr" --subject "$_s" \
	    --out "$TMP/$_n.pem" --chain-out "$TMP/$_n-chain.pem" "$@"
	awk '/BEGIN/ { n++ } n == 1' "$TMP/$_n-chain.pem" > "$TMP/$_n-ca.pem"
	serial_of "$TMP/$_n.pem" > "$TMP/$_n.serial"
}

# ocsp NAME ISSUER: `openssl ocsp` against inkand, verified; its output
# in $TMP/ocsp.out, the status word printed.
ocsp() {
	openssl ocsp -issuer "$TMP/$1-ca.pem" -cert "$TMP/$1.pem" \
	    -url "$BASE/ocsp/$2" -CAfile "$TMP/roots.pem" -no_nonce \
	    -timeout 10 > "$TMP/ocsp.out" 2>&1 || :
	grep -q 'Response verify OK' "$TMP/ocsp.out" || {
		sed 's/^/#   openssl ocsp: /' "$TMP/ocsp.out" >&2
		fail "openssl ocsp $1: response does not verify"
	}
	awk -v f="$TMP/$1.pem" 'index($0, f ": ") == 1 { print $2; exit }' \
	    "$TMP/ocsp.out"
}

# ocsp_wait NAME ISSUER STATUS [REASON]: polls for 10 s (the worker loads
# new answers every second).
ocsp_wait() {
	_i=0
	while [ $_i -lt 50 ]; do
		if [ "$(ocsp "$1" "$2")" = "$3" ] && { [ $# -lt 4 ] ||
		    grep -q "Reason: $4" "$TMP/ocsp.out"; }; then
			ok "openssl ocsp: $1 $3${4:+ ($4)}"
			return 0
		fi
		sleep 0.2
		_i=$((_i + 1))
	done
	sed 's/^/#   openssl ocsp: /' "$TMP/ocsp.out" >&2
	fail "openssl ocsp never said $3${4:+ ($4)} for $1"
}

# in_crl NAME URLPATH [REASON]: the CA's CRL from the repository lists
# NAME (with that reason, as openssl crl words it).
in_crl() {
	curl -s -S --max-time 10 -o "$TMP/crl.der" "$BASE/repository/$2" ||
	    fail "CRL $2 not served"
	openssl crl -inform DER -in "$TMP/crl.der" -noout -text \
	    > "$TMP/crl.txt" 2>&1 || fail "openssl crl: $(cat "$TMP/crl.txt")"
	grep -q "Serial Number: $(cat "$TMP/$1.serial")" "$TMP/crl.txt" ||
	    fail "the CRL does not list $1"
	if [ $# -ge 3 ]; then
		grep -A 4 "Serial Number: $(cat "$TMP/$1.serial")" "$TMP/crl.txt" |
		    grep -q "$3" || fail "the CRL gives $1 another reason than $3"
	fi
	ok "the CRL lists $1${3:+ ($3)}"
}

status_of() {
	"$INKAN" --dir "$CA" list > "$TMP/list.out" 2>&1 ||
	    fail "inkan list: $(cat "$TMP/list.out")"
	awk -v s="$(cat "$TMP/$1.serial")" '$0 ~ s { print; exit }' \
	    "$TMP/list.out"
}

# unchanged NAME: the certificate is still good (store and OCSP).
unchanged() {
	[ "$(ocsp "$1" "${2:-pubca1}")" = good ] ||
	    fail "$1 changed: $(cat "$TMP/ocsp.out")"
}

FRESH=$(date -u -d '-20 days' +%F)
init_ca "$CA"
REPO=$CA/repository
cat "$REPO/certs/rootca1.pem" "$REPO/certs/rootca2.pem" \
    "$REPO/certs/rootca3.pem" > "$TMP/roots.pem" 2>/dev/null ||
    cat "$REPO"/certs/rootca*.pem > "$TMP/roots.pem"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" \
    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
    -out "$TMP/tls.pem" 2>/dev/null || fail "openssl cannot make tls.pem"

# --- organisations, LRAs, accounts -------------------------------------------------

for o in acme-lra other-lra; do
	inkan_ok "register $o" --dir "$CA" org add "$o" --display-name "$o K.K." \
	    --kind lra --evidence "seal-certificate:$FRESH:Minato City Office"
	inkan_ok "settings $o" --dir "$CA" org set "$o" \
	    --policies client,document --optional-items ou
	inkan_ok "approve $o" --dir "$CA" org approve "$o"
done
issue lra client "/C=JP/O=ACME K.K./CN=ACME LRA"
inkan_refuses "issue for an unknown organisation" 1 "no approved organisation" \
    --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/lra.csr" --subject /CN=x --org nosuch-org
inkan_ok "bind acme-lra's certificate" --dir "$CA" org bind-cert acme-lra \
    --cert "$TMP/lra.pem"
issue lra2 client "/C=JP/O=Other K.K./CN=Other LRA"
inkan_ok "bind other-lra's certificate" --dir "$CA" org bind-cert other-lra \
    --cert "$TMP/lra2.pem"

for a in op1 op2 op3 op4; do
	printf '%s operator password\n' "$a" > "$TMP/$a.pw"
	inkan_ok "add RA operator $a" --dir "$CA" account add "$a" --role ra \
	    --password-file "$TMP/$a.pw"
done
printf 'auditor password 42\n' > "$TMP/aud.pw"
inkan_ok "add auditor" --dir "$CA" account add aud --role auditor \
    --password-file "$TMP/aud.pw"
printf 'lra operator password\n' > "$TMP/lraop.pw"
inkan_ok "add LRA operator" --dir "$CA" account add lraop --role lra \
    --org acme-lra --password-file "$TMP/lraop.pw"
printf 'other lra operator pw\n' > "$TMP/otherop.pw"
inkan_ok "add other LRA's operator" --dir "$CA" account add otherop \
    --role lra --org other-lra --password-file "$TMP/otherop.pw"

# --- subscriber certificates ------------------------------------------------------

issue own client "/C=JP/O=ACME K.K./CN=Taro Yamada" --org acme-lra \
    --email taro@acme.example
issue foreign client "/C=JP/O=Other K.K./CN=Hanako Sato" --org other-lra
issue cs codesign "/C=JP/ST=Tokyo/O=ACME K.K./CN=ACME Code" --org acme-lra \
    --subscriber-email dev@acme.example --subscriber-password-out "$TMP/cs.pw"
issue disc client "/C=JP/O=Example Corp/CN=Discretion"
issue kc client "/C=JP/O=Example Corp/CN=Leaky"
issue tri client "/C=JP/O=Example Corp/CN=Misused"
issue dis client "/C=JP/O=Example Corp/CN=Innocent"
issue sub client "/C=JP/O=Example Corp/CN=Subscriber" \
    --subscriber-email sub@example.jp --subscriber-password-out "$TMP/sub.pw"
cp "$TMP/out" "$TMP/issue-sub.out"
issue lock client "/C=JP/O=Example Corp/CN=Locked" \
    --subscriber-password-out "$TMP/lock.pw"
# A subject with markup: the page must show it as text.
issue xss client '/C=JP/O=Example & "Corp"/CN=A <b>'"'"'x'"'"'<\/b>' \
    --subscriber-password-out "$TMP/xss.pw"

# CP-4.9.15: the password goes to its own file (0600), never to stdout.
[ "$(file_mode "$TMP/sub.pw")" = 600 ] ||
    fail "sub.pw mode $(file_mode "$TMP/sub.pw")"
SUBPW=$(cat "$TMP/sub.pw")
[ ${#SUBPW} -eq 24 ] || fail "subscriber password of ${#SUBPW} characters"
grep -qF "$SUBPW" "$TMP/issue-sub.out" "$TMP/err" "$TMP/sub.pem" &&
    fail "the subscriber password was printed"
ok "subscriber password: 24 characters, only in its 0600 file"
inkan_refuses "password file next to the certificate" 1 "file of its own" \
    --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/sub.csr" --subject /CN=x --out "$TMP/x.pem" \
    --subscriber-password-out "$TMP/x.pem"
sqlite3 "$CA/inkan.db" "SELECT pw_hash FROM ra_subscriber_creds" \
    > "$TMP/hashes" 2>/dev/null || :
if [ -s "$TMP/hashes" ]; then
	grep -q '^\$argon2id\$' "$TMP/hashes" || fail "not Argon2id: $(head -1 "$TMP/hashes")"
	grep -qF "$SUBPW" "$TMP/hashes" && fail "password stored in clear"
	ok "the store keeps Argon2id strings only"
fi
audited "owner record" '"type":"ra\.cert\.owner".*"outcome":"ok"'
audited "login issued" '"type":"ra\.subscriber\.credential".*"outcome":"ok"'

# Notices go through a real SMTP server (aiosmtpd).
start_smtp
printf '\n[mail]\nsmtp_url = smtp://127.0.0.1:%s\nfrom = ra@inkan.example\n' \
    "$SMTP_PORT" >> "$CA/inkan.conf"

RA_TLS=1 start_inkand

for a in op1 op2 op3 op4; do
	enrol "$a" "$a operator password"
	eval "TOK_$a=\$TOKEN SEC_$a=\$SECRET"
done
enrol aud "auditor password 42"
TOK_aud=$TOKEN
enrol lraop "lra operator password"
SEC_lraop=$SECRET
enrol otherop "other lra operator pw"
SEC_otherop=$SECRET
ok "operators enrolled TOTP (full sessions)"

# --- hostile input before anything is fresh ------------------------------------------

OWN=$(cat "$TMP/own.serial")
lra_post "/certificates/pubca1/$OWN/revoke" '{"operator":"lraop"'
expect "LRA: malformed JSON" 400 malformed_json
lra_post "/certificates/pubca1/$OWN/revoke" '[1,2]'
expect "LRA: not an object" 400 malformed_json
lra_post "/certificates/pubca1/$OWN/revoke" '{"operator":"lraop","reason":"keyCompromise","grounds":"x"}'
expect "LRA: TOTP missing" 400 missing_member
lra_post "/certificates/pubca1/$OWN/revoke" '{"operator":"lraop","totp":123456,"reason":"keyCompromise","grounds":"x"}'
expect "LRA: TOTP of the wrong type" 400 wrong_type
lra_post "/certificates/pubca1/$OWN/revoke" '{"operator":"lraop","totp":"1","reason":"keyCompromise","grounds":"x","admin":true}'
expect "LRA: unknown member" 400 unknown_member
lra_post "/certificates/pubca1/$OWN/revoke" "{\"operator\":\"lraop\",\"totp\":\"1\",\"reason\":\"keyCompromise\",\"grounds\":\"$(head -c 9000 /dev/zero | tr '\0' a)\"}"
expect "LRA: oversized body" 413 too_large
lra_post "/certificates/pubca1/$OWN/revoke" '{"operator":"lraop","totp":"1","reason":"removeFromCRL","grounds":"x"}'
expect "LRA: removeFromCRL" 400 invalid
lra_post "/certificates/pubca1/$OWN/revoke" '{"operator":"lraop","totp":"1","reason":"certificateHold","grounds":"x"}'
expect "LRA: hold is the subscriber's (CP-4.9.14)" 400 invalid
lra_post "/certificates/pubca1/ZZ-not-hex/revoke" '{}'
expect "LRA: serial not hex" 404 not_found
lra_post "/certificates/pubca1/$OWN'%20OR%201=1--/revoke" '{}'
expect "LRA: SQL-looking serial" 404 not_found
lra_post "/certificates/pubca1/AB/revoke" '{"operator":"lraop","totp":"123456","reason":"keyCompromise","grounds":"x"}'
expect "LRA: unknown serial" 404 not_found
lra_post "/certificates/pubca1/$OWN/revoke" "{\"operator\":\"lraop' OR '1'='1\",\"totp\":\"123456\",\"reason\":\"keyCompromise\",\"grounds\":\"'; DROP TABLE certificates; --\"}"
expect "LRA: SQL-looking operator" 401 bad_credentials
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' --cacert "$TMP/tls.pem" \
    -X POST -H 'Content-Type: application/json' --data-binary '{}' \
    "$L/certificates/pubca1/$OWN/revoke") || CODE=000
[ "$CODE" = 401 ] || fail "LRA revocation without a client certificate: $CODE"
ok "LRA revocation without a client certificate: 401"
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' -X POST \
    -H 'Content-Type: application/json' --data-binary '{}' \
    "$BASE/lra/v1/certificates/pubca1/$OWN/revoke") || CODE=000
[ "$CODE" = 404 ] || fail "plain HTTP serves LRA revocation: $CODE"
ok "the plain listener does not serve LRA revocations"

# --- LRA scope (CP-1.3.2, 4.9.3): refused before any TOTP ------------------------------

FOREIGN=$(cat "$TMP/foreign.serial")
CS=$(cat "$TMP/cs.serial")
DISC=$(cat "$TMP/disc.serial")
code=$(oathtool --totp -b "$SEC_lraop")
lra_post "/certificates/pubca1/$FOREIGN/revoke" "{\"operator\":\"lraop\",\"totp\":\"$code\",\"reason\":\"keyCompromise\",\"grounds\":\"subscriber reported\"}"
expect "LRA: another organisation's certificate" 403 forbidden
has "does not belong" "another organisation"
lra_post "/certificates/codesign-g1/$CS/revoke" "{\"operator\":\"lraop\",\"totp\":\"$code\",\"reason\":\"keyCompromise\",\"grounds\":\"subscriber reported\"}"
expect "LRA: own organisation's code-signing certificate" 403 forbidden
has "policy" "code signing policy"
lra_post "/certificates/pubca1/$DISC/revoke" "{\"operator\":\"lraop\",\"totp\":\"$code\",\"reason\":\"keyCompromise\",\"grounds\":\"subscriber reported\"}"
expect "LRA: a certificate of no organisation" 403 forbidden
audited "LRA scope refusal" '"type":"ra\.revoke\.request".*"outcome":"denied".*does not belong'
audited "LRA policy refusal" '"type":"ra\.revoke\.request".*"outcome":"denied".*client and document'
unchanged foreign
unchanged cs codesign-g1
unchanged disc

# --- RA operator: hostile and refused ---------------------------------------------------

post /revocations '{"serial":"'"$DISC"'","reason":"keyCompromise","grounds":"key_compromise","totp":"123456"}' "$TOK_aud"
expect "auditor may not revoke" 403 forbidden
audited "auditor refusal" '"type":"ra\.revoke\.request".*"actor":"aud".*"outcome":"denied"'
post /revocations '{"serial":"'"$DISC"'","reason":"keyCompromise","grounds":"because","totp":"123456"}' "$TOK_op1"
expect "grounds not of CP-4.9.1" 400 invalid
post /revocations '{"serial":"'"$DISC"'","reason":"certificateHold","grounds":"misuse","totp":"123456"}' "$TOK_op1"
expect "RA operator may not suspend (CP-4.9.14)" 400 invalid
post /revocations '{"serial":"'"$DISC"'","reason":"keyCompromise","grounds":"other","totp":"123456"}' "$TOK_op1"
expect "grounds other without a note" 400 invalid
post /revocations '{"serial":"1 OR 1=1","reason":"keyCompromise","grounds":"misuse","totp":"123456"}' "$TOK_op1"
expect "SQL-looking serial" 400 invalid
post /revocations '{"serial":"'"$DISC"'","issuer":"pubca1; DROP TABLE x","reason":"keyCompromise","grounds":"misuse","totp":"123456"}' "$TOK_op1"
expect "SQL-looking issuer" 400 invalid
post /revocations '{"serial":"'"$DISC"'","reason":"keyCompromise","grounds":"misuse"}' "$TOK_op1"
expect "no TOTP" 400 missing_member
# CA and responder certificates are revoked at the console, never over HTTP.
RESP=$(openssl x509 -in "$(ls "$CA"/ocsp/*.pem | head -1)" -noout -serial | sed 's/.*=//')
post /revocations '{"serial":"'"$RESP"'","reason":"keyCompromise","grounds":"key_compromise","totp":"123456"}' "$TOK_op1"
expect "a responder certificate over the API" 403 forbidden
has "console" "responder certificate"
post /revocations '{"serial":"'"$DISC"'","reason":"keyCompromise","grounds":"misuse","totp":"'"$(wrong_code "$SEC_op1")"'"}' "$TOK_op1"
expect "RA operator: wrong TOTP" 401 bad_credentials
post /revocations '{"serial":"'"$DISC"'","reason":"keyCompromise","grounds":"misuse","totp":"1"}' "no-such-token"
expect "no session" 401 unauthenticated
audited "wrong TOTP" '"type":"ra\.totp\.confirm".*"actor":"op1".*"outcome":"failed"'
unchanged disc

# LRA operator: wrong TOTP, another LRA's operator.
lra_post "/certificates/pubca1/$OWN/revoke" "{\"operator\":\"lraop\",\"totp\":\"$(wrong_code "$SEC_lraop")\",\"reason\":\"keyCompromise\",\"grounds\":\"subscriber reported\"}"
expect "LRA: wrong TOTP" 401 bad_credentials
lra_post "/certificates/pubca1/$OWN/revoke" "{\"operator\":\"otherop\",\"totp\":\"$(oathtool --totp -b "$SEC_otherop")\",\"reason\":\"keyCompromise\",\"grounds\":\"subscriber reported\"}"
expect "LRA: another LRA's operator" 403 forbidden
audited "LRA wrong TOTP" '"type":"ra\.totp\.confirm".*"actor":"lraop".*"outcome":"failed"'
unchanged own

# --- problem reports: proofs (CP-1.5.2, 4.9.1) -----------------------------------------

KC=$(cat "$TMP/kc.serial")
TRI=$(cat "$TMP/tri.serial")
# A proof by the certificate's key, naming it; one by another key; one
# naming another certificate.
openssl req -new -key "$TMP/kc.key" -subj "/CN=key compromise/serialNumber=$KC" \
    -out "$TMP/proof.csr" 2>/dev/null || fail "openssl req: proof"
openssl req -new -key "$TMP/tri.key" -subj "/CN=key compromise/serialNumber=$KC" \
    -out "$TMP/wrongkey.csr" 2>/dev/null || fail "openssl req: wrong key"
openssl req -new -key "$TMP/kc.key" -subj "/CN=key compromise/serialNumber=$TRI" \
    -out "$TMP/othercert.csr" 2>/dev/null || fail "openssl req: other cert"
openssl req -new -key "$TMP/kc.key" -subj "/CN=csr-subject-ignored" \
    -out "$TMP/plain.csr" 2>/dev/null || fail "openssl req: plain"
jsonpem() { awk '{ printf "%s\\n", $0 }' "$1"; }

pub_post "{\"serial\":\"$KC\",\"kind\":\"key_compromise\",\"description\":\"found on a paste site\",\"contact\":\"finder@example.org\",\"proof\":\"$(jsonpem "$TMP/wrongkey.csr")\"}"
expect "proof signed by another key" 400 invalid
pub_post "{\"serial\":\"$KC\",\"kind\":\"key_compromise\",\"description\":\"found\",\"contact\":\"finder@example.org\",\"proof\":\"$(jsonpem "$TMP/othercert.csr")\"}"
expect "proof naming another certificate" 400 invalid
pub_post "{\"serial\":\"$KC\",\"kind\":\"key_compromise\",\"description\":\"found\",\"contact\":\"finder@example.org\",\"proof\":\"$(jsonpem "$TMP/plain.csr")\"}"
expect "an ordinary request of the key is no proof" 400 invalid
audited "refused proof" '"type":"ra\.report\.submit".*"outcome":"denied".*another key'
unchanged kc
get /reports "$TOK_op1"
expect "no report recorded for refused proofs" 200
has '"reports":[]' "reports after refusals"

pub_post "{\"certificate\":\"$(jsonpem "$TMP/kc.pem")\",\"kind\":\"key_compromise\",\"description\":\"found on a paste site\",\"contact\":\"finder@example.org\",\"proof\":\"$(jsonpem "$TMP/proof.csr")\"}"
expect "valid proof of key compromise" 201
has '"state":"revoked"' "valid proof"
has '"revoked":true' "valid proof"
ocsp_wait kc pubca1 revoked keyCompromise
in_crl kc pfm20pub/ca1/fullCRL.crl
ok "a verified proof revoked at once: OCSP and CRL (SBR/CSBR 4.9.1.1)"
mail_to finder@example.org "the certificate is revoked"
# A report about a certificate already revoked: a revoking decision is
# refused before any TOTP code is spent.
pub_post "{\"serial\":\"$KC\",\"kind\":\"misuse\",\"description\":\"also misused\",\"contact\":\"late@example.org\"}"
expect "report about a revoked certificate" 202
LATE_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/b")
post "/reports/$LATE_ID/decide" '{"decision":"revoke","reason":"keyCompromise","grounds":"key_compromise","note":"x","totp":"000000"}' "$TOK_op2"
expect "decision to revoke a revoked certificate" 409 conflict
has "already revoked" "revoked certificate"
audited "report revocation" '"type":"cert\.revoke","actor":"report:[0-9]*","role":"reporter".*"outcome":"ok".*keyCompromise'

# Hostile reports.
pub_post '{"serial":"'"$TRI"'","kind":"misuse"'
expect "report: malformed JSON" 400 malformed_json
pub_post '{"serial":"'"$TRI"'","kind":"misuse","description":"x"}'
expect "report: no contact" 400 missing_member
pub_post '{"serial":"'"$TRI"'","kind":"fraud","description":"x","contact":"y"}'
expect "report: unknown kind" 400 invalid
pub_post '{"serial":"'"$TRI"'","certificate":"x","kind":"misuse","description":"x","contact":"y"}'
expect "report: serial and certificate" 400 invalid
pub_post '{"serial":"'"'"' OR 1=1 --","kind":"misuse","description":"x","contact":"y"}'
expect "report: SQL-looking serial" 400 invalid
pub_post '{"serial":"0123456789ABCDEF","kind":"misuse","description":"x","contact":"y"}'
expect "report: not our certificate" 404 not_found
pub_post "{\"serial\":\"$TRI\",\"kind\":\"misuse\",\"description\":\"$(head -c 41000 /dev/zero | tr '\0' a)\",\"contact\":\"y\"}"
expect "report: oversized" 413 too_large
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' -H 'Content-Type: text/plain' \
    --data-binary x "$BASE/problem-report") || CODE=000
[ "$CODE" = 415 ] || fail "report as text/plain: $CODE"
ok "report: text/plain refused (415)"
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' "$BASE/problem-report") || CODE=000
[ "$CODE" = 405 ] || fail "GET /problem-report: $CODE"

# The documented report (docs/api.md), as written: no proof, so triage.
cat > report.json <<JSON
{"serial": "$TRI", "issuer": "pubca1", "kind": "misuse",
 "description": "Used to sign phishing mails; '; DROP TABLE ra_problem_reports; --",
 "contact": "abuse@example.org"}
JSON
curl -sS -H 'Content-Type: application/json' -d @report.json "$BASE/problem-report" > "$TMP/b"
has '"state":"pending"' "report without proof"
TRI_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/b")
mail_to abuse@example.org "A preliminary report follows by"
has '"revoke_by"' "deadline"
pub_post "{\"serial\":\"$(cat "$TMP/dis.serial")\",\"issuer\":\"pubca1\",\"kind\":\"other\",\"description\":\"<script>alert(1)</script>\",\"contact\":\"someone\"}"
expect "a second report" 202
DIS_ID=$(sed -n 's/.*"id":\([0-9]*\).*/\1/p' "$TMP/b")
unchanged tri
# A flood from one address is cut off (10 reports a minute).
_n=0
while [ $_n -lt 12 ]; do
	pub_post '{"serial":"0123456789ABCDEF","kind":"misuse","description":"x","contact":"y"}'
	[ "$CODE" = 429 ] && break
	_n=$((_n + 1))
done
[ "$CODE" = 429 ] || fail "no rate limit on problem reports"
grep -q '"error":"too_many_reports"' "$TMP/b" && grep -qi '^retry-after: 60' "$TMP/h" ||
    fail "rate limit answer: $(cat "$TMP/b")"
ok "problem reports: at most 10 a minute from one address (429)"
get "/reports/$TRI_ID" "$TOK_op2"
expect "report for triage" 200
has '"state":"pending"' "triage"
has '"proof":"none"' "triage"
has 'DROP TABLE' "report description kept as text"
# CP-4.9.5: 24 h to the preliminary report, 5 days to revoke for misuse.
RCV=$(sed -n 's/.*"received_at":\([0-9]*\).*/\1/p' "$TMP/b")
DUE=$(sed -n 's/.*"report_due_at":\([0-9]*\).*/\1/p' "$TMP/b")
BY=$(sed -n 's/.*"revoke_by":\([0-9]*\).*/\1/p' "$TMP/b")
[ $((DUE - RCV)) -eq 86400 ] && [ $((BY - RCV)) -eq 432000 ] ||
    fail "deadlines: received $RCV, due $DUE, revoke by $BY"
ok "report deadlines recorded (24 h report, 5 days revocation)"
get /reports "$TOK_aud"
expect "auditors read reports" 200
post "/reports/$TRI_ID/decide" '{"decision":"revoke","reason":"privilegeWithdrawn","grounds":"misuse","note":"x","totp":"1"}' "$TOK_aud"
expect "auditor may not decide" 403 forbidden
post "/reports/$TRI_ID/decide" '{"decision":"maybe","note":"x","totp":"1"}' "$TOK_op2"
expect "decision neither revoke nor dismiss" 400 invalid
post "/reports/$TRI_ID/decide" '{"decision":"revoke","note":"x","totp":"1"}' "$TOK_op2"
expect "revoke without reason and grounds" 400 missing_member
post "/reports/99999/decide" '{"decision":"dismiss","note":"x","totp":"1"}' "$TOK_op2"
expect "unknown report" 404 not_found
post "/reports/abc/decide" '{"decision":"dismiss","note":"x","totp":"1"}' "$TOK_op2"
expect "report id not a number" 404 not_found

# --- fresh TOTP codes: one step after the enrolments -------------------------------------

next_step

# LRA: its own organisation's certificate (CP-4.9.3).
# (The documented command, as written.)
SERIAL=$OWN
cat > lra-revoke.json <<JSON
{"operator": "lraop", "totp": "$(oathtool --totp -b "$SEC_lraop")",
 "reason": "keyCompromise", "grounds": "the subscriber lost the token"}
JSON
curl -sS --cacert tls.pem --cert lra.pem --key lra.key -H 'Content-Type: application/json' -d @lra-revoke.json "$L/certificates/pubca1/$SERIAL/revoke" > "$TMP/b"
has '"status":"revoked"' "LRA revocation"
has '"state":"done"' "LRA revocation"
ok "the LRA revoked its own organisation's certificate (CP-4.9.3)"
ocsp_wait own pubca1 revoked keyCompromise
in_crl own pfm20pub/ca1/fullCRL.crl
mail_to taro@acme.example "was revoked (keyCompromise) at the request of your LRA"
audited "LRA revocation" '"type":"ra\.revoke\.request".*"role":"lra".*"outcome":"ok".*operator lraop'
lra_post "/certificates/pubca1/$OWN/revoke" "{\"operator\":\"lraop\",\"totp\":\"$(oathtool --totp -b "$SEC_lraop")\",\"reason\":\"keyCompromise\",\"grounds\":\"again\"}"
expect "LRA: already revoked" 409 conflict

# RA operator at the CA's discretion, with CP-4.9.1 grounds.
cat > revoke.json <<JSON
{"serial": "$DISC", "issuer": "pubca1", "reason": "privilegeWithdrawn",
 "grounds": "misuse", "note": "used outside the contract",
 "totp": "$(oathtool --totp -b "$SEC_op1")"}
JSON
TOKEN=$TOK_op1
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @revoke.json "$U/revocations" > "$TMP/b"
has '"state":"done"' "RA operator revocation"
# The same code again: the step is used (CP-6.5.1, RFC 6238 §5.2).
sed 's/"serial": "[0-9A-F]*"/"serial": "'"$(cat "$TMP/dis.serial")"'"/' revoke.json > replay.json
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @replay.json "$U/revocations" > "$TMP/b"
has '"error":"totp_replayed"' "replayed TOTP"
# (openssl ocsp has no name for reason 9: the CRL shows it.)
ocsp_wait disc pubca1 revoked
in_crl disc pfm20pub/ca1/fullCRL.crl "Privilege Withdrawn"
curl -sS -H "Authorization: Bearer $TOKEN" "$U/revocations" > "$TMP/b"
has '"grounds":"misuse: used outside the contract"' "request list"
has '"requester_kind":"ra"' "request list"
has '"requester_kind":"lra"' "request list"
has '"requester_kind":"reporter"' "request list"
ok "revocation requests listed with requester, reason, grounds, state"

# Triage: revoke one report, dismiss the other.
TOKEN=$TOK_op2
printf '{"decision":"revoke","reason":"privilegeWithdrawn","grounds":"misuse","note":"phishing confirmed","totp":"%s"}\n' \
    "$(oathtool --totp -b "$SEC_op2")" > decide.json
ID=$TRI_ID
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @decide.json "$U/reports/$ID/decide" > "$TMP/b"
has '"state":"revoked"' "report decided"
has '"decided_by":"op2"' "report decided"
ocsp_wait tri pubca1 revoked
in_crl tri pfm20pub/ca1/fullCRL.crl "Privilege Withdrawn"
curl -sS -H "Authorization: Bearer $TOKEN" "$U/reports" > "$TMP/b"
has '"state":"revoked"' "reports list"
post "/reports/$DIS_ID/decide" "{\"decision\":\"dismiss\",\"note\":\"not ours to judge\",\"totp\":\"$(oathtool --totp -b "$SEC_op3")\"}" "$TOK_op3"
expect "dismiss a report" 200
has '"state":"dismissed"' "dismissed"
unchanged dis
post "/reports/$DIS_ID/decide" "{\"decision\":\"dismiss\",\"note\":\"again\",\"totp\":\"$(oathtool --totp -b "$SEC_op4")\"}" "$TOK_op4"
expect "a decided report is final" 409 conflict
audited "triage" '"type":"ra\.report\.decide".*"actor":"op2".*"outcome":"ok"'

# A revoked LRA certificate is refused at once (CP-4.9.3).
LRA=$(cat "$TMP/lra.serial")
post /revocations "{\"serial\":\"$LRA\",\"reason\":\"affiliationChanged\",\"grounds\":\"info_changed\",\"totp\":\"$(oathtool --totp -b "$SEC_op4")\"}" "$TOK_op4"
expect "RA operator revokes the LRA's certificate" 201
lra_post "/certificates/pubca1/$FOREIGN/revoke" "{\"operator\":\"lraop\",\"totp\":\"123456\",\"reason\":\"keyCompromise\",\"grounds\":\"x\"}"
expect "revoked LRA certificate" 403 certificate_refused
unchanged foreign

# --- the suspension page (CP-4.9.13-4.9.15) ----------------------------------------------

SUB=$(cat "$TMP/sub.serial")
JAR=$TMP/jar	# "jar" in the documented commands ($TMP is the folder)
S=$BASE/subscriber
# page METHOD PATH [CURL ARGS...]: status in CODE, body $TMP/b, headers $TMP/h.
page() {
	_m=$1 _p=$2
	shift 2
	CODE=$(curl -s -S --max-time 20 -X "$_m" -b "$JAR" -c "$JAR" \
	    -o "$TMP/b" -D "$TMP/h" -w '%{http_code}' "$@" "$S$_p") ||
	    CODE=000
}
page GET /
[ "$CODE" = 200 ] || fail "login page: $CODE"
grep -qi "^content-security-policy: default-src 'none'; style-src 'sha256-" \
    "$TMP/h" || fail "CSP: $(grep -i security-policy "$TMP/h")"
grep -qi '^content-type: text/html' "$TMP/h" || fail "login page type"
grep -Eqi 'src=|href="http|<script' "$TMP/b" && fail "external asset or script"
# The inline style's hash is the one the CSP names.
H=$(sed -n 's/.*<style>\(.*\)<\/style>.*/\1/p' "$TMP/b" | tr -d '\n' |
    openssl dgst -sha256 -binary | openssl base64 -A)
grep -qiF "'sha256-$H'" "$TMP/h" || fail "CSP hash is not the style's ($H)"
ok "login page: plain HTML, CSP default-src 'none' with the style's hash"

# Login CSRF: the form carries a pre-session token that is also a
# SameSite=Strict cookie; a login without both, equal, is refused (403),
# checks nothing and is audited.
grep -qi '^set-cookie: inkan_sub_login=[A-Za-z0-9_-]\{43\}; Path=/subscriber; Max-Age=3600; Secure; HttpOnly; SameSite=Strict' \
    "$TMP/h" || fail "login cookie: $(grep -i set-cookie "$TMP/h")"
login_token() {
	LCSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/b" | head -1)
	[ ${#LCSRF} -eq 43 ] || fail "login form token '$LCSRF'"
}
login_token
grep -qF "inkan_sub_login=$LCSRF" "$TMP/h" || fail "form token is not the cookie"
page GET /
grep -qF "name=\"csrf\" value=\"$LCSRF\"" "$TMP/b" || fail "login token not kept"
grep -qi '^set-cookie' "$TMP/h" && fail "login cookie set again"
page POST /login --data-urlencode "serial=$SUB" --data-urlencode "password=$SUBPW"
[ "$CODE" = 403 ] || fail "login without the form's token: $CODE"
grep -q 'CSRF token missing or wrong' "$TMP/b" || fail "login CSRF page: $(cat "$TMP/b")"
grep -qi '^set-cookie: inkan_sub=' "$TMP/h" && fail "a session despite the CSRF refusal"
audited "login CSRF, no token" '"type":"ra\.subscriber\.csrf".*"object":"subscriber-login","outcome":"denied","detail":\{"note":"login form without CSRF token"'
# A cross-site POST: the attacker's page cannot send the victim's
# SameSite=Strict cookie, nor read its value.
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' -H 'Origin: https://evil.example' \
    --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$SUB" \
    --data-urlencode "password=$SUBPW" "$S/login") || CODE=000
[ "$CODE" = 403 ] || fail "cross-site login (no cookie): $CODE"
audited "login CSRF, no cookie" '"type":"ra\.subscriber\.csrf".*"object":"subscriber-login","outcome":"denied","detail":\{"note":"login form without the page.s cookie'
OTHER=$(printf '%s' "$LCSRF" | tr 'A-Za-z' 'B-ZAb-za')
page POST /login --data-urlencode "csrf=$OTHER" --data-urlencode "serial=$SUB" --data-urlencode "password=$SUBPW"
[ "$CODE" = 403 ] || fail "login with another token: $CODE"
audited "login CSRF, other token" '"type":"ra\.subscriber\.csrf".*"object":"subscriber-login","outcome":"denied","detail":\{"note":"login form whose CSRF token is not'
grep '"type":"ra\.subscriber\.login"' "$TMP/audit.jsonl" | grep -q "$SUB" &&
    fail "a refused login form was checked (ra.subscriber.login recorded)"
unchanged sub
ok "login CSRF: without the form token, without the cookie, or with another: 403, audited, nothing checked"

page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$SUB" --data-urlencode "password=wrong password here"
[ "$CODE" = 401 ] || fail "wrong password: $CODE"
page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=<b>$SUB</b>" --data-urlencode "password=x"
[ "$CODE" = 400 ] || fail "markup in serial: $CODE"
grep -q '<b>' "$TMP/b" && fail "markup echoed"
page POST /login -H 'Content-Type: application/json' --data-binary '{}'
[ "$CODE" = 415 ] || fail "JSON login: $CODE"
page POST /login --data-binary "serial=$SUB&password=a&serial=$SUB"
[ "$CODE" = 400 ] || fail "repeated field: $CODE"
page POST /login --data-binary "serial=$SUB&password=%00abc"
[ "$CODE" = 400 ] || fail "NUL in password: $CODE"
page POST /login --data-binary "serial=$SUB&password=%zz"
[ "$CODE" = 400 ] || fail "bad escape: $CODE"
page POST /login --data-binary "serial=$SUB&password=x&admin=1"
[ "$CODE" = 400 ] || fail "unknown field: $CODE"
page POST /login --data-binary "serial=$SUB&password=$(head -c 5000 /dev/zero | tr '\0' a)"
[ "$CODE" = 413 ] || fail "oversized form: $CODE"
page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=' OR '1'='1" --data-urlencode "password=' OR '1'='1"
[ "$CODE" = 400 ] || fail "SQL-looking serial: $CODE"
ok "login: wrong password, markup, JSON, repeated/unknown fields, NUL, oversized, SQL refused"

# The documented login (docs/api.md), as written.
curl -sS -c jar -b jar -o login.html "$S/"
LCSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' login.html)
curl -sS -c jar -b jar --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$SUB" --data-urlencode "password=$SUBPW" "$S/login" > /dev/null
grep -q 'inkan_sub	' "$JAR" || fail "no session cookie kept: $(cat "$JAR")"
page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$SUB" --data-urlencode "password=$SUBPW"
[ "$CODE" = 303 ] || fail "login: $CODE $(cat "$TMP/b")"
grep -qi '^set-cookie: inkan_sub=.*; Path=/subscriber; Max-Age=900; Secure; HttpOnly; SameSite=Strict' \
    "$TMP/h" || fail "cookie attributes: $(grep -i set-cookie "$TMP/h")"
ok "login: session cookie Secure, HttpOnly, SameSite=Strict, 15 minutes"
curl -sS -b jar "$S/certificate" > "$TMP/b"
grep -q "$SUB" "$TMP/b" && grep -q 'valid' "$TMP/b" || fail "page: $(cat "$TMP/b")"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/b" | head -1)
[ ${#CSRF} -eq 43 ] || fail "CSRF token '$CSRF'"
grep -q 'action="/subscriber/suspend"' "$TMP/b" || fail "no suspend form"

page POST /suspend --data-binary ""
[ "$CODE" = 403 ] || fail "suspend without CSRF token: $CODE"
page POST /suspend --data-urlencode "csrf=AAAA${CSRF#AAAA}x"
[ "$CODE" = 403 ] || fail "suspend with a wrong CSRF token: $CODE"
BAD=$(printf '%s' "$CSRF" | tr 'A-Za-z' 'B-ZAb-za')
page POST /suspend --data-urlencode "csrf=$BAD"
[ "$CODE" = 403 ] || fail "suspend with another token: $CODE"
audited "CSRF refusal" '"type":"ra\.subscriber\.csrf".*"outcome":"denied"'
unchanged sub
ok "suspension without or with a wrong CSRF token refused, nothing changed"
CODE=$(curl -s -o "$TMP/b" -w '%{http_code}' -X POST \
    --data-urlencode "csrf=$CSRF" "$S/suspend") || CODE=000
[ "$CODE" = 401 ] || fail "suspend without the session cookie: $CODE"

curl -sS -b jar --data-urlencode "csrf=$CSRF" "$S/suspend" > "$TMP/b"
grep -q 'The certificate is suspended' "$TMP/b" || fail "suspend page: $(cat "$TMP/b")"
ocsp_wait sub pubca1 revoked certificateHold
mail_to sub@example.jp "was suspended (certificateHold) at the request of the subscriber"
audited "suspension" '"type":"cert\.suspend","actor":"subscriber of pubca1/[0-9A-F]*","role":"subscriber".*"outcome":"ok"'
page POST /suspend --data-urlencode "csrf=$CSRF"
[ "$CODE" = 409 ] || fail "suspend twice: $CODE"
page POST /revoke --data-urlencode "csrf=$CSRF" --data-urlencode "reason=certificateHold"
[ "$CODE" = 400 ] || fail "revoke with reason hold: $CODE"
page POST /revoke --data-urlencode "csrf=$CSRF" --data-urlencode "reason=keyCompromise" \
    --data-urlencode "details=$(head -c 600 /dev/zero | tr '\0' a)"
[ "$CODE" = 400 ] || fail "revoke with 600 characters of details: $CODE"
curl -sS -b jar --data-urlencode "csrf=$CSRF" --data-urlencode "reason=keyCompromise" "$S/revoke" > "$TMP/b"
grep -q 'revoked (keyCompromise)' "$TMP/b" || fail "revoke page: $(cat "$TMP/b")"
ocsp_wait sub pubca1 revoked keyCompromise
in_crl sub pfm20pub/ca1/fullCRL.crl
ok "CP-4.9.13: the suspension became a revocation (keyCompromise)"
page POST /logout --data-urlencode "csrf=$CSRF"
[ "$CODE" = 303 ] || fail "logout: $CODE"
page GET /certificate
[ "$CODE" = 303 ] || fail "after logout: $CODE"

# Code signing: no suspension (CSBR 4.9.13); revocation offered.
rm -f "$JAR"
page GET /
login_token
page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$CS" --data-urlencode "password=$(cat "$TMP/cs.pw")"
[ "$CODE" = 303 ] || fail "code-signing login: $CODE"
page GET /certificate
grep -q 'action="/subscriber/suspend"' "$TMP/b" && fail "suspend offered for code signing"
grep -q 'cannot be suspended' "$TMP/b" && grep -q 'action="/subscriber/revoke"' "$TMP/b" ||
    fail "code signing page: $(cat "$TMP/b")"
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/b" | head -1)
page POST /suspend --data-urlencode "csrf=$CSRF"
[ "$CODE" = 403 ] || fail "code-signing suspension: $CODE"
grep -q 'CSBR 4.9.13' "$TMP/b" && grep -q 'action="/subscriber/revoke"' "$TMP/b" ||
    fail "refusal page: $(cat "$TMP/b")"
unchanged cs codesign-g1
ok "code signing: suspension refused (CSBR 4.9.13), revocation offered"

# Every echoed value is HTML-escaped.
rm -f "$JAR"
page GET /
login_token
page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$(cat "$TMP/xss.serial")" --data-urlencode "password=$(cat "$TMP/xss.pw")"
[ "$CODE" = 303 ] || fail "markup subject login: $CODE"
page GET /certificate
grep -q '<b>' "$TMP/b" && fail "subject markup echoed as HTML: $(grep -F 'Subject' "$TMP/b")"
grep -qF 'A \&lt;b\&gt;&#39;x&#39;\&lt;/b\&gt;' "$TMP/b" && grep -qF 'Example &amp; \&quot;Corp\&quot;' "$TMP/b" ||
    fail "subject not escaped: $(grep -F 'Subject' "$TMP/b")"
ok "the subject's markup is shown escaped"

# Wrong passwords lock the login (back-off as for accounts).
LOCK=$(cat "$TMP/lock.serial")
rm -f "$JAR"
page GET /
login_token
for i in 1 2 3 4 5; do
	page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$LOCK" --data-urlencode "password=wrong $i"
	[ "$CODE" = 401 ] || fail "wrong password $i: $CODE"
done
page POST /login --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$LOCK" --data-urlencode "password=$(cat "$TMP/lock.pw")"
[ "$CODE" = 429 ] || fail "locked login with the right password: $CODE"
grep -qi '^retry-after: ' "$TMP/h" || fail "no Retry-After"
audited "subscriber lock-out" '"type":"ra\.subscriber\.lockout".*"outcome":"ok"'
ok "five wrong passwords lock the subscriber login (429, Retry-After)"
unchanged lock

# Every refusal left nothing behind: exactly the seven requests carried
# out are recorded (report, LRA, RA, triage, LRA certificate, hold,
# revocation after hold), all done.
get /revocations "$TOK_op1"
expect "revocation requests" 200
[ "$(grep -o '"id":' "$TMP/b" | wc -l)" -eq 7 ] ||
    fail "requests recorded: $(cat "$TMP/b")"
[ "$(grep -o '"state":"done"' "$TMP/b" | wc -l)" -eq 7 ] ||
    fail "requests not done: $(cat "$TMP/b")"
has '"requester_kind":"subscriber"' "subscriber requests"
ok "seven requests recorded, all done; no refusal recorded one"

# The store: requests and reports are final.
if command -v sqlite3 >/dev/null 2>&1; then
	sqlite3 "$CA/inkan.db" "DELETE FROM ra_revocation_requests" 2>/dev/null &&
	    fail "a revocation request was deleted"
	sqlite3 "$CA/inkan.db" "UPDATE ra_problem_reports SET state = 'pending'" \
	    2>/dev/null && fail "a decided report was reopened"
	ok "the store refuses deleting requests and reopening reports"
fi

stop_inkand
kill "$SMTP_PID" 2>/dev/null || :
wait "$SMTP_PID" 2>/dev/null || :
sanitizer_check "inkand" "$TMP/inkand.err"
ok "inkand stopped cleanly"
