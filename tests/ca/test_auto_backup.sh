#!/bin/sh
# Automatic backups after critical changes (CP-5.5.4): with [ca]
# auto_backup_dir set, every command that stores a certificate or a
# revocation leaves a verified backup there (the newest auto_backup_keep
# kept); read-only commands leave none; a restore of the newest backup
# holds the change that caused it.
#
#   INKAN_BUILD_DIR=build sh tests/ca/test_auto_backup.sh

# shellcheck source=../cli/lib.sh
. "$(cd "$(dirname "$0")/../cli" && pwd)/lib.sh"

setup
CA=$TMP/ca
BK=$TMP/backups
sed "/^\[ca\]/a\\
auto_backup_dir = $BK\\
auto_backup_keep = 2" "$EXAMPLE_CONF" > "$TMP/inkan.conf"

# backups: the number of finished automatic backups in $BK.
backups() {
	find "$BK" -mindepth 1 -maxdepth 1 -name 'inkan-backup-*' \
	    ! -name '*.partial' 2>/dev/null | wc -l | tr -d ' '
}
newest() {
	find "$BK" -mindepth 1 -maxdepth 1 -name 'inkan-backup-*' \
	    ! -name '*.partial' | sort | tail -n 1
}

init_ca "$CA" "$TMP/inkan.conf"
[ "$(backups)" = 1 ] || fail "init: $(backups) automatic backups, expected 1"
inkan_ok "verify the init backup" backup --verify "$(newest)"
ok "inkan init leaves one verified backup in auto_backup_dir"

inkan_ok "list" --dir "$CA" list
inkan_ok "audit show" --dir "$CA" audit show
[ "$(backups)" = 1 ] || fail "read-only commands made a backup"
ok "read-only commands (list, audit show) make none"

make_csr "$TMP/sub" 2048
sleep 1	# backup names carry the second
inkan_ok "issue" --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/sub.csr" --subject "/C=JP/O=Example/CN=Backed Up" \
    --out "$TMP/sub.pem"
[ "$(backups)" = 2 ] || fail "issue: $(backups) automatic backups, expected 2"
SER=$(openssl x509 -in "$TMP/sub.pem" -noout -serial | sed 's/.*=//')
sleep 1
inkan_ok "revoke" --dir "$CA" --passphrase-file "$PASS" revoke "$SER" \
    --reason keyCompromise
[ "$(backups)" = 2 ] ||
    fail "revoke: $(backups) automatic backups, expected 2 (auto_backup_keep)"
grep -q 'taken after a change' "$TMP/err" || fail "revoke: no backup message"
ok "issue and revoke each leave a backup; only the newest 2 are kept"

NEW=$(newest)
inkan_ok "verify the newest backup" backup --verify "$NEW"
inkan_ok "restore the newest backup" --dir "$TMP/restored" restore "$NEW"
inkan_ok "list the restored CA" --dir "$TMP/restored" list
grep "$SER" "$TMP/out" | grep -q revoked ||
    fail "the restored CA lacks the revocation: $(grep "$SER" "$TMP/out")"
inkan_ok "audit verify on the restored CA" --dir "$TMP/restored" audit verify
inkan_ok "audit verify on the CA" --dir "$CA" audit verify
audited "automatic backup" '"type":"backup\.auto".*"outcome":"ok"'
ok "the newest backup restores to a CA holding the revocation; both audit logs verify, sealed; backups are audited"

# A relative auto_backup_dir is refused before anything is created.
sed "/^\[ca\]/a\\
auto_backup_dir = backups" "$EXAMPLE_CONF" > "$TMP/rel.conf"
inkan_refuses "relative auto_backup_dir" nz "auto_backup_dir: must be an absolute path" \
    --dir "$TMP/ca2" --passphrase-file "$PASS" init --config "$TMP/rel.conf"
[ ! -e "$TMP/ca2" ] || fail "a refused init left $TMP/ca2"
ok "a relative auto_backup_dir is refused at init, nothing created"
