#!/bin/sh
# test_backup: backup and restore of a CA (CP-5.7.2, CP-5.5.4).
#
# - `inkan backup` runs while inkand serves the CA (started for real on
#   loopback) and `inkan issue` writes beside it; the backup holds the
#   store (integrity-checked), the key files still encrypted and
#   byte-identical, the configuration and the repository, with a
#   manifest of SHA-256 hashes; `inkan backup --verify` accepts it;
# - after the backup, more happens: a certificate is issued, one revoked,
#   CRLs issued; then `inkan restore` into a fresh folder reproduces the
#   CA as it was when the backup was taken: the same `inkan list`, and
#   inkand on the restored folder answers `openssl ocsp` with the same
#   statuses (good, revoked, revoked with certificateHold; unknown for
#   the certificate issued after the backup);
# - the restored CA's next CRL Number is above every CRL Number
#   published before, also those issued after the backup was taken
#   (docs/operations.md: CRL numbers never fall below the clock in
#   microseconds), and `openssl crl` verifies it with the CA's key;
# - refused, with a message and nothing written: a non-empty target, a
#   backup with a flipped byte, a truncated file, a truncated manifest, a
#   store whose pages are damaged though the manifest was re-hashed to
#   match (the integrity check), an existing backup name.

. "$(dirname "$0")/../relying/lib.sh"
rp_setup
need sqlite3 sha256sum

CA=$TMP/ca
init_ca "$CA"

# crl_file DIR CA: where DIR publishes the CRL of CA (its crl_url).
crl_file() {
	_u=$(conf_get "$EXAMPLE_CONF" "issuing:$2" crl_url)
	printf '%s/repository/%s\n' "$1" "${_u#*/repository/}"
}

# crl_no FILE: the CRL Number of a DER CRL, decimal.
crl_no() {
	_h=$(openssl crl -inform DER -in "$1" -noout -crlnumber | sed 's/.*=//')
	case $_h in 0x*|0X*) ;; *) fail "$1: CRL Number '$_h'" ;; esac
	printf '%d\n' "$_h"
}

# ocsp_status DIR NAME: good, revoked or unknown, from `openssl ocsp`
# against the inkand at $U, verified against the issuing CA's chain.
ocsp_status() {
	openssl ocsp -issuer "$TMP/$2-ca.pem" -cert "$TMP/$2.pem" \
	    -url "$U/ocsp/pubca1" -CAfile "$TMP/$2-chain.pem" \
	    -no_nonce > "$TMP/ocsp.out" 2>&1 ||
	    fail "openssl ocsp $2: $(cat "$TMP/ocsp.out")"
	grep -q 'Response verify OK' "$TMP/ocsp.out" ||
	    fail "openssl ocsp $2: response does not verify: $(cat "$TMP/ocsp.out")"
	awk -v f="$TMP/$2.pem" 'index($0, f ": ") == 1 { print $2; exit }' \
	    "$TMP/ocsp.out"
}

issue_sub good client "/C=JP/O=Example Corp/CN=Good"
issue_sub gone client "/C=JP/O=Example Corp/CN=Gone"
issue_sub held client "/C=JP/O=Example Corp/CN=Held"
inkan_revoke "$(serial_of "$TMP/gone.pem")" keyCompromise
inkan_revoke "$(serial_of "$TMP/held.pem")" certificateHold
ok "three certificates: one good, one revoked, one on hold"

inkand_start "$CA"
[ "$(ocsp_status "$CA" good)" = good ] || fail "good is not good before the backup"
[ "$(ocsp_status "$CA" gone)" = revoked ] || fail "gone is not revoked before the backup"

# --- backup while inkand runs and a writer issues beside it ----------------
"$INKAN" --dir "$CA" list > "$TMP/list.before" || fail "inkan list"
make_csr "$TMP/busy" 2048
(
	i=0
	while [ $i -lt 6 ]; do
		"$INKAN" --dir "$CA" --passphrase-file "$PASS" issue --policy client \
		    --csr "$TMP/busy.csr" --subject "/C=JP/O=Example Corp/CN=Busy $i" \
		    --out "$TMP/busy$i.pem" 2> "$TMP/busy$i.err" || exit 1
		i=$((i + 1))
	done
) &
WRITER=$!
inkan_ok "backup while inkand runs" --dir "$CA" backup "$TMP/bk"
wait "$WRITER" || fail "issuance beside the backup failed: $(cat "$TMP"/busy*.err)"
inkand_alive "after the backup"
[ -f "$TMP/bk/MANIFEST" ] && [ -f "$TMP/bk/inkan.db" ] && [ -f "$TMP/bk/inkan.conf" ] ||
    fail "the backup lacks MANIFEST, inkan.db or inkan.conf"
[ ! -e "$TMP/bk.partial" ] || fail "bk.partial left behind"
ok "inkan backup with inkand running and issuance beside it"

# The store copy is a sound SQLite database, not in WAL mode (one file).
[ "$(sqlite3 "$TMP/bk/inkan.db" 'PRAGMA integrity_check;')" = ok ] ||
    fail "backup store fails integrity_check"
[ ! -e "$TMP/bk/inkan.db-wal" ] || fail "the backup has a -wal file"
ok "the backup's store passes PRAGMA integrity_check and stands alone"

# Keys: the same encrypted files, never decrypted.
for k in "$CA"/keys/*.key; do
	cmp -s "$k" "$TMP/bk/keys/$(basename "$k")" ||
	    fail "key $(basename "$k") differs in the backup"
	grep -q 'BEGIN ENCRYPTED PRIVATE KEY' "$TMP/bk/keys/$(basename "$k")" ||
	    fail "key $(basename "$k") is not encrypted in the backup"
	[ "$(file_mode "$TMP/bk/keys/$(basename "$k")")" = 600 ] ||
	    fail "key $(basename "$k") is not mode 600 in the backup"
done
grep -rlq 'BEGIN PRIVATE KEY\|BEGIN RSA PRIVATE KEY' "$TMP/bk" &&
    fail "an unencrypted private key is in the backup"
ok "key files are in the backup byte for byte, still encrypted, mode 600"

# The manifest: every file, its SHA-256, checked here with sha256sum.
n=0
while read -r kind hash size mode path; do
	[ "$kind" = file ] || continue
	[ "$(sha256sum "$TMP/bk/$path" | awk '{ print $1 }')" = "$hash" ] ||
	    fail "manifest: $path hash differs"
	n=$((n + 1))
done < "$TMP/bk/MANIFEST"
[ "$n" -ge 20 ] || fail "manifest lists only $n files"
for f in inkan.conf inkan.db keys/pubca1.key repository/certs; do
	grep -q " $f\$" "$TMP/bk/MANIFEST" || fail "manifest lacks $f"
done
inkan_ok "backup --verify" backup --verify "$TMP/bk"
ok "manifest lists $n files with their SHA-256 (checked with sha256sum); backup --verify accepts it"

inkan_refuses "backup over an existing one" 1 "already exists" \
    --dir "$CA" backup "$TMP/bk"
inkan_refuses "backup inside the CA directory" 1 "inside the CA directory" \
    --dir "$CA" backup "$CA/bk"

# --- life goes on after the backup ----------------------------------------
issue_sub late client "/C=JP/O=Example Corp/CN=Late"
inkan_revoke "$(serial_of "$TMP/good.pem")" superseded
inkan_ok "crl after the backup" --dir "$CA" --passphrase-file "$PASS" crl
inkan_ok "crl after the backup, again" --dir "$CA" --passphrase-file "$PASS" crl --issuer pubca1
MAXN=$(crl_no "$(crl_file "$CA" pubca1)")
inkand_stop
ok "after the backup: one issued, one revoked, CRLs up to number $MAXN"

# --- restore into a fresh folder ----------------------------------------------
NEW=$TMP/restored
inkan_ok "restore" --dir "$NEW" restore "$TMP/bk"
[ "$(file_mode "$NEW/inkan.db")" = 600 ] || fail "restored inkan.db is not 600"
"$INKAN" --dir "$NEW" list > "$TMP/list.after" || fail "inkan list on the restored CA"
# The writer beside the backup may have landed some of its certificates
# in it: the restored list is the one before, plus only those.
grep -v 'CN=Busy' "$TMP/list.after" > "$TMP/list.after.nobusy"
cmp -s "$TMP/list.before" "$TMP/list.after.nobusy" || {
	diff "$TMP/list.before" "$TMP/list.after.nobusy" | sed 's/^/#   /' >&2
	fail "the restored CA does not list the same certificates"
}
grep -q 'CN=Late' "$TMP/list.after" && fail "a certificate issued after the backup is in it"
ok "inkan list of the restored CA equals the list at backup time ($(($(wc -l < "$TMP/list.before") - 1)) rows)"
for k in "$CA"/keys/*; do
	cmp -s "$k" "$NEW/keys/$(basename "$k")" || fail "restored $(basename "$k") differs"
done
ok "restored keys are the original encrypted files"

inkand_start "$NEW"
[ "$(ocsp_status "$NEW" good)" = good ] || fail "restored: good is not good"
[ "$(ocsp_status "$NEW" gone)" = revoked ] || fail "restored: gone is not revoked"
[ "$(ocsp_status "$NEW" held)" = revoked ] || fail "restored: held is not on hold (revoked, certificateHold)"
grep -q 'Reason: certificateHold' "$TMP/ocsp.out" || fail "restored: held lost its certificateHold reason"
[ "$(ocsp_status "$NEW" late)" = unknown ] ||
    fail "restored: a certificate issued after the backup is not unknown"
ok "openssl ocsp against inkand on the restored CA: good, revoked, hold as at backup time; unknown for the later one"
inkand_stop

inkan_ok "crl on the restored CA" --dir "$NEW" --passphrase-file "$PASS" crl --issuer pubca1
NEXTN=$(crl_no "$(crl_file "$NEW" pubca1)")
[ "$NEXTN" -gt "$MAXN" ] || fail "restored CA's CRL Number $NEXTN is not above $MAXN, published before"
openssl crl -inform DER -in "$(crl_file "$NEW" pubca1)" -CAfile "$TMP/good-ca.pem" \
    -noout > "$TMP/crlv.out" 2>&1 || fail "openssl crl cannot verify the new CRL: $(cat "$TMP/crlv.out")"
grep -q 'verify OK' "$TMP/crlv.out" || fail "openssl crl: $(cat "$TMP/crlv.out")"
ok "the restored CA's next CRL Number $NEXTN > $MAXN (the highest published before), verified by openssl crl"

# --- refusals -------------------------------------------------------------------
inkan_refuses "restore into a non-empty folder" 1 "not an empty folder" \
    --dir "$NEW" restore "$TMP/bk"
mkdir -p "$TMP/occupied" && echo x > "$TMP/occupied/f"
inkan_refuses "restore into a folder with a file" 1 "not an empty folder" \
    --dir "$TMP/occupied" restore "$TMP/bk"

# bad_copy NAME: a copy of the backup to damage.
bad_copy() {
	rm -rf "$TMP/$1"
	cp -a "$TMP/bk" "$TMP/$1"
}
# refused NAME PHRASE: restore and verify refuse it, the target stays absent.
refused() {
	inkan_refuses "restore $1" 1 "$2" --dir "$TMP/target-$1" restore "$TMP/$1"
	grep -qF "nothing was restored" "$TMP/err" || fail "restore $1: no 'nothing was restored'"
	[ ! -e "$TMP/target-$1" ] || fail "restore $1 left $TMP/target-$1 behind"
	inkan_refuses "backup --verify $1" 1 "$2" backup --verify "$TMP/$1"
	ok "a backup with $1 is refused: $2"
}

bad_copy flipped
flip_byte "$TMP/flipped/inkan.db" 5000
refused flipped "SHA-256 differs from the manifest"

bad_copy truncated
k=$(ls "$TMP/truncated/keys/" | grep '\.key$' | head -n 1)
head -c 100 "$TMP/truncated/keys/$k" > "$TMP/t" && mv "$TMP/t" "$TMP/truncated/keys/$k"
refused truncated "the backup is truncated or damaged"

bad_copy manifest
head -n 10 "$TMP/bk/MANIFEST" > "$TMP/manifest/MANIFEST"
refused manifest "truncated or damaged"

bad_copy missing
rm -f "$TMP/missing/inkan.conf"
refused missing "missing from the backup"

# Damage the store's pages and re-hash the manifest to match: only the
# store's own integrity check can tell.
bad_copy pages
# Page 2 onwards (page 1 is the header and schema): b-tree pages whose
# headers SQLite checks.
psize=$(sqlite3 "$TMP/pages/inkan.db" 'PRAGMA page_size;')
dd if=/dev/urandom of="$TMP/pages/inkan.db" bs="$psize" seek=1 count=3 \
    conv=notrunc 2>/dev/null
h=$(sha256sum "$TMP/pages/inkan.db" | awk '{ print $1 }')
awk -v h="$h" '$1 == "file" && $5 == "inkan.db" { $2 = h } $1 != "manifest-sha256"' \
    "$TMP/bk/MANIFEST" > "$TMP/m"
printf 'manifest-sha256 %s\n' "$(sha256sum "$TMP/m" | awk '{ print $1 }')" >> "$TMP/m"
mv "$TMP/m" "$TMP/pages/MANIFEST"
inkan_refuses "restore damaged store pages" 1 "is left as it was" \
    --dir "$TMP/target-pages" restore "$TMP/pages"
grep -Eq 'integrity|malformed|does not open as an inkan store' "$TMP/err" ||
    fail "restore of damaged pages: no word of the store check: $(cat "$TMP/err")"
[ ! -e "$TMP/target-pages" ] || fail "restore of damaged pages left the target behind"
ok "a store with damaged pages (manifest re-hashed to match) is refused by its integrity check"

inkan_refuses "restore of no backup" 1 "no readable manifest" \
    --dir "$TMP/target-none" restore "$TMP/nonexistent"

# A manifest (re-hashed to match) naming a path outside the backup: the
# restore must not follow it out of NEWDIR.
bad_copy escape
awk '$1 == "file" && $5 == "inkan.conf" { $5 = "../escape.conf" } $1 != "manifest-sha256"' \
    "$TMP/bk/MANIFEST" > "$TMP/m"
printf 'manifest-sha256 %s\n' "$(sha256sum "$TMP/m" | awk '{ print $1 }')" >> "$TMP/m"
mv "$TMP/m" "$TMP/escape/MANIFEST"
cp "$TMP/bk/inkan.conf" "$TMP/escape.conf"
inkan_refuses "restore a manifest naming ../" 1 "malformed line" \
    --dir "$TMP/target-escape/inner" restore "$TMP/escape"
[ ! -e "$TMP/target-escape" ] || fail "restore of an escaping manifest wrote something"
ok "a manifest naming a path outside the backup (../) is refused"
