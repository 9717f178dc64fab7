#!/bin/sh
# The archive (CP-5.5): inkan archive export writes a bundle whose manifest
# the audit key signs as CMS SignedData; openssl cms and sha256sum verify it
# independently; inkan archive verify, with no access to the CA, names any
# file altered, added or removed; purge keeps everything younger than
# seven years (CP-5.5.2).
. "$(dirname "$0")/../cli/lib.sh"
setup
need sha256sum sqlite3

CA=$TMP/ca
S="/C=JP/O=Example Corp/CN=Archive Test"
init_ca "$CA" "$CLI_DATA/short-lived-ca.conf"
make_csr "$TMP/s" 2048
inkan_ok "issue" --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/s.csr" --subject "$S" --out "$TMP/c1.pem"
SERIAL=$(openssl x509 -in "$TMP/c1.pem" -noout -serial | sed 's/serial=//')
inkan_ok "revoke" --dir "$CA" --passphrase-file "$PASS" revoke "$SERIAL" \
    --reason superseded
printf 'Certification Practice Statement v1\n' > "$TMP/cps-v1.txt"
inkan_ok "publish" --dir "$CA" publish "$TMP/cps-v1.txt" --as cps-v1.txt
# The OCSP access log as inkand writes it (JSON lines, CP-5.5.1).
mkdir -p "$CA/log"
printf '{"time":"2026-01-01T00:00:00Z","peer":"127.0.0.1","status":"good"}\n' \
    > "$CA/log/ocsp-access.log"

B=$TMP/bundle
FROM=$(date -u -d yesterday +%Y-%m-%d)
TO=$(date -u -d tomorrow +%Y-%m-%d)
inkan_ok "export" --dir "$CA" --passphrase-file "$PASS" archive export \
    --from "$FROM" --to "$TO" "$B"
[ ! -e "$B.partial" ] || fail "export left $B.partial"
for f in MANIFEST MANIFEST.cms audit/records.bin audit/records.jsonl \
    audit/audit-signer.pem log/ocsp-access.log repository/docs/cps-v1.txt \
    "certs/subscribers/shortca-$SERIAL.pem" ra/applications/README.txt \
    ra/examinations/README.txt; do
	[ -s "$B/$f" ] || fail "the bundle lacks $f"
done
ls "$B"/certs/ca/testroot-*.pem "$B"/certs/ca/shortca-*.pem > /dev/null 2>&1 ||
    fail "the bundle lacks the CA certificates"
ls "$B"/crls/shortca-*.crl > /dev/null 2>&1 || fail "the bundle lacks the CRLs"
ls "$B"/audit/checkpoints/*.txt > /dev/null 2>&1 || fail "no checkpoint in the bundle"
ok "CP-5.5.1 / 6.3.1: records, checkpoints, access log, CPS, CA and subscriber certificates, CRLs, RA places"
cmp -s "$B/certs/subscribers/shortca-$SERIAL.pem" "$TMP/c1.pem" ||
    openssl x509 -in "$TMP/c1.pem" -outform DER | cmp -s - \
    "$(openssl x509 -in "$B/certs/subscribers/shortca-$SERIAL.pem" -outform DER > "$TMP/b.der" && echo "$TMP/b.der")" ||
    fail "the archived certificate differs from the one issued"
grep -q "\"type\":\"cert.revoke\".*$SERIAL" "$B/audit/records.jsonl" ||
    fail "the revocation is not in the archived records"
openssl crl -inform DER -in "$(ls "$B"/crls/shortca-*.crl | tail -1)" -noout \
    -text | grep -q "Serial Number: $SERIAL" ||
    fail "the archived CRL does not list the revoked certificate"
ok "the archived certificate, records and CRL are the ones issued"

# --- independent checks --------------------------------------------------------
openssl cms -verify -binary -inform DER -in "$B/MANIFEST.cms" \
    -content "$B/MANIFEST" -CAfile "$CA/audit/audit-signer.pem" \
    -out /dev/null 2> "$TMP/cms.err" ||
    fail "openssl cms -verify: $(cat "$TMP/cms.err")"
ok "openssl cms -verify accepts MANIFEST.cms with the CA's audit certificate"
awk 'NF == 3 && length($1) == 64 { print $1 "  " $3 }' "$B/MANIFEST" \
    > "$TMP/sums"
[ "$(wc -l < "$TMP/sums")" -ge 15 ] || fail "the manifest lists too few files"
(cd "$B" && sha256sum -c --quiet "$TMP/sums") || fail "sha256sum -c fails"
listed=$(wc -l < "$TMP/sums")
present=$(cd "$B" && find . -type f ! -name MANIFEST ! -name MANIFEST.cms | wc -l)
[ "$listed" = "$present" ] || fail "manifest lists $listed files, bundle has $present"
ok "sha256sum -c confirms every hash of the manifest, which lists every file"

# --- inkan archive verify ----------------------------------------------------
chmod -R a-w "$B"
inkan_ok "verify" archive verify "$B"
grep -q "archive intact" "$TMP/out" || fail "verify does not say intact"
inkan_ok "verify --audit-cert" archive verify --audit-cert \
    "$CA/repository/audit/audit-signer.pem" "$B"
chmod -R u+w "$B"
ok "inkan archive verify, with no CA directory, accepts the bundle"

# tampered NAME COMMAND PHRASE: a copy of the bundle, COMMAND run in it,
# then archive verify must exit 1 saying PHRASE.
tampered() {
	_b=$TMP/t-$1
	rm -rf "$_b"
	cp -a "$B" "$_b"
	(cd "$_b" && eval "$2") || fail "$1: cannot tamper"
	inkan_refuses "$1" 1 "$3" archive verify --audit-cert \
	    "$CA/audit/audit-signer.pem" "$_b"
	ok "$1 detected: $(grep -o 'FAILED: .*' "$TMP/err" | cut -c1-90)"
}
CRL=$(cd "$B" && ls crls/shortca-*.crl | tail -1)
tampered altered-crl "printf 'x' | dd of=$CRL bs=1 seek=10 conv=notrunc 2>/dev/null" \
    "$CRL: altered"
tampered appended-log "printf 'forged\n' >> log/ocsp-access.log" \
    "log/ocsp-access.log: altered"
tampered removed-cert "rm certs/subscribers/shortca-$SERIAL.pem" \
    "certs/subscribers/shortca-$SERIAL.pem: missing"
tampered added-file "printf 'x' > repository/docs/extra.txt" \
    "repository/docs/extra.txt: not in the manifest (added"
tampered edited-jsonl "printf 'x' >> audit/records.jsonl" \
    "audit/records.jsonl: altered"
tampered manifest-edited "sed -i 's/^from: .*/from: 1999-01-01T00:00:00Z/' MANIFEST" \
    "MANIFEST: the CMS signature does not verify"
tampered manifest-rehashed "printf 'x' >> repository/docs/cps-v1.txt &&
    sed -i \"s|^[0-9a-f]* [0-9]* repository/docs/cps-v1.txt\$|\$(sha256sum repository/docs/cps-v1.txt | cut -c1-64) \$(wc -c < repository/docs/cps-v1.txt) repository/docs/cps-v1.txt|\" MANIFEST" \
    "MANIFEST: the CMS signature does not verify"
tampered cms-removed "rm MANIFEST.cms" "MANIFEST.cms: missing"
tampered cms-damaged "printf 'x' | dd of=MANIFEST.cms bs=1 seek=300 conv=notrunc 2>/dev/null" \
    "MANIFEST"
openssl cms -verify -binary -inform DER -in "$TMP/t-manifest-rehashed/MANIFEST.cms" \
    -content "$TMP/t-manifest-rehashed/MANIFEST" -CAfile \
    "$CA/audit/audit-signer.pem" -out /dev/null 2>/dev/null &&
    fail "openssl cms accepts a re-hashed manifest"
ok "openssl cms -verify refuses the re-hashed manifest too"
# Signed by someone else: a self-made certificate is not the audit key.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/other.key" \
    -subj "/CN=not the audit key" -days 1 -out "$TMP/other.pem" 2>/dev/null
inkan_refuses "another trust anchor" 1 "does not verify with the audit certificate" \
    archive verify --audit-cert "$TMP/other.pem" "$B"
ok "a bundle is refused against another audit certificate"

# --- export refuses to overwrite ---------------------------------------------
inkan_refuses "existing OUT" 1 "exists" --dir "$CA" --passphrase-file "$PASS" \
    archive export --from "$FROM" --to "$TO" "$B"
ok "export never overwrites a bundle"

# --- purge (CP-5.5.2) --------------------------------------------------------
N=$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM audit_log" 2>/dev/null || echo x)
inkan_refuses "purge within 7 years" 1 "CP-5.5.2" --dir "$CA" \
    --passphrase-file "$PASS" archive purge --before "$(date -u -d '6 years ago' +%Y-%m-%d)"
grep -q "younger than 7 years are kept" "$TMP/err" || fail "the refusal does not explain"
inkan_ok "show purge" --dir "$CA" audit show --type archive.purge
grep -q "archive.purge .*denied" "$TMP/out" || fail "the refused purge is not recorded"
inkan_ok "purge older than 7 years" --dir "$CA" --passphrase-file "$PASS" \
    archive purge --before "$(date -u -d '8 years ago' +%Y-%m-%d)"
grep -q "0 audit records deleted" "$TMP/err" || fail "purge deleted records of today"
if [ "$N" != x ]; then
	[ "$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM audit_log")" -gt "$N" ] ||
	    fail "records were lost"
fi
inkan_ok "verify after purge" --dir "$CA" audit verify
ok "CP-5.5.2: purge refuses anything younger than 7 years; nothing recent is lost"
