#!/bin/sh
# Purge (CP-5.5.2) end to end: a CA made "in 2015" (faketime) has audit
# records more than seven years old; they are archived, then purged behind
# a purge checkpoint the audit key signs in the signer, and the log still
# verifies. Records younger than seven years stay.
. "$(dirname "$0")/../cli/lib.sh"
setup
need faketime sqlite3

# inkan as it ran in 2015. ASan must not insist on being preloaded first.
OLD=$TMP/inkan-2015
cat > "$OLD" <<EOS
#!/bin/sh
ASAN_OPTIONS=\${ASAN_OPTIONS:+\$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
exec faketime '2015-03-01 00:00:00' "$INKAN" "\$@"
EOS
chmod +x "$OLD"
CA=$TMP/ca
"$OLD" --dir "$CA" --passphrase-file "$PASS" init \
    --config "$CLI_DATA/short-lived-ca.conf" > "$TMP/init.out" 2>&1 ||
    fail "init in 2015 failed: $(cat "$TMP/init.out")"
sanitizer_check "inkan init (2015)" "$TMP/init.out"
OLDN=$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM audit_log WHERE time < 1440000000")
[ "$OLDN" -gt 10 ] || fail "only $OLDN records dated 2015"
ok "a CA made in 2015 has $OLDN audit records of 2015"

# Today: one more record (and its seal), then archive the old ones.
printf 'CPS v2\n' > "$TMP/cps.txt"
inkan_ok "publish today" --dir "$CA" publish "$TMP/cps.txt"
inkan_ok "seal today" --dir "$CA" --passphrase-file "$PASS" audit seal
inkan_ok "export 2015" --dir "$CA" --passphrase-file "$PASS" archive export \
    --from 2015-01-01 --to 2015-12-31 "$TMP/archive-2015"
inkan_ok "verify the 2015 bundle" archive verify "$TMP/archive-2015"
grep -q '"type":"ca.init"' "$TMP/archive-2015/audit/records.jsonl" ||
    fail "the 2015 bundle lacks the init records"
ok "the records of 2015 are archived first"

inkan_refuses "purge within 7 years" 1 "CP-5.5.2" --dir "$CA" \
    --passphrase-file "$PASS" archive purge --before "$(date -u +%Y-%m-%d)"
inkan_ok "purge before 2016" --dir "$CA" --passphrase-file "$PASS" \
    archive purge --before 2016-01-01
grep -q "$OLDN audit records deleted" "$TMP/err" ||
    fail "purge did not delete the $OLDN old records: $(cat "$TMP/err")"
[ "$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM audit_log WHERE time < 1440000000")" = 0 ] ||
    fail "records of 2015 remain"
[ "$(sqlite3 "$CA/inkan.db" "SELECT count(*) FROM audit_checkpoints WHERE kind = 'purge' AND seq = $OLDN")" = 1 ] ||
    fail "no purge checkpoint at record $OLDN"
[ "$(sqlite3 "$CA/inkan.db" "SELECT min(seq) FROM audit_log")" = $((OLDN + 1)) ] ||
    fail "the kept log does not start at record $((OLDN + 1))"
ok "CP-5.5.2: records older than 7 years purged, a purge checkpoint at record $OLDN"

inkan_ok "verify after purge" --dir "$CA" audit verify
inkan_ok "show purge" --dir "$CA" audit show --type archive.purge
grep -q "archive.purge .*ok .*\"purged\":$OLDN" "$TMP/out" ||
    fail "the purge is not recorded"
ok "the purged log verifies from its signed start; the purge is recorded"

# The kept log cannot be shortened further without a signed purge mark.
cp -a "$CA" "$TMP/t"
sqlite3 "$TMP/t/inkan.db" "DROP TRIGGER audit_log_no_delete;
DELETE FROM audit_log WHERE seq = $((OLDN + 1))"
inkan_refuses "head deleted after purge" 1 \
    "records 1 to $((OLDN + 1)): missing, and no signed purge checkpoint" \
    --dir "$TMP/t" audit verify
ok "deleting the first kept record is detected"
