#!/bin/sh
# test_app_hostile: what the application endpoints refuse (issue 6 item
# 4; CP-4.1, 4.2.1, 4.2.2, 1.3.2, 6.5.1, 3.2.1). Every refusal is a 4xx
# JSON error with a clear message, changes nothing in the store and is
# found in the audit log:
#
# - malformed, oversized and wrongly typed JSON, missing and unknown
#   members, no agreement to the CP/CPS;
# - bad CSRs: not a CSR, a broken signature (no proof of possession), a
#   1024-bit key; both or neither of csr and generate_key;
# - an LRA applying for S/MIME or code signing, or for another
#   organisation; an LRA reading, examining or approving another LRA's
#   application; an LRA naming another LRA's operator for the TOTP;
# - wrong and replayed TOTP codes, none at all (step-up MFA);
# - applicants on the suspicious list (name, address, domain), rejected
#   before, or marked in breach (CP-4.2.2);
# - SQL-looking strings are data, never SQL;
# - sessions: none, auditor, enrolment-only; no client certificate.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# shellcheck source=app_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/app_lib.sh"

ra_setup oathtool sqlite3 /usr/bin/python3
app_world

make_csr "$TMP/good" 2048
# body [EXTRA MEMBERS]: a valid LRA client application body (with the
# CSR of $CSR_FILE, the good one by default).
body() {
	printf '{"policy":"client","subject":"/C=JP/O=acme-lra K.K./CN=Ken Ito","applicant_name":"Ken Ito","applicant_email":"ken@acme.example","cp_cps_version":"1.00","agreed":true,"csr":"%s"%s}' \
	    "$(json_pem "${CSR_FILE:-$TMP/good.csr}")" "${1:-}"
}

# refused WHAT CODE ERROR: expect, and nothing stored.
N0=$(app_count)
refused() {
	expect "$1" "$2" "$3"
	[ "$(app_count)" = "$N0" ] || fail "$1: an application was stored"
}

# --- malformed input ---------------------------------------------------------

lra_post acme /applications '{"policy":"client",'
refused "truncated JSON" 400 malformed_json
lra_post acme /applications '["client"]'
refused "array instead of object" 400 malformed_json
lra_post acme /applications '{"policy":"client","policy":"smime"}'
refused "duplicate member" 400 malformed_json
lra_post acme /applications '{"policy":"cli\u0000ent"}'
refused "NUL in a string" 400 malformed_json
lra_post acme /applications "$(printf '{"policy":"client","subject":"%09000d"}' 0)"
refused "9 KB body" 413 too_large
head -c 70000 /dev/zero | tr '\0' 'a' > "$TMP/huge"
lra acme POST /applications -H 'Content-Type: application/json' --data-binary @"$TMP/huge"
[ "$CODE" = 413 ] || fail "70 KB body: HTTP $CODE"
ok "70 KB body refused by the server's cap (413)"
lra acme POST /applications -H 'Content-Type: text/plain' --data-binary "$(body)"
refused "wrong content type" 415 unsupported_media_type
lra_post acme /applications "$(body ',"admin":true')"
refused "unknown member" 400 unknown_member
lra_post acme /applications '{"subject":"/CN=x","applicant_name":"a","applicant_email":"a@b.example","cp_cps_version":"1","agreed":true,"generate_key":true}'
refused "policy missing" 400 missing_member
lra_post acme /applications '{"policy":"client","applicant_name":"a","applicant_email":"a@b.example","cp_cps_version":"1","agreed":true,"generate_key":true}'
refused "subject missing" 400 missing_member
lra_post acme /applications "$(body ',"emails":"ken@acme.example"')"
refused "emails not an array" 400 wrong_type
lra_post acme /applications "$(body ',"emails":[42]')"
refused "emails holding a number" 400 wrong_type
lra_post acme /applications "$(body ',"generate_key":"yes"')"
refused "generate_key not a boolean" 400 wrong_type
lra_post acme /applications "$(body | sed 's/"agreed":true/"agreed":false/')"
refused "no agreement to the CP/CPS" 400 invalid
has "CP/CPS" "agreement refusal"
audited "no agreement" '"type":"ra\.app\.submit".*"outcome":"denied".*CP/CPS'
lra_post acme /applications "$(body | sed 's/"applicant_email":"ken@acme.example"/"applicant_email":"ken at acme"/')"
refused "applicant e-mail not an address" 400 invalid
lra_post acme /applications "$(body | sed 's/"applicant_name":"Ken Ito"/"applicant_name":"Ken\\r\\nBcc: x@evil.example"/')"
refused "control characters in the applicant name" 400 invalid

# --- bad CSRs (CP-3.2.1, 6.1.5) --------------------------------------------------

lra_post acme /applications "$(body | sed 's/"csr":"[^"]*"/"csr":"not a CSR"/')"
refused "garbage CSR" 400 invalid
has '"message":"csr:' "the CSR is named"
# A CSR whose signature does not verify: one byte of the signature flipped.
openssl req -in "$TMP/good.csr" -outform DER -out "$TMP/bad.der"
flip_byte "$TMP/bad.der" $(($(wc -c < "$TMP/bad.der") - 10))
openssl req -inform DER -in "$TMP/bad.der" -out "$TMP/bad.csr" 2>/dev/null ||
    fail "openssl cannot re-encode the damaged CSR"
lra_post acme /applications "$(CSR_FILE=$TMP/bad.csr body)"
refused "CSR without proof of possession" 400 invalid
make_csr "$TMP/small" 1024
lra_post acme /applications "$(CSR_FILE=$TMP/small.csr body)"
refused "1024-bit key" 400 invalid
lra_post acme /applications "$(body ',"generate_key":true')"
refused "both CSR and generate_key" 400 invalid
lra_post acme /applications "$(body | sed 's/,"csr":"[^"]*"//')"
refused "neither CSR nor generate_key" 400 invalid
lra_post acme /applications "$(body | sed 's|/C=JP/O=acme-lra K.K./CN=Ken Ito|/C=JP/XX=1/CN=Ken|')"
refused "subject attribute the profile does not allow" 400 invalid
lra_post acme /applications "$(body ',"ekus":["codeSigning"]')"
refused "EKU the client profile does not allow" 400 invalid
audited "bad CSR" '"type":"ra\.app\.submit".*"outcome":"denied".*csr:'

# --- scope (CP-1.3.2, 4.2.1) ------------------------------------------------------

lra_post acme /applications "$(body | sed 's/"policy":"client"/"policy":"smime"/' | sed 's/,"csr"/,"emails":["ken@acme.example"],"csr"/')"
refused "LRA applies for S/MIME" 403 forbidden
lra_post acme /applications "$(body | sed 's/"policy":"client"/"policy":"codesign"/')"
refused "LRA applies for code signing" 403 forbidden
has "CP-1.3.2" "LRA policy refusal"
lra_post acme /applications "$(body ',"org":"beta-lra"')"
refused "LRA applies for another organisation" 403 forbidden
audited "LRA out of scope" '"type":"ra\.app\.submit".*"role":"lra".*"outcome":"denied".*own organisation'
CODE=$(curl -s --max-time 20 --cacert "$TMP/tls.pem" -o "$TMP/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "$(body)" "$L/applications") || CODE=000
refused "no client certificate" 401 certificate_required
post /applications "$(body ',"org":"gamma"')" ""
refused "no session" 401 unauthenticated
post /applications "$(body ',"org":"gamma"')" "$AUD"
refused "auditor submits" 403 forbidden
post /applications "$(body)" "$OP"
refused "RA operator without org" 400 invalid
post /applications "$(body ",\"org\":\"gamma' OR '1'='1\"")" "$OP"
refused "SQL-looking organisation" 400 invalid

# beta's application: acme may not see or touch it.
lra_post beta /applications "$(body | sed 's|acme-lra K.K.|beta-lra K.K.|; s|ken@acme.example|yui@beta.example|')"
expect "beta submits" 201
B1=$(jint id)
N0=$(app_count)
lra acme GET "/applications/$B1"
expect "acme reads beta's application" 403 forbidden
lra_post acme "/applications/$B1/checks/identity" '{"result":"pass"}'
expect "acme examines beta's application" 403 forbidden
totp lop
lra_post acme "/applications/$B1/approve" "{\"operator\":\"lop\",\"totp\":\"$TOTP\"}"
expect "acme approves beta's application" 403 forbidden
lra acme GET /applications
expect "acme lists" 200
! grep -q "\"id\":$B1," "$TMP/b" || fail "acme's list shows beta's application"
ok "acme's list holds its own applications only"
[ "$(sqlite3 "$CA/inkan.db" "SELECT status || '/' || (SELECT count(*) FROM ra_app_checks WHERE app_id = $B1) FROM ra_applications WHERE id = $B1")" = pending/1 ] ||
    fail "beta's application changed"
ok "beta's application unchanged (pending, only the automatic item)"
audited "cross-LRA access" '"type":"ra\.app\.approve".*"role":"lra".*"outcome":"denied".*out of scope'

for item in identity authority dn; do
	lra_post beta "/applications/$B1/checks/$item" '{"result":"pass"}'
	expect "beta records $item" 200
done
# The LRA's TOTP must be its own operator's.
totp lop
lra_post beta "/applications/$B1/approve" "{\"operator\":\"lop\",\"totp\":\"$TOTP\"}"
expect "beta names acme's operator" 403 forbidden
lra_post beta "/applications/$B1/approve" '{"totp":"123456"}'
expect "LRA approval without operator" 400 invalid
totp bop
GOOD=$TOTP
BAD=$(printf '%06d' $(((1${GOOD} - 1000000 + 1) % 1000000)))
lra_post beta "/applications/$B1/approve" "{\"operator\":\"bop\",\"totp\":\"$BAD\"}"
expect "wrong TOTP" 401 bad_credentials
lra_post beta "/applications/$B1/approve" "{\"operator\":\"bop\",\"totp\":\"12345\"}"
expect "malformed TOTP" 401 bad_credentials
[ "$(sqlite3 "$CA/inkan.db" "SELECT status FROM ra_applications WHERE id = $B1")" = pending ] ||
    fail "a refused approval changed the application"
audited "wrong TOTP" '"type":"ra\.app\.approve".*"outcome":"denied".*wrong TOTP'
lra_post beta "/applications/$B1/approve" "{\"operator\":\"bop\",\"totp\":\"$GOOD\"}"
expect "right TOTP" 200
lra_post beta "/applications/$B1/reject" "{\"operator\":\"bop\",\"totp\":\"$GOOD\",\"reason\":\"x\"}"
expect "replayed TOTP" 401 totp_replayed
audited "replayed TOTP" '"type":"ra\.app\.reject".*"outcome":"denied".*already used'
lra_post beta "/applications/$B1/checks/identity" '{"result":"fail"}'
expect "examine an issued application" 409 conflict

# --- CP-4.2.2: suspicious list, rejected before, in breach -------------------------

N0=$(app_count)
lra_post acme /applications "$(body | sed 's/"applicant_name":"Ken Ito"/"applicant_name":"Mallory Evil"/')"
refused "applicant name on the suspicious list" 403 forbidden
has "suspicious list" "suspicious refusal"
lra_post acme /applications "$(body | sed 's/ken@acme.example/bob@mail.evil.example/')"
refused "applicant domain on the suspicious list" 403 forbidden
lra_post acme /applications "$(body | sed 's/ken@acme.example/FRAUD@example.org/')"
refused "applicant address on the suspicious list" 403 forbidden
audited "suspicious applicant" '"type":"ra\.app\.submit".*"outcome":"denied".*suspicious list'

# Rejected once, refused next time.
post /applications '{"org":"gamma","policy":"client","subject":"/C=JP/O=Gamma Corp./CN=Sho Abe","applicant_name":"Sho Abe","applicant_email":"sho@gamma.example","cp_cps_version":"1.00","agreed":true,"generate_key":true}' "$OP"
expect "RA submits for gamma" 201
G1=$(jint id)
totp op
post "/applications/$G1/reject" "{\"totp\":\"$TOTP\"}" "$OP"
expect "rejection without a reason" 400 missing_member
TOKEN=$OP ID=$G1 CODE=$TOTP
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"totp\":\"$CODE\",\"reason\":\"forged seal certificate\"}" "$U/applications/$ID/reject" > "$TMP/b"
has '"reason":"forged seal certificate"' "reason recorded"
totp op
post "/applications/$G1/approve" "{\"totp\":\"$TOTP\"}" "$OP"
expect "approve a rejected application" 409 conflict
N0=$(app_count)
post /applications '{"org":"gamma","policy":"client","subject":"/C=JP/O=Gamma Corp./CN=Sho Abe","applicant_name":"Sho Abe","applicant_email":"Sho@Gamma.example","cp_cps_version":"1.00","agreed":true,"generate_key":true}' "$OP"
refused "applicant rejected before" 403 forbidden
has "rejected before" "earlier rejection named"
TOKEN=$OP
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"email":"rin@gamma.example","note":"misused a certificate"}' "$U/breaches" > "$TMP/b"
has '"email":"rin@gamma.example"' "mark an applicant in breach"
post /breaches '{"email":"x@gamma.example","note":"n"}' "$AUD"
expect "auditor marks a breach" 403 forbidden
post /applications '{"org":"gamma","policy":"client","subject":"/C=JP/O=Gamma Corp./CN=Rin","applicant_name":"Rin","applicant_email":"rin@gamma.example","cp_cps_version":"1.00","agreed":true,"generate_key":true}' "$OP"
refused "applicant in breach" 403 forbidden
has "breach" "breach named"

# --- SQL-looking strings are data -------------------------------------------------

post /applications "{\"org\":\"gamma\",\"policy\":\"client\",\"subject\":\"/C=JP/O=Gamma Corp./CN=Robert'); DROP TABLE ra_applications;--\",\"applicant_name\":\"x' OR '1'='1\",\"applicant_email\":\"robert@gamma.example\",\"cp_cps_version\":\"1'; DELETE FROM ra_orgs;--\",\"agreed\":true,\"generate_key\":true}" "$OP"
expect "SQL-looking strings" 201
S=$(jint id)
[ "$(sqlite3 "$CA/inkan.db" "SELECT applicant_name FROM ra_applications WHERE id = $S")" = "x' OR '1'='1" ] ||
    fail "SQL-looking name not stored verbatim"
[ "$(sqlite3 "$CA/inkan.db" 'SELECT count(*) FROM ra_orgs')" = 3 ] || fail "ra_orgs changed"
ok "SQL-looking strings stored verbatim; no table touched"
get "/applications/1%20OR%201=1" "$OP"
expect "SQL-looking id" 404 not_found
get "/applications/$S/checks/../approve" "$OP"
[ "$CODE" -ge 400 ] || fail "path games: HTTP $CODE"
ok "path games refused (HTTP $CODE)"
post "/applications/$S/checks/identity;drop" '{"result":"pass"}' "$OP"
expect "unknown checklist item" 404 not_found
post "/applications/$S/checks/identity" '{"result":"maybe"}' "$OP"
expect "result neither pass nor fail" 400 invalid
post "/applications/$S/checks/email_control" '{"result":"pass","evidence":"x"}' "$OP"
expect "e-mail control on an application without e-mail" 400 invalid
post "/applications/99999/checks/identity" '{"result":"pass"}' "$OP"
expect "no such application" 404 not_found

# --- validation at submission; a failed issuance leaves nothing half-written --

N0=$(app_count)
post /applications '{"org":"gamma","policy":"client","subject":"/CN=Nao","applicant_name":"Nao","applicant_email":"nao@gamma.example","cp_cps_version":"1.00","agreed":true,"generate_key":true}' "$OP"
refused "subject without the O and C the profile requires" 400 invalid
post /applications '{"org":"gamma","policy":"client","subject":"/C=JP/O=Gamma Corp./CN=Nao","applicant_name":"Nao","applicant_email":"nao@gamma.example","cp_cps_version":"1.00","agreed":true,"generate_key":true}' "$OP"
expect "valid application" 201
F=$(jint id)
for item in identity authority dn; do
	post "/applications/$F/checks/$item" '{"result":"pass"}' "$OP"
	expect "RA records $item" 200
done
# The CA refuses what it is asked at approval (here: a subject made
# invalid behind the API's back, as a changed configuration could).
sqlite3 "$CA/inkan.db" "UPDATE ra_applications SET subject = '/CN=Nao' WHERE id = $F"
CERTS=$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM certificates WHERE state = 'issued'")
totp op
post "/applications/$F/approve" "{\"totp\":\"$TOTP\"}" "$OP"
expect "the CA refuses the issuance" 500 issuance_failed
[ "$(sqlite3 "$CA/inkan.db" "SELECT status || '|' || (issue_error IS NOT NULL) || '|' || (cert_serial IS NULL) FROM ra_applications WHERE id = $F")" = 'approved|1|1' ] ||
    fail "failed issuance: application not left approved with its error"
[ "$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM certificates WHERE state = 'issued'")" = "$CERTS" ] ||
    fail "failed issuance stored a certificate"
ok "failed issuance: approved-not-issued with the error, no certificate (CP-4.2.3)"
audited "failed issuance" '"type":"ra\.app\.issue".*"outcome":"failed"'
sqlite3 "$CA/inkan.db" "UPDATE ra_applications SET subject = '/C=JP/O=Gamma Corp./CN=Nao' WHERE id = $F"
totp op
post "/applications/$F/approve" "{\"totp\":\"$TOTP\"}" "$OP"
expect "approving again retries the issuance" 200
has '"status":"issued"' "issued on retry"
# gamma has no person in charge here: the notice fails, issuance stands.
has '"notice":"not sent: no person in charge recorded' "notice failure recorded"
audited "notice failure" '"type":"ra\.app\.notice".*"outcome":"failed"'
ok "a notice that cannot be sent is recorded and audited; the certificate stands"

# The SMTP relay down: notice and PIN fail, the certificate stands.
post /orgs/gamma/contact '{"name":"Jiro Suzuki","email":"pic@gamma.example"}' "$OP"
expect "person in charge of gamma" 200
post /applications '{"org":"gamma","policy":"client","subject":"/C=JP/O=Gamma Corp./CN=Mio","applicant_name":"Mio","applicant_email":"mio@gamma.example","cp_cps_version":"1.00","agreed":true,"generate_key":true}' "$OP"
expect "another application" 201
M=$(jint id)
for item in identity authority dn; do
	post "/applications/$M/checks/$item" '{"result":"pass"}' "$OP"
	expect "RA records $item" 200
done
kill -TERM "$SMTP_PID"
wait "$SMTP_PID" 2>/dev/null || :
totp op
post "/applications/$M/approve" "{\"totp\":\"$TOTP\"}" "$OP"
expect "issued with the relay down" 200
has '"status":"issued"' "issued with the relay down"
has '"notice":"not sent: ' "notice failure recorded"
has '"pin_delivery":"PIN not sent: ' "PIN failure recorded"
audited "PIN failure" '"type":"ra\.app\.pin".*"outcome":"failed"'
ok "relay down: notice and PIN failures recorded and audited; issuance stands"

# --- the LRA's own name and the RA's e-mail validations (CP-3.2.4, 3.2.7) ----

N0=$(app_count)
lra_post acme /applications "$(body | sed 's|O=acme-lra K.K.|O=Gamma Corp.|')"
refused "LRA applies in another organisation's name" 403 forbidden
grep -q 'O must be \\"acme-lra K.K.\\"' "$TMP/b" ||
    fail "unclear refusal: $(cat "$TMP/b")"
audited "foreign O refused" '"type":"ra\.app\.submit".*"outcome":"denied"'
lra_post acme /applications "$(body ',"emails":["ken@acme.example"]')"
expect "LRA application with an e-mail SAN" 201
E=$(jint id)
lra_post acme "/applications/$E/checks/email_control" '{"result":"pass","evidence":"we checked"}'
expect "LRA records e-mail control itself" 403 forbidden
grep -q 'recorded by an RA operator' "$TMP/b" || fail "unclear: $(cat "$TMP/b")"
get "/applications/$E" "$OP"
expect "RA reads the application" 200
! grep -q '"evidence":"we checked"' "$TMP/b" || fail "the LRA's e-mail control was recorded"
audited "LRA e-mail control refused" '"type":"ra\.app\.check".*"outcome":"denied"'
ok "an LRA cannot apply in another name nor record e-mail control; refused, nothing recorded, audited"
