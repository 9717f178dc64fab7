#!/bin/sh
# test_app_flow: certificate applications end to end through the API
# (issue 6 item 4; CP-4.1, 4.2.1, 4.2.2, 4.2.3, 4.3.1, 4.3.2, 4.4.1,
# 4.4.3, 4.8, 3.2.4, 6.1.2). A really started inkand, curl as the LRA
# (client certificate over TLS) and as the RA operator (session), codes
# from oathtool, mail through a real SMTP server (aiosmtpd):
#
# - an LRA applies with a CSR over mTLS, records the checklist (identity,
#   authority, DN verification), its operator approves with a fresh TOTP
#   code: issued at once; PEM, DER and PKCS#7 downloads verify with
#   openssl verify and GnuTLS certtool against DIR/repository;
# - the issuance notice goes to the registered person in charge only;
# - the receipt report records acceptance (CP-4.4.1);
# - an RA operator applies for a CA-generated S/MIME key: e-mail control
#   is a required item; the PKCS#12 is downloaded, its PIN arrives by mail
#   to the applicant only, and openssl pkcs12 opens it with that PIN;
# - 14 days without objection: accepted automatically; an objection
#   stops that;
# - a renewal names the certificate it replaces: once the new one is
#   issued, the old one is revoked as superseded (OCSP, inkan);
# - `inkan app list|show` reads them;
# - the LRA then revokes the renewed certificate through /lra/v1 with its
#   operator's TOTP, and openssl ocsp says keyCompromise (CP-4.9.3).
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"
# shellcheck source=app_lib.sh
. "$(cd "$(dirname "$0")" && pwd)/app_lib.sh"

ra_setup oathtool sqlite3 certtool /usr/bin/python3 nsd ldns-keygen \
    ldns-signzone drill
APP_DNS_LAB=1
app_world

# The person in charge of the LRA, the only one told of issuance.
# The commands of docs/api.md run as written: $TOKEN, $ID, $CODE, files
# in the working folder ($TMP): lra.pem/lra.key (acme's), tls.pem.
TOKEN=$OP
cp "$TMP/acme.pem" "$TMP/lra.pem"
cp "$TMP/acme.key" "$TMP/lra.key"
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"Hanako Sato","email":"pic@acme.example"}' "$U/orgs/acme-lra/contact" > "$TMP/b"
has '"person_in_charge":{"email":"pic@acme.example","name":"Hanako Sato"}' "contact"
ok "RA operator records the person in charge of acme-lra (CP-4.3.2)"
post /orgs/gamma/contact '{"name":"Jiro Suzuki","email":"pic@gamma.example"}' "$OP"
expect "person in charge of gamma" 200

# --- the LRA path ---------------------------------------------------------------

make_csr "$TMP/sub1" 2048
printf '{"policy":"client","subject":"/C=JP/O=acme-lra K.K./CN=Taro Yamada","applicant_name":"Taro Yamada","applicant_email":"taro@acme.example","cp_cps_version":"1.00","agreed":true,"csr":"%s"}' \
    "$(json_pem "$TMP/sub1.csr")" > "$TMP/app.json"
curl -sS --cacert tls.pem --cert lra.pem --key lra.key -H 'Content-Type: application/json' -d @app.json "$L/applications" > "$TMP/b"
A1=$(jint id)
[ -n "$A1" ] || fail "LRA submits: $(cat "$TMP/b")"
has '"org":"acme-lra"' "LRA application is its own organisation's"
has '"status":"pending"' "new application"
has '"cp_cps_version":"1.00"' "agreement recorded"
has '"agreed_at":' "agreement time recorded"
has '"item":"blocklist","note":"clear at submission","required":true,"result":"pass"' "blocklist checked at submission"
has '"item":"email_control","required":false' "no e-mail: e-mail control not required"
ok "LRA submits application $A1 over mTLS with a CSR (CP-4.1, 4.2.1)"
audited "submission" '"type":"ra\.app\.submit".*"outcome":"ok"'

totp lop
lra_post acme "/applications/$A1/approve" "{\"operator\":\"lop\",\"totp\":\"$TOTP\"}"
expect "approve before the checklist is done" 400 invalid
has "identity" "the missing item is named"
for item in identity authority; do
	lra_post acme "/applications/$A1/checks/$item" "{\"result\":\"pass\",\"note\":\"checked $item against the seal certificate\"}"
	expect "LRA records $item" 200
done
ID=$A1
curl -sS --cacert tls.pem --cert lra.pem --key lra.key -H 'Content-Type: application/json' -d '{"result":"pass","note":"registry extract checked"}' "$L/applications/$ID/checks/dn" > "$TMP/b"
has '"item":"dn","note":"registry extract checked","required":true,"result":"pass"' "DN verification recorded (CP-3.2.4)"
has '"checked_by":"cert:' "the checker is recorded"
lra_post acme "/applications/$A1/checks/blocklist" '{"result":"pass"}'
expect "blocklist is automatic" 400 invalid

totp lop
CODE=$TOTP
curl -sS --cacert tls.pem --cert lra.pem --key lra.key -H 'Content-Type: application/json' -d "{\"operator\":\"lop\",\"totp\":\"$CODE\"}" "$L/applications/$ID/approve" > "$TMP/b"
has '"status":"issued"' "issued at once on approval"
S1=$(sed -n 's/.*"certificate":{[^}]*"serial":"\([0-9A-F]*\)".*/\1/p' "$TMP/b")
[ -n "$S1" ] || fail "no serial: $(cat "$TMP/b")"
has '"issuer":"pubca1"' "issuer recorded"
ok "LRA operator approves with a TOTP code: certificate $S1 issued at once (CP-4.2.3, 4.3.1)"
audited "issuance" '"type":"ra\.app\.issue".*"outcome":"ok"'

# Downloads in each format, verified by independent tools.
trust_from_repository
curl -s --cacert "$TMP/tls.pem" --cert "$TMP/acme.pem" --key "$TMP/acme.key" "$L/applications/$A1/certificate?format=pem" -o "$TMP/a1.pem"
openssl x509 -in "$TMP/a1.pem" -noout -serial | grep -q "=$S1\$" ||
    fail "PEM download is not certificate $S1"
verify_openssl "PEM download" "$TMP/roots.pem" "$TMP/inter.pem" "$TMP/a1.pem"
lra acme GET "/applications/$A1/certificate?format=der"
[ "$CODE" = 200 ] || fail "DER download: HTTP $CODE"
openssl x509 -inform DER -in "$TMP/b" -out "$TMP/a1-der.pem" ||
    fail "DER download does not parse"
cmp -s "$TMP/a1-der.pem" "$(openssl x509 -in "$TMP/a1.pem" > "$TMP/a1-leaf.pem"; echo "$TMP/a1-leaf.pem")" ||
    fail "DER and PEM downloads differ"
ok "DER download is the same certificate"
lra acme GET "/applications/$A1/certificate?format=p7c"
[ "$CODE" = 200 ] || fail "p7c download: HTTP $CODE"
grep -qi '^content-type: application/pkcs7-mime' "$TMP/h" || fail "p7c content type"
curl -sS --cacert tls.pem --cert lra.pem --key lra.key -o cert.p7c "$L/applications/$ID/certificate?format=p7c"
cmp -s cert.p7c "$TMP/b" || fail "the documented p7c download differs"
openssl pkcs7 -inform DER -in cert.p7c -print_certs -out "$TMP/a1-p7.pem" ||
    fail "openssl cannot read the PKCS#7"
[ "$(grep -c 'BEGIN CERTIFICATE' "$TMP/a1-p7.pem")" -ge 2 ] ||
    fail "PKCS#7 lacks the chain"
verify_openssl "PKCS#7 chain" "$TMP/roots.pem" "$TMP/a1-p7.pem" "$TMP/a1-leaf.pem"
verify_gnutls "PEM chain" "$TMP/roots.pem" "" "$TMP/a1.pem"
lra acme GET "/applications/$A1/certificate?format=p12"
expect "no PKCS#12 for a CSR" 404 not_found
lra acme GET "/applications/$A1/certificate?format=xml"
expect "unknown format" 400 invalid

# CP-4.3.2, 4.4.3: the notice went to the person in charge only.
mail_wait 2
grep -l 'X-Envelope-To: pic@acme.example' "$MAILDIR"/*.eml > "$TMP/notice" ||
    fail "no notice to the person in charge"
grep -q "$S1" "$(cat "$TMP/notice")" || fail "notice lacks the serial"
# The applicant gets one mail: the suspension password (CP-4.9.15), not
# the notice, and the password goes to nobody else.
grep -l 'X-Envelope-To: taro@acme.example' "$MAILDIR"/*.eml > "$TMP/pwmail" ||
    fail "no suspension password mailed to the applicant"
[ "$(wc -l < "$TMP/pwmail")" = 1 ] || fail "more than one mail to the applicant"
grep -q '^Subject: Your suspension password' "$(cat "$TMP/pwmail")" ||
    fail "the applicant's mail is not the suspension password"
PW1=$(sed -n 's/^Password: \([^ ]*\).*/\1/p' "$(cat "$TMP/pwmail")" | tr -d '\r')
[ ${#PW1} = 24 ] || fail "password mail lacks a 24-character password"
! grep -l -- "$PW1" "$MAILDIR"/*.eml | grep -v "$(cat "$TMP/pwmail")" | grep -q . ||
    fail "the suspension password went to someone else"
# It opens the subscriber page for this certificate (CP-4.9.13-4.9.15).
S1HEX=$(openssl x509 -in "$TMP/a1-leaf.pem" -noout -serial | cut -d= -f2)
curl -s -c "$TMP/sub.jar" -b "$TMP/sub.jar" "$BASE/subscriber/" > "$TMP/sub.html"
LCSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$TMP/sub.html")
CODE=$(curl -s -o /dev/null -w '%{http_code}' -c "$TMP/sub.jar" \
    -b "$TMP/sub.jar" --data-urlencode "csrf=$LCSRF" --data-urlencode "serial=$S1HEX" \
    --data-urlencode "password=$PW1" "$BASE/subscriber/login")
[ "$CODE" = 303 ] || fail "subscriber login with the mailed password: HTTP $CODE"
curl -s -b "$TMP/sub.jar" "$BASE/subscriber/certificate" > "$TMP/sub.html"
grep -q 'action="/subscriber/suspend"' "$TMP/sub.html" ||
    fail "subscriber page: $(cat "$TMP/sub.html")"
ok "owner and suspension password recorded at issuance; the password mailed to the applicant alone opens the subscriber page"
lra acme GET "/applications/$A1"
has '"notice":"sent to the person in charge"' "notice recorded"
ok "issuance notice mailed to the person in charge only (CP-4.3.2, 4.4.3)"

# Receipt report (CP-4.4.1).
curl -sS --cacert tls.pem --cert lra.pem --key lra.key -X POST "$L/applications/$ID/accept" > "$TMP/b"
has '"how":"receipt"' "acceptance by receipt report"
lra acme POST "/applications/$A1/accept"
expect "accept twice" 409 conflict
ok "receipt report records acceptance (CP-4.4.1)"

# --- the RA path with a CA-generated key (CP-6.1.2) -------------------------

printf '%s' '{"org":"gamma","policy":"smime","subject":"/CN=hana@secure.lab","emails":["hana@secure.lab"],"generate_key":true,"applicant_name":"Hana Kato","applicant_email":"hana@secure.lab","cp_cps_version":"1.00","agreed":true}' > app.json
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @app.json "$U/applications" > "$TMP/b"
A2=$(jint id)
ID=$A2
[ -n "$A2" ] || fail "RA operator submits: $(cat "$TMP/b")"
ok "RA operator submits with a CA-generated key"
has '"key":"ca-generated"' "CA-generated key recorded"
has '"item":"email_control","required":true' "S/MIME: e-mail control required"
for item in identity authority dn; do
	post "/applications/$A2/checks/$item" '{"result":"pass"}' "$OP"
	expect "RA records $item" 200
done
post "/applications/$A2/checks/email_control" '{"result":"pass"}' "$OP"
expect "e-mail control without a validation (CP-3.2.7)" 400 invalid
grep -q 'no completed e-mail control validation reusable now covers hana@secure.lab' "$TMP/b" ||
    fail "unclear refusal: $(cat "$TMP/b")"
# Method (1): the RA operator records the domain validation with evidence.
post /validations '{"method":"operator","domain":"secure.lab","evidence":"registrant matches gamma (registry extract)","evidence_ref":"RA-2026-0077"}' "$OP"
expect "operator validation of secure.lab" 201
VAL=$(jfield id)
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"result":"pass","evidence":"validation 42"}' "$U/applications/$ID/checks/email_control" > "$TMP/b"
has "\"evidence\":\"hana@secure.lab: validation $VAL; validation 42\",\"item\":\"email_control\"" "e-mail control rests on the completed validation"
post "/applications/$A2/approve" '{}' "$OP"
expect "approve without a TOTP code" 401 totp_required
totp op
CODE=$TOTP
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "{\"totp\":\"$CODE\"}" "$U/applications/$ID/approve" > "$TMP/b"
has '"status":"issued"' "RA approval"
has '"pkcs12":true' "PKCS#12 kept for the operator"
has '"pin_delivery":"PIN mailed to the applicant"' "PIN delivery recorded"
ok "RA operator approves with session and fresh TOTP: issued (CP-4.2.3)"
curl -sS -H "Authorization: Bearer $TOKEN" -o key.p12 "$U/applications/$ID/certificate?format=p12"
cp key.p12 "$TMP/a2.p12"
# Handed out once: the CA keeps no copy of the key (CP-4.12).
api GET "/applications/$A2/certificate?format=p12" -H "Authorization: Bearer $OP"
expect "second PKCS#12 download" 410 gone
[ "$(sqlite3 "$CA/inkan.db" "SELECT p12 IS NULL FROM ra_applications WHERE id = $A2")" = 1 ] ||
    fail "the PKCS#12 is still in the store"
ok "the PKCS#12 is handed out once, then gone from the store (CP-4.12)"
mail_wait 3
PINMAIL=$(grep -l '^PIN: ' $(grep -l 'X-Envelope-To: hana@secure.lab' "$MAILDIR"/*.eml)) ||
    fail "no PIN mail to the applicant"
PIN=$(sed -n 's/^PIN: \([A-Z0-9]*\).*/\1/p' "$PINMAIL" | tr -d '\r')
[ ${#PIN} = 20 ] || fail "PIN mail lacks a 20-character PIN"
! grep -q "$PIN" "$TMP/b" || fail "the PIN is in the API answer"
openssl pkcs12 -in "$TMP/a2.p12" -passin "pass:$PIN" -nokeys -clcerts -out "$TMP/a2-cert.pem" 2>/dev/null ||
    fail "openssl pkcs12 cannot open the PKCS#12 with the mailed PIN"
openssl pkcs12 -in "$TMP/a2.p12" -passin "pass:$PIN" -nocerts -nodes -out "$TMP/a2-key.pem" 2>/dev/null ||
    fail "no key in the PKCS#12"
[ "$(openssl x509 -in "$TMP/a2-cert.pem" -noout -pubkey)" = "$(openssl pkey -in "$TMP/a2-key.pem" -pubout)" ] ||
    fail "the key does not match the certificate"
openssl x509 -in "$TMP/a2-cert.pem" -noout -ext subjectAltName | grep -q hana@secure.lab ||
    fail "S/MIME certificate lacks the mailbox"
! openssl pkcs12 -in "$TMP/a2.p12" -passin pass:wrong -nokeys -out /dev/null 2>/dev/null ||
    fail "PKCS#12 opens without the PIN"
ok "PKCS#12 opened with the PIN mailed apart to the applicant (CP-6.1.2)"
grep -l 'X-Envelope-To: pic@gamma.example' "$MAILDIR"/*.eml > /dev/null ||
    fail "no notice to gamma's person in charge"
! grep -l "$PIN" "$MAILDIR"/*.eml | xargs grep -l 'X-Envelope-To: pic@' 2>/dev/null | grep -q . ||
    fail "the PIN went to the person in charge"
ok "gamma's notice to its person in charge; the PIN to the applicant only"

# SBR 4.2.2.1, RFC 9495: CAA issuemail of the mailbox's domain naming
# another CA stops S/MIME issuance after approval; nothing is signed.
printf '%s' '{"org":"gamma","policy":"smime","subject":"/CN=ken@refuse.secure.lab","emails":["ken@refuse.secure.lab"],"generate_key":true,"applicant_name":"Ken Ito","applicant_email":"ken@refuse.secure.lab","cp_cps_version":"1.00","agreed":true}' > "$TMP/app3.json"
api POST /applications -H 'Content-Type: application/json' -H "Authorization: Bearer $OP" --data-binary @"$TMP/app3.json"
expect "S/MIME application for a domain whose CAA names another CA" 201
AC=$(jint id)
post /validations '{"method":"operator","domain":"refuse.secure.lab","evidence":"registry extract","evidence_ref":"RA-2026-0078"}' "$OP"
expect "operator validation of refuse.secure.lab" 201
for item in identity authority dn email_control; do
	post "/applications/$AC/checks/$item" '{"result":"pass"}' "$OP"
	expect "RA records $item" 200
done
BEFORE=$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM certificates")
totp op
post "/applications/$AC/approve" "{\"totp\":\"$TOTP\"}" "$OP"
expect "approval: issuance refused by CAA" 500 issuance_failed
grep -q 'CAA issuemail refuses ken@refuse.secure.lab' "$TMP/b" ||
    fail "CAA refusal unclear: $(cat "$TMP/b")"
[ "$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM certificates")" = "$BEFORE" ] ||
    fail "a certificate was stored despite CAA"
audited "CAA refusal" '"type":"ra\.caa\.issuemail".*"object":"ken@refuse\.secure\.lab".*"outcome":"denied"'
ok "CAA issuemail naming another CA refuses S/MIME issuance; nothing stored (SBR 4.2.2.1)"
get "/applications/$A2/certificate?format=p12" "$AUD"
expect "auditor cannot take the key" 403 forbidden

# --- acceptance after 14 days, objection (CP-4.4.1) ------------------------

sqlite3 "$CA/inkan.db" "UPDATE ra_applications SET issued_at = issued_at - 15 * 86400 WHERE id = $A2"
# Listing records it too, with no read of the application itself.
get /applications "$OP"
expect "list after the 14 days" 200
grep -q "{\"accepted_at\":[0-9][0-9]*,\"id\":$A2," "$TMP/b" ||
    fail "listing does not show $A2 accepted: $(cat "$TMP/b")"
[ "$(sqlite3 "$CA/inkan.db" "SELECT accepted_how FROM ra_applications WHERE id = $A2")" = auto ] ||
    fail "listing did not record the acceptance of $A2"
ok "listing records the acceptance that fell due (CP-4.4.1)"
curl -sS -H "Authorization: Bearer $TOKEN" "$U/applications/$ID" > "$TMP/b"
has '"how":"auto"' "accepted by lapse of time"
audited "automatic acceptance" '"type":"ra\.app\.accept".*14 days'
ok "accepted automatically 14 days after issuance without objection"

# --- renewal (CP-4.8): the old certificate revoked as superseded ----------

make_csr "$TMP/sub3" 2048
printf '{"policy":"client","subject":"/C=JP/O=acme-lra K.K./CN=Taro Yamada","applicant_name":"Taro Yamada","applicant_email":"taro@acme.example","cp_cps_version":"1.00","agreed":true,"replaces_issuer":"pubca1","replaces_serial":"%s","csr":"%s"}' \
    "$S1" "$(json_pem "$TMP/sub3.csr")" > "$TMP/app3.json"
lra acme POST /applications -H 'Content-Type: application/json' --data-binary @"$TMP/app3.json"
expect "re-key application naming the old certificate" 201
A3=$(jint id)
has "\"replaces\":{\"issuer\":\"pubca1\",\"serial\":\"$S1\"}" "replaced certificate recorded"
for item in identity authority dn; do
	lra_post acme "/applications/$A3/checks/$item" '{"result":"pass"}'
	expect "LRA records $item" 200
done
totp lop
lra_post acme "/applications/$A3/approve" "{\"operator\":\"lop\",\"totp\":\"$TOTP\"}"
expect "renewal approved" 200
has '"status":"issued"' "renewal issued"
S3=$(sed -n 's/.*"certificate":{[^}]*"serial":"\([0-9A-F]*\)".*/\1/p' "$TMP/b")
[ "$S3" != "$S1" ] || fail "renewal has the old serial"
inkan_ok "list" --dir "$CA" list
grep "$S1" "$TMP/out" | grep -q ' revoked ' ||
    fail "old certificate not revoked: $(grep "$S1" "$TMP/out")"
grep "$S3" "$TMP/out" | grep -q ' good ' ||
    fail "new certificate not good: $(grep "$S3" "$TMP/out")"
ok "inkan list: $S1 revoked once $S3 was issued (CP-4.8)"
# OCSP (openssl ocsp) says so too.
openssl x509 -in "$TMP/a1.pem" > "$TMP/old.pem"
sed -n '/BEGIN/,/END/p' "$TMP/a1.pem" | awk '/BEGIN/{n++} n==2' > "$TMP/pubca1.pem"
t=0
while :; do
	openssl ocsp -issuer "$TMP/pubca1.pem" -cert "$TMP/old.pem" \
	    -url "$BASE/ocsp/pubca1" -noverify -no_nonce > "$TMP/ocsp.out" 2>&1 || :
	grep -q 'superseded' "$TMP/ocsp.out" && break
	[ $t -lt 50 ] || fail "OCSP does not say superseded: $(cat "$TMP/ocsp.out")"
	sleep 0.2
	t=$((t + 1))
done
ok "OCSP (openssl ocsp): $S1 revoked, reason superseded"
audited "supersede" "revoked as superseded"

# An objection stops acceptance by lapse of time.
ID=$A3
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"text":"the O is misspelt"}' "$U/applications/$ID/objection" > "$TMP/b"
has '"objection":"op: the O is misspelt"' "objection recorded with who"
sqlite3 "$CA/inkan.db" "UPDATE ra_applications SET issued_at = issued_at - 30 * 86400 WHERE id = $A3"
lra acme GET "/applications/$A3"
! grep -q '"acceptance":' "$TMP/b" || fail "accepted despite the objection"
ok "an objection stops acceptance by lapse of time (CP-4.4.1)"

# inkand's worker records acceptance by lapse of time every minute (and at
# start), whether or not anyone reads or lists the application.
make_csr "$TMP/sub4" 2048
printf '{"policy":"client","subject":"/C=JP/O=acme-lra K.K./CN=Ichiro Ito","applicant_name":"Ichiro Ito","applicant_email":"ichiro@acme.example","cp_cps_version":"1.00","agreed":true,"csr":"%s"}' \
    "$(json_pem "$TMP/sub4.csr")" > "$TMP/app4.json"
lra acme POST /applications -H 'Content-Type: application/json' --data-binary @"$TMP/app4.json"
expect "a fourth application" 201
A4=$(jint id)
for item in identity authority dn; do
	lra_post acme "/applications/$A4/checks/$item" '{"result":"pass"}'
	expect "LRA records $item" 200
done
totp lop
lra_post acme "/applications/$A4/approve" "{\"operator\":\"lop\",\"totp\":\"$TOTP\"}"
expect "fourth approved" 200
has '"status":"issued"' "fourth issued"
stop_inkand
sqlite3 "$CA/inkan.db" "UPDATE ra_applications SET issued_at = issued_at - 15 * 86400 WHERE id = $A4"
[ -z "$(sqlite3 "$CA/inkan.db" "SELECT accepted_how FROM ra_applications WHERE id = $A4")" ] ||
    fail "$A4 accepted before the worker ran"
start_inkand
t=0
while [ "$(sqlite3 "$CA/inkan.db" "SELECT accepted_how FROM ra_applications WHERE id = $A4")" != auto ]; do
	[ $t -lt 100 ] || fail "the worker did not record the acceptance of $A4"
	sleep 0.1
	t=$((t + 1))
done
[ "$(sqlite3 "$CA/inkan.db" "SELECT accepted_by FROM ra_applications WHERE id = $A4")" = inkan ] ||
    fail "acceptance of $A4 not recorded as the system's"
audited "worker acceptance" "\"type\":\"ra\.app\.accept\".*\"object\":\"application:$A4\".*14 days"
# The objected one stays unaccepted.
[ -z "$(sqlite3 "$CA/inkan.db" "SELECT accepted_how FROM ra_applications WHERE id = $A3")" ] ||
    fail "the worker accepted $A3 despite the objection"
grep -q 'applications: 1 accepted by lapse of time' "$TMP/inkand.err" ||
    fail "worker log: $(tail -5 "$TMP/inkand.err")"
ok "inkand's worker records acceptance by lapse of time with no read (CP-4.4.1)"

# --- the CLI reads them ----------------------------------------------------

inkan_ok "app list" --dir "$CA" app list
grep -q "^$A1 .*acme-lra .*issued" "$TMP/out" || fail "app list: $(cat "$TMP/out")"
inkan_ok "app show" --dir "$CA" app show "$A3"
grep -q "replaces: pubca1/$S1" "$TMP/out" || fail "app show: $(cat "$TMP/out")"
grep -q "dn *pass" "$TMP/out" || fail "app show lacks the checklist: $(cat "$TMP/out")"
ok "inkan app list|show"

# --- and back to revocation through the API alone (CP-4.9.3) -----------------
# The renewed certificate was issued through the LRA's application, so it
# is the LRA's to revoke: its owner was recorded at issuance.
lra_post acme "/certificates/pubca1/$S3/revoke" "{\"operator\":\"lop\",\"totp\":\"000000\",\"reason\":\"keyCompromise\",\"grounds\":\"the member reported a lost token\"}"
expect "LRA revocation with a wrong TOTP" 401
totp lop
lra_post acme "/certificates/pubca1/$S3/revoke" "{\"operator\":\"lop\",\"totp\":\"$TOTP\",\"reason\":\"keyCompromise\",\"grounds\":\"the member reported a lost token\"}"
expect "LRA revokes the certificate it applied for" 201
lra acme GET "/applications/$A3/certificate?format=pem"
awk '/BEGIN/{n++} n==1' "$TMP/b" > "$TMP/s3.pem"
t=0
while :; do
	openssl ocsp -issuer "$TMP/pubca1.pem" -cert "$TMP/s3.pem" \
	    -url "$BASE/ocsp/pubca1" -noverify -no_nonce > "$TMP/ocsp.out" 2>&1 || :
	grep -q 'Reason: keyCompromise' "$TMP/ocsp.out" && break
	[ $t -lt 50 ] || fail "OCSP does not say revoked: $(cat "$TMP/ocsp.out")"
	sleep 0.2
	t=$((t + 1))
done
ok "applied, approved with TOTP, downloaded, and revoked by the LRA through the API alone; openssl ocsp says keyCompromise"
