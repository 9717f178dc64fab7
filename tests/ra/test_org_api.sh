#!/bin/sh
# test_org_api: organisations and LRAs through the RA API and the CLI
# (issue 6; CP-1.3.2, CP-3.2.2, CP-4.1.1), against a really started
# inkand, TOTP codes from oathtool:
#
# - an enrolment-only session (RA operator without TOTP) is refused every
#   organisation endpoint (CP-6.5.1);
# - registration with identity evidence: a seal certificate older than
#   three months, a date in the future, no evidence, malformed evidence
#   are refused and change nothing;
# - per-LRA settings: S/MIME or code signing for an LRA refused
#   (CP-1.3.2), unknown optional items refused;
# - approval (final, 409 the second time), rejection with the documents
#   recorded as destroyed or returned;
# - roles: auditors read, never write; LRA operators see their own LRA
#   only; custodians nothing;
# - the CLI (`inkan org`) shows the same records.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.

set -eu
# shellcheck source=lib.sh
. "$(cd "$(dirname "$0")" && pwd)/lib.sh"

ra_setup oathtool

# post PATH JSON TOKEN
post() {
	api POST "$1" -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $3" --data-binary "$2"
}

# get PATH TOKEN
get() {
	api GET "$1" -H "Authorization: Bearer $2"
}

has() {
	grep -qF -- "$1" "$TMP/b" || fail "$2: answer lacks $1: $(cat "$TMP/b")"
}

# login NAME PASSWORD: sets TOKEN (password only).
login() {
	api POST /login -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"$1\",\"password\":\"$2\"}"
	[ "$CODE" = 200 ] || fail "login $1: HTTP $CODE: $(cat "$TMP/b")"
	TOKEN=$(jfield token)
}

# enrol: enrols TOTP for the session in TOKEN, which becomes a full one.
enrol() {
	post /mfa/enrol '{}' "$TOKEN"
	[ "$CODE" = 200 ] || fail "enrol: HTTP $CODE: $(cat "$TMP/b")"
	_s=$(jfield secret)
	post /mfa/confirm "{\"totp\":\"$(oathtool --totp -b "$_s")\"}" "$TOKEN"
	[ "$CODE" = 200 ] || fail "confirm: HTTP $CODE: $(cat "$TMP/b")"
}

# Dates relative to today, UTC.
FRESH=$(date -u -d '-20 days' +%F)
STALE=$(date -u -d '-3 months -2 days' +%F)
FUTURE=$(date -u -d '+2 days' +%F)
OLDREG=$(date -u -d '-2 years' +%F)

init_ca "$CA"
printf 'ra operator password\n' > "$TMP/op.pw"
printf 'auditor password 42\n' > "$TMP/aud.pw"
printf 'custodian password 7\n' > "$TMP/kc.pw"
printf 'lra operator password\n' > "$TMP/lra.pw"
inkan_ok "add RA operator" --dir "$CA" account add op --role ra \
    --password-file "$TMP/op.pw"
inkan_ok "add auditor" --dir "$CA" account add aud --role auditor \
    --password-file "$TMP/aud.pw"
inkan_ok "add custodian" --dir "$CA" account add kc --role custodian \
    --password-file "$TMP/kc.pw"
start_inkand

# --- MFA before anything (CP-6.5.1) -------------------------------------------

login op "ra operator password"
get /orgs "$TOKEN"
expect "enrolment-only session lists organisations" 403 mfa_enrolment_required
post /orgs '{"name":"x","display_name":"X","kind":"lra","evidence":[]}' "$TOKEN"
expect "enrolment-only session registers" 403 mfa_enrolment_required
enrol
OP=$TOKEN
ok "RA operator enrolled TOTP (oathtool)"

# --- registration ---------------------------------------------------------------

EV_FRESH="{\"doc_type\":\"seal-certificate\",\"doc_issuer\":\"Minato City Office\",\"issued_on\":\"$FRESH\",\"reference\":\"No. 2026-118\"}"
EV_REG="{\"doc_type\":\"registration-certificate\",\"doc_issuer\":\"Tokyo Legal Affairs Bureau\",\"issued_on\":\"$OLDREG\"}"

post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[{\"doc_type\":\"seal-certificate\",\"doc_issuer\":\"Minato City Office\",\"issued_on\":\"$STALE\"}]}" "$OP"
expect "seal certificate older than three months" 400 invalid
has "three months" "stale seal"
post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[{\"doc_type\":\"seal-certificate\",\"doc_issuer\":\"Minato City Office\",\"issued_on\":\"$FUTURE\"}]}" "$OP"
expect "seal certificate from the future" 400 invalid
post /orgs '{"name":"acme-lra","display_name":"ACME K.K.","kind":"lra","evidence":[]}' "$OP"
expect "no evidence" 400 wrong_type
post /orgs '{"name":"acme-lra","display_name":"ACME K.K.","kind":"lra"}' "$OP"
expect "evidence missing" 400 missing_member
post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[{\"doc_type\":\"passport\",\"doc_issuer\":\"x\",\"issued_on\":\"$FRESH\"}]}" "$OP"
expect "unknown document type" 400 invalid
post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[{\"doc_type\":\"seal-certificate\",\"doc_issuer\":\"x\",\"issued_on\":\"26/11/2026\"}]}" "$OP"
expect "malformed date" 400 invalid
post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[\"seal\"]}" "$OP"
expect "evidence item not an object" 400 wrong_type
post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"bank\",\"evidence\":[$EV_FRESH]}" "$OP"
expect "unknown kind" 400 invalid
post /orgs "{\"name\":\"ACME\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[$EV_FRESH]}" "$OP"
expect "upper-case name" 400 invalid
get /orgs "$OP"
expect "list after refusals" 200
[ "$(cat "$TMP/b")" = '{"orgs":[]}' ] || fail "refused registrations left rows: $(cat "$TMP/b")"
ok "refused registrations changed nothing"

post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[$EV_FRESH,$EV_REG]}" "$OP"
expect "register an LRA with a fresh seal certificate" 201
has '"status":"pending"' "registered"
has '"disposition":"held"' "registered"
has "\"issued_on\":\"$FRESH\"" "registered"
has '"registered_by":"op"' "registered"
post /orgs "{\"name\":\"acme-lra\",\"display_name\":\"ACME K.K.\",\"kind\":\"lra\",\"evidence\":[$EV_FRESH]}" "$OP"
expect "same name again" 409 conflict

# --- settings (CP-1.3.2, tables 7.1-4/7.1-5) --------------------------------------

post /orgs/acme-lra/settings '{"policies":["client","smime"],"optional_items":[]}' "$OP"
expect "S/MIME for an LRA" 400 invalid
has "CP-1.3.2" "LRA S/MIME"
post /orgs/acme-lra/settings '{"policies":["client","codesign"],"optional_items":[]}' "$OP"
expect "code signing for an LRA" 400 invalid
post /orgs/acme-lra/settings '{"policies":["client"],"optional_items":["cn"]}' "$OP"
expect "unknown optional item" 400 invalid
post /orgs/acme-lra/settings '{"policies":"client","optional_items":[]}' "$OP"
expect "policies not an array" 400 wrong_type
post /orgs/acme-lra/settings '{"policies":["client","document"],"optional_items":["st","ou","netscape_cert_type"]}' "$OP"
expect "client and document with optional items" 200
has '"policies":["client","document"]' "settings"
has '"optional_items":["st","ou","netscape_cert_type"]' "settings"

# --- approval ------------------------------------------------------------------------

post /orgs/acme-lra/approve '{"note":"seal certificate checked against the registry"}' "$OP"
expect "approve" 200
has '"status":"approved"' "approve"
has '"decided_by":"op"' "approve"
post /orgs/acme-lra/approve '{}' "$OP"
expect "approve twice" 409 conflict
post /orgs/acme-lra/reject '{"reason":"x","documents":"destroyed"}' "$OP"
expect "reject after approval" 409 conflict

post /orgs "{\"name\":\"regonly\",\"display_name\":\"Reg Only Ltd\",\"kind\":\"organisation\",\"evidence\":[$EV_REG]}" "$OP"
expect "register with a registration certificate only" 201
post /orgs/regonly/approve '' "$OP"
expect "approve without a seal certificate" 400 invalid
has "seal certificate" "approve without seal"
post /orgs/regonly/evidence "$EV_FRESH" "$OP"
expect "add a fresh seal certificate" 200
post /orgs/regonly/settings '{"policies":["client","smime","codesign"],"optional_items":[]}' "$OP"
expect "S/MIME and code signing for an organisation" 200
post /orgs/regonly/approve '' "$OP"
expect "approve with it" 200

post /orgs "{\"name\":\"shady\",\"display_name\":\"Shady Ltd\",\"kind\":\"organisation\",\"evidence\":[$EV_FRESH]}" "$OP"
expect "register shady" 201
post /orgs/shady/reject '{"reason":"name differs from the registry","documents":"kept"}' "$OP"
expect "rejection keeping documents" 400 invalid
post /orgs/shady/reject '{"reason":"name differs from the registry","documents":"destroyed"}' "$OP"
expect "reject, documents destroyed (CP-3.2.2)" 200
has '"status":"rejected"' "reject"
has '"disposition":"destroyed"' "reject"
has '"decision_note":"name differs from the registry"' "reject"
post /orgs/shady/evidence "$EV_FRESH" "$OP"
expect "evidence for a rejected organisation" 409 conflict
get /orgs/nosuch "$OP"
expect "unknown organisation" 404 not_found
api PUT /orgs/acme-lra -H "Authorization: Bearer $OP"
[ "$CODE" = 405 ] || fail "PUT: HTTP $CODE"
api GET /orgs/acme-lra/approve -H "Authorization: Bearer $OP"
expect "GET on approve" 405 method_not_allowed

# --- roles --------------------------------------------------------------------------

login aud "auditor password 42"
AUD=$TOKEN
get /orgs "$AUD"
expect "auditor lists" 200
has '"name":"shady"' "auditor list"
post /orgs "{\"name\":\"aud-org\",\"display_name\":\"A\",\"kind\":\"lra\",\"evidence\":[$EV_FRESH]}" "$AUD"
expect "auditor registers" 403 forbidden
post /orgs/shady/approve '' "$AUD"
expect "auditor approves" 403 forbidden
login kc "custodian password 7"
get /orgs "$TOKEN"
expect "custodian lists" 403 forbidden

inkan_refuses "LRA operator of a rejected organisation" 1 "no approved LRA" \
    --dir "$CA" account add lop --role lra --org shady \
    --password-file "$TMP/lra.pw"
inkan_ok "LRA operator of acme-lra" --dir "$CA" account add lop --role lra \
    --org acme-lra --password-file "$TMP/lra.pw"
login lop "lra operator password"
get /orgs/acme-lra "$TOKEN"
expect "LRA operator before enrolment" 403 mfa_enrolment_required
enrol
LOP=$TOKEN
get /me "$LOP"
has '"org":"acme-lra"' "/me of an LRA operator"
ok "/me names the LRA operator's LRA"
get /orgs "$LOP"
expect "LRA operator lists" 200
has '"name":"acme-lra"' "LRA list"
! grep -q '"name":"shady"' "$TMP/b" || fail "LRA operator sees other organisations"
ok "LRA operator sees only its own LRA"
get /orgs/regonly "$LOP"
expect "LRA operator reads another organisation" 403 forbidden
post /orgs/acme-lra/settings '{"policies":["client"],"optional_items":[]}' "$LOP"
expect "LRA operator changes its settings" 403 forbidden

# --- the CLI sees the same records -----------------------------------------------------

inkan_ok "org list" --dir "$CA" org list
grep -q '^acme-lra  *lra  *approved  *client,document ' "$TMP/out" ||
    fail "org list: $(cat "$TMP/out")"
grep -q '^shady  *organisation  *rejected ' "$TMP/out" ||
    fail "org list: $(cat "$TMP/out")"
ok "org list shows kinds, decisions and policies"
inkan_ok "org show" --dir "$CA" org show shady
grep -q "^evidence: seal-certificate issued $FRESH by Minato City Office \[destroyed\] recorded by op" \
    "$TMP/out" || fail "org show: $(cat "$TMP/out")"
ok "org show: rejected documents recorded as destroyed"
inkan_refuses "CLI: stale seal certificate" 1 "three months" --dir "$CA" \
    org add old --display-name Old --kind lra \
    --evidence "seal-certificate:$STALE:Minato City Office"
inkan_ok "CLI: register" --dir "$CA" org add cli-lra --display-name "CLI LRA" \
    --kind lra --evidence "seal-certificate:$FRESH:Shibuya City Office"
inkan_refuses "CLI: smime for an LRA" 1 "CP-1.3.2" --dir "$CA" org set \
    cli-lra --policies client,smime
inkan_refuses "CLI: reject keeping documents" 1 "returned or destroyed" \
    --dir "$CA" org reject cli-lra --reason x --documents kept
inkan_ok "CLI: reject, documents returned" --dir "$CA" org reject cli-lra \
    --reason "withdrawn by the applicant" --documents returned
inkan_ok "org show" --dir "$CA" org show cli-lra
grep -q '\[returned\]' "$TMP/out" || fail "org show: $(cat "$TMP/out")"
ok "CLI: rejected documents recorded as returned"
for t in ra.org.register ra.org.settings ra.org.approve ra.org.reject; do
	audited "$t" "\"type\":\"$t\""
done
ok "registration, settings, approval and rejection are audited"

# --- the documented flow (docs/api.md), command for command -----------------------------

TOKEN=$OP
cat > org.json <<JSON
{"name": "example-lra", "display_name": "Example K.K.", "kind": "lra",
 "evidence": [{"doc_type": "seal-certificate", "doc_issuer": "Minato City Office",
   "issued_on": "$FRESH", "reference": "No. 2026-118"}]}
JSON
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @org.json "$U/orgs" > "$TMP/b"
has '"name":"example-lra"' "documented registration"
has '"status":"pending"' "documented registration"
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"policies":["client","document"],"optional_items":["ou"]}' "$U/orgs/example-lra/settings" > "$TMP/b"
has '"optional_items":["ou"]' "documented settings"
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"note":"seal certificate checked"}' "$U/orgs/example-lra/approve" > "$TMP/b"
has '"status":"approved"' "documented approval"
curl -sS -H "Authorization: Bearer $TOKEN" "$U/orgs/example-lra" > "$TMP/b"
has '"decision_note":"seal certificate checked"' "documented read"
curl -sS -H "Authorization: Bearer $TOKEN" "$U/orgs" > "$TMP/b"
has '"name":"example-lra"' "documented list"
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @org.json "$U/orgs" > "$TMP/b"
has '"error":"conflict"' "documented conflict"
sed 's/example-lra/other-org/; s/"lra"/"organisation"/' org.json > org2.json
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d @org2.json "$U/orgs" > "$TMP/b"
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"reason":"name differs from the registry","documents":"returned"}' "$U/orgs/other-org/reject" > "$TMP/b"
has '"disposition":"returned"' "documented rejection"
ok "the documented organisation flow runs as written"

# A clean stop, with nothing for the sanitizers to report (ASan builds).
stop_inkand
sanitizer_check "inkand" "$TMP/inkand.err"
ok "inkand stopped cleanly"
