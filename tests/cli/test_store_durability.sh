#!/bin/sh
# test_store_durability: after init and a round of issuance, the SQLite
# store (DIR/inkan.db) is in WAL mode, passes its integrity check, holds
# every certificate in state 'issued' with exactly the DER that was written
# out (and the SHA-256 of its TBS), `inkan list` shows every row, and the
# store's triggers refuse to delete or rewrite a signed certificate.
# Requirements: "nothing signed unrecorded, nothing signed lost"
# (docs/conformance.md, src/ca/sign.c), CP-5.4/5.5 (records protected
# against change, archive of issued certificates), CP-3.1.5 (unique
# serial per issuer).

. "$(dirname "$0")/lib.sh"
setup
need sqlite3 sha256sum od

CA=$TMP/ca
SUB=$TMP/sub
DB=$CA/inkan.db
mkdir -p "$SUB"

init_ca "$CA"

make_csr "$SUB/k2048" 2048
make_csr "$SUB/k3072" 3072
issue_named() {
	_n=$1
	shift
	inkan_ok "issue $_n" --dir "$CA" --passphrase-file "$PASS" issue \
	    --out "$SUB/$_n.pem" "$@"
}
issue_named client --policy client --csr "$SUB/k2048.csr" --subject "/C=JP/O=Example Corp/CN=A"
issue_named client-sha1 --policy client --sha1 --csr "$SUB/k2048.csr" --subject "/C=JP/O=Example Corp/CN=A"
issue_named document --policy document --csr "$SUB/k2048.csr" --subject "/C=JP/O=Example Corp/CN=B"
issue_named smime --policy smime --csr "$SUB/k2048.csr" --subject "/CN=c@example.jp" --email c@example.jp
issue_named codesign --policy codesign --csr "$SUB/k3072.csr" --subject "/C=JP/ST=Tokyo/O=Example Corp/CN=D"
issue_named generated --policy client --generate-key --subject "/C=JP/O=Example Corp/CN=E" \
    --p12 "$SUB/e.p12" --pin-out "$SUB/e.pin"
ok "six subscriber certificates issued"

sql() {
	sqlite3 -batch -noheader "$DB" "$@" 2> "$TMP/sql.err" ||
	    fail "sqlite3 $*: $(cat "$TMP/sql.err")"
}

# --- the database itself ----------------------------------------------------
[ "$(file_mode "$DB")" = 600 ] || fail "inkan.db is mode $(file_mode "$DB"), not 600"
ok "inkan.db is mode 0600"
expect_eq() {	# WHAT GOT WANT
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}
expect_eq "journal_mode" "$(sql 'PRAGMA journal_mode;')" wal
ok "journal_mode is wal"
expect_eq "integrity_check" "$(sql 'PRAGMA integrity_check;')" ok
ok "PRAGMA integrity_check: ok"
expect_eq "rows not issued" "$(sql "SELECT count(*) FROM certificates WHERE state != 'issued';")" 0
total=$(sql 'SELECT count(*) FROM certificates;')
[ "$total" -ge 17 ] || fail "only $total certificate rows (3 roots, 5 cross, 3 responders, 6 subscribers)"
ok "all $total certificate rows are in state 'issued'"
expect_eq "duplicate (issuer, serial)" \
    "$(sql 'SELECT count(*) FROM (SELECT 1 FROM certificates GROUP BY issuer, serial HAVING count(*) > 1);')" 0
expect_eq "duplicate serials across issuers" \
    "$(sql 'SELECT count(*) FROM (SELECT 1 FROM certificates GROUP BY serial HAVING count(*) > 1);')" 0
ok "serials are unique"

# --- every certificate written out is in the store, byte for byte ----------
hex_of() {	# FILE: the certificate's DER in upper-case hex
	cert_der "$1" | od -An -v -tx1 | tr -d ' \n' | tr 'a-f' 'A-F'
}
tbs_sha256() {	# FILE: SHA-256 of the TBSCertificate (its DER bytes)
	_s=$(cert_cache "$1")
	# shellcheck disable=SC2046 # split into fields on purpose
	set -- $(awk 'NR == 2 { sub(/:.*/, "", $1); o = $1
	    h = $0; sub(/.*hl=/, "", h); sub(/ .*/, "", h)
	    l = $0; sub(/.* l= */, "", l); sub(/ .*/, "", l)
	    print o, h + l; exit }' "$_s.asn1")
	dd if="$_s.der" bs=1 skip="$1" count="$2" 2>/dev/null | sha256sum |
	    awk '{ print toupper($1) }'
}
checked=0
for f in "$SUB"/*.pem "$CA"/repository/certs/*.pem "$CA"/ocsp/*.pem; do
	serial=$(field "$f" serial | awk '{ print $2 }')
	n=$(sql "SELECT count(*) FROM certificates WHERE serial = '$serial';")
	[ "$n" = 1 ] || fail "$f: serial $serial has $n rows in the store"
	expect_eq "$f: state" "$(sql "SELECT state FROM certificates WHERE serial = '$serial';")" issued
	expect_eq "$f: stored DER" "$(sql "SELECT hex(der) FROM certificates WHERE serial = '$serial';")" \
	    "$(hex_of "$f")"
	expect_eq "$f: stored tbs_sha256" \
	    "$(sql "SELECT hex(tbs_sha256) FROM certificates WHERE serial = '$serial';")" \
	    "$(tbs_sha256 "$f")"
	# The fingerprints agree too (what an auditor compares): the stored
	# BLOB written out by the sqlite3 shell's writefile().
	rm -f "$TMP/stored.der"
	sql "SELECT writefile('$TMP/stored.der', der) FROM certificates WHERE serial = '$serial';" \
	    > /dev/null
	expect_eq "$f: fingerprint" \
	    "$(sha256sum "$TMP/stored.der" | awk '{ print toupper($1) }')" "$(fingerprint "$f")"
	checked=$((checked + 1))
done
[ "$checked" -ge 17 ] || fail "only $checked certificate files checked"
ok "$checked written certificates are stored byte for byte (DER, TBS hash, fingerprint)"

# --- inkan list shows every row ------------------------------------------------
n=$(rows "$CA")
expect_eq "inkan list rows" "$n" "$total"
sql "SELECT serial FROM certificates;" > "$TMP/serials"
while read -r serial; do
	awk -v s="$serial" '$2 == s && $3 == "issued" { found = 1 } END { exit !found }' \
	    "$TMP/list.out" || fail "inkan list does not show $serial as issued"
done < "$TMP/serials"
ok "inkan list shows all $n rows, each as issued"

# --- the store refuses to lose or rewrite what was signed (CP-5.4/5.5) -----
before=$(sql 'SELECT count(*), sum(length(der)) FROM certificates;')
if sqlite3 "$DB" 'DELETE FROM certificates;' > "$TMP/out" 2> "$TMP/err"; then
	fail "the store let a DELETE of certificates through"
fi
grep -q 'never deleted' "$TMP/err" || fail "DELETE refused, but not by the trigger: $(cat "$TMP/err")"
if sqlite3 "$DB" "UPDATE certificates SET der = x'00' WHERE state = 'issued';" \
    > "$TMP/out" 2> "$TMP/err"; then
	fail "the store let a signed certificate be rewritten"
fi
grep -q 'never replaced' "$TMP/err" || fail "UPDATE refused, but not by the trigger: $(cat "$TMP/err")"
if sqlite3 "$DB" "UPDATE certificates SET state = 'aborted' WHERE state = 'issued';" \
    > "$TMP/out" 2> "$TMP/err"; then
	fail "the store let an issued certificate go back to aborted"
fi
expect_eq "rows after the refused changes" "$(sql 'SELECT count(*), sum(length(der)) FROM certificates;')" "$before"
ok "DELETE, DER rewrite and state rollback are refused by the store's triggers"

# A certificate issued after those attempts still lands, in WAL mode.
issue_named after --policy client --csr "$SUB/k2048.csr" --subject "/C=JP/O=Example Corp/CN=F"
serial=$(field "$SUB/after.pem" serial | awk '{ print $2 }')
expect_eq "new row" "$(sql "SELECT state FROM certificates WHERE serial = '$serial';")" issued
expect_eq "journal_mode after more issuance" "$(sql 'PRAGMA journal_mode;')" wal
ok "issuance continues normally; the store stays in WAL mode"
