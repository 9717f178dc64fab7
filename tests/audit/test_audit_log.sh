#!/bin/sh
# The audit log (CP-5.4): every event of init, issuance, revocation,
# suspension, CRLs and publication is recorded; inkan audit verify finds
# every kind of tampering done to the SQLite file directly (sqlite3, the
# triggers dropped) and names the first bad record; checkpoints are
# checked with openssl alone; show is read-only.
. "$(dirname "$0")/../cli/lib.sh"
setup
need sqlite3 sha256sum

CA=$TMP/ca
S="/C=JP/O=Example Corp/CN=Audit Test"
init_ca "$CA" "$CLI_DATA/short-lived-ca.conf"
make_csr "$TMP/s" 2048
for i in 1 2 3; do
	inkan_ok "issue $i" --dir "$CA" --passphrase-file "$PASS" issue \
	    --policy client --csr "$TMP/s.csr" --subject "$S" \
	    --out "$TMP/c$i.pem"
done
SERIAL1=$(openssl x509 -in "$TMP/c1.pem" -noout -serial | sed 's/serial=//')
SERIAL2=$(openssl x509 -in "$TMP/c2.pem" -noout -serial | sed 's/serial=//')
inkan_ok "revoke" --dir "$CA" --passphrase-file "$PASS" revoke "$SERIAL1" \
    --reason keyCompromise
inkan_ok "suspend" --dir "$CA" --passphrase-file "$PASS" revoke "$SERIAL2" \
    --reason certificateHold
inkan_refuses "revoke twice" 1 "" --dir "$CA" --passphrase-file "$PASS" \
    revoke "$SERIAL1" --reason keyCompromise

# --- what is recorded --------------------------------------------------------
inkan_ok "audit show" --dir "$CA" audit show
cp "$TMP/out" "$TMP/show"
for t in config.load audit.key.generate key.generate cert.intent cert.issue.ca \
    cert.issue responder.certify crl.issue ca.init cert.revoke cert.suspend; do
	grep -q " $t " "$TMP/show" || fail "no $t record in audit show"
done
ok "CP-5.4: init, key generation, issuance, responder, CRL, revocation, suspension recorded"
grep " cert.revoke " "$TMP/show" | grep -q " ok .*cert:shortca:$SERIAL1 .*keyCompromise" ||
    fail "the revocation record lacks its object or reason"
grep " cert.revoke " "$TMP/show" | grep -q " denied .*cert:shortca:$SERIAL1" ||
    fail "the refused second revocation is not recorded as denied"
grep " cert.issue " "$TMP/show" | grep -q "tbs_sha256" ||
    fail "issuance records lack the TBS hash"
ok "records name the object, outcome and detail (serial, TBS hash, reason); refusals too"
grep -q "$(id -un)/custodian/local@local key:testroot" "$TMP/show" ||
    fail "the key ceremony does not name the custodian"
ok "the key ceremony names the OS user as custodian"

inkan_ok "show --json --type cert." --dir "$CA" audit show --json --type cert.
awk '!/^\{"seq":[0-9]+,"time":"[0-9TZ:-]+","type":"cert\./ { exit 1 }' \
    "$TMP/out" || fail "show --json --type cert. prints other lines"
[ "$(wc -l < "$TMP/out")" -ge 6 ] || fail "show --json --type cert. misses records"
ok "show --json --type filters by type prefix, one JSON object a line"
inkan_ok "show --since tomorrow" --dir "$CA" audit show \
    --since "$(date -u -d tomorrow +%Y-%m-%d)"
[ ! -s "$TMP/out" ] || fail "show --since tomorrow printed records"
ok "show --since filters by time"

# --- intact, and read-only -----------------------------------------------------
sum_db() { cat "$1/inkan.db" "$1/inkan.db-wal" 2>/dev/null | sha256sum; }
before=$(sum_db "$CA")
inkan_ok "verify intact" --dir "$CA" audit verify
grep -q "audit log intact" "$TMP/out" || fail "verify does not say intact"
[ "$before" = "$(sum_db "$CA")" ] || fail "verify or show changed the store"
ok "verify passes on an untouched log; show and verify leave the store unchanged"
N=$(sqlite3 "$CA/inkan.db" "SELECT max(seq) FROM audit_log")
[ "$N" -gt 15 ] || fail "only $N records"

# --- checkpoints, checked with openssl alone -----------------------------------
openssl x509 -in "$CA/audit/audit-signer.pem" -pubkey -noout > "$TMP/audit.pub"
openssl dgst -sha256 -verify "$TMP/audit.pub" -signature \
    "$CA/audit/last-checkpoint.sig" "$CA/audit/last-checkpoint.txt" \
    > "$TMP/dgst" 2>&1 || fail "openssl dgst: $(cat "$TMP/dgst")"
grep -q "seq: $N$" "$CA/audit/last-checkpoint.txt" ||
    fail "the last checkpoint does not seal record $N"
sqlite3 "$CA/inkan.db" "SELECT writefile('$TMP/cp.sig', signature) FROM \
    audit_checkpoints WHERE seq = $N" > /dev/null
openssl dgst -sha256 -verify "$TMP/audit.pub" -signature "$TMP/cp.sig" \
    "$CA/audit/last-checkpoint.txt" > /dev/null 2>&1 ||
    fail "the stored checkpoint's signature does not verify"
cmp -s "$CA/repository/audit/audit-signer.pem" "$CA/audit/audit-signer.pem" ||
    fail "the audit certificate is not published in the repository"
ok "openssl dgst verifies the checkpoint the audit key signed; its certificate is published"

# --- the triggers hold against ordinary writes ----------------------------------
for sql in "UPDATE audit_log SET outcome = 'ok' WHERE seq = 3" \
    "DELETE FROM audit_log WHERE seq = 3" \
    "DELETE FROM audit_checkpoints" \
    "UPDATE audit_checkpoints SET time = 0"; do
	if sqlite3 "$CA/inkan.db" "$sql" 2> "$TMP/sqlerr"; then
		fail "the schema allowed: $sql"
	fi
done
ok "triggers refuse UPDATE and DELETE on records and checkpoints"

# --- tampering, triggers dropped ------------------------------------------------
DROP="DROP TRIGGER audit_log_append; DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_checkpoints_no_update;
DROP TRIGGER audit_checkpoints_no_delete;"
# tampered NAME SQL PHRASE: a copy of the CA, SQL run on its store, then
# verify must exit 1 naming PHRASE.
tampered() {
	_c=$TMP/t-$1
	rm -rf "$_c"
	cp -a "$CA" "$_c"
	sqlite3 "$_c/inkan.db" "$DROP $2" || fail "$1: sqlite3 failed"
	inkan_refuses "$1" 1 "$3" --dir "$_c" audit verify
	ok "$1 detected: $(grep -o 'FAILED: .*' "$TMP/err" | cut -c1-90)"
}
tampered edit "UPDATE audit_log SET outcome = 'denied' WHERE seq = 7" \
    "record 7: content does not match its hash"
tampered edit-detail "UPDATE audit_log SET detail = '{"x":1}' WHERE seq = 9" \
    "record 9: content does not match its hash"
tampered delete "DELETE FROM audit_log WHERE seq = 7" "record 7: missing"
tampered insert "UPDATE audit_log SET seq = seq + 100000 WHERE seq >= 7;
UPDATE audit_log SET seq = seq - 99999 WHERE seq >= 100007;
INSERT INTO audit_log SELECT 7, time, 'cert.issue', actor, role, auth, source,
object, outcome, detail, hash, hash FROM audit_log WHERE seq = 6;" \
    "record 7: content does not match its hash"
tampered reorder "UPDATE audit_log SET seq = 100000 WHERE seq = 7;
UPDATE audit_log SET seq = 7 WHERE seq = 8;
UPDATE audit_log SET seq = 8 WHERE seq = 100000;" \
    "record 7: content does not match its hash"
tampered relink "UPDATE audit_log SET prev_hash = zeroblob(32) WHERE seq = 7" \
    "record 7: content does not match its hash"
T=$((N - 2))
tampered truncate "DELETE FROM audit_log WHERE seq >= $T" \
    "record $T: missing; checkpoint $N sealed records up to $N (truncated)"
tampered truncate-all "DELETE FROM audit_log; DELETE FROM audit_checkpoints" \
    "(truncated)"
tampered truncate-and-checkpoints "DELETE FROM audit_log WHERE seq >= $T;
DELETE FROM audit_checkpoints WHERE seq >= $T" \
    "record $T: missing; checkpoint $N sealed records up to $N (truncated)"
tampered head-deleted "DELETE FROM audit_log WHERE seq <= 3" \
    "records 1 to 3: missing, and no signed purge checkpoint"
tampered forged-checkpoint "UPDATE audit_checkpoints SET time = time + 1
WHERE seq = $N" "checkpoint at record $N: signature does not verify"
tampered forged-purge "INSERT INTO audit_checkpoints SELECT 3, hash, time,
'purge', x'00' FROM audit_log WHERE seq = 3; DELETE FROM audit_log WHERE seq <= 3" \
    "checkpoint at record 3: signature does not verify"
tampered moved-checkpoint "UPDATE audit_checkpoints SET head_hash = (SELECT hash
FROM audit_log WHERE seq = 5) WHERE seq = $N" \
    "checkpoint at record $N: signature does not verify"
# A record appended with a valid hash after the last checkpoint: the chain
# alone cannot tell, the missing checkpoint does.
_c=$TMP/t-append
cp -a "$CA" "$_c"
inkan_ok "publish (writes a record, holds no key)" --dir "$_c" publish \
    "$CLI_DATA/short-lived-ca.conf" --as notice.txt
inkan_refuses "unsealed record" 1 "record $((N + 1)): after the last signed checkpoint" \
    --dir "$_c" audit verify
inkan_ok "--allow-unsealed" --dir "$_c" audit verify --allow-unsealed
grep -q "repository.publish" "$_c/inkan.db" 2>/dev/null ||
    sqlite3 "$_c/inkan.db" "SELECT 1 FROM audit_log WHERE type = 'repository.publish'" | grep -q 1 ||
    fail "publish not recorded"
inkan_ok "audit seal" --dir "$_c" --passphrase-file "$PASS" audit seal
inkan_ok "verify after seal" --dir "$_c" audit verify
ok "records after the last checkpoint are refused until sealed (--allow-unsealed reports them)"

# --- a wrong passphrase is recorded --------------------------------------------
make_passphrase "$TMP/wrong" "this is not the passphrase"
inkan_refuses "wrong passphrase" 1 "wrong passphrase" --dir "$_c" \
    --passphrase-file "$TMP/wrong" issue --policy client --csr "$TMP/s.csr" \
    --subject "$S" --out "$TMP/never.pem"
inkan_ok "show key.unlock" --dir "$_c" audit show --type key.unlock
grep -q "key.unlock .*failed .*key:shortca" "$TMP/out" ||
    fail "the failed unlock is not recorded"
inkan_ok "seal with the right passphrase" --dir "$_c" --passphrase-file "$PASS" audit seal
inkan_ok "verify" --dir "$_c" audit verify
ok "a wrong passphrase is recorded as key.unlock failed, sealed by the next command"

# --- a configuration change is recorded ------------------------------------------
printf '\n; edited\n' >> "$_c/inkan.conf"
inkan_ok "list after an edit" --dir "$_c" list
inkan_ok "show config.change" --dir "$_c" audit show --type config.change
grep -q "config.change .*config:inkan.conf" "$TMP/out" ||
    fail "the configuration change is not recorded"
ok "an edited configuration is recorded as config.change"

# --- an audit key for a CA directory that has none --------------------------------
_c=$TMP/t-nokey
cp -a "$CA" "$_c"
rm -f "$_c/audit/audit-signer.pem" "$_c/audit/audit-signer.cer"
inkan_ok "init-key" --dir "$_c" --passphrase-file "$PASS" audit init-key
[ -s "$_c/audit/audit-signer.pem" ] || fail "init-key made no certificate"
ok "inkan audit init-key certifies the audit key of an existing CA directory"

# --- inkand records its start and stop, and seals at shutdown -----------------
need curl
INKAND=${INKAND:-$INKAN_BUILD_DIR/inkand}
_c=$TMP/t-daemon
cp -a "$CA" "$_c"
for _try in 1 2 3 4 5; do
	PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
	"$INKAND" --dir "$_c" --passphrase-file "$PASS" --listen \
	    "127.0.0.1:$PORT" --foreground > "$TMP/inkand.out" \
	    2> "$TMP/inkand.err" &
	PID=$!
	_t=0
	while [ $_t -lt 150 ] && kill -0 "$PID" 2>/dev/null &&
	    [ "$(curl -s --max-time 1 "http://127.0.0.1:$PORT/healthz")" != ok ]; do
		sleep 0.1
		_t=$((_t + 1))
	done
	kill -0 "$PID" 2>/dev/null && break
	wait "$PID" 2>/dev/null || :
	grep -q 'address already in use' "$TMP/inkand.err" ||
	    fail "inkand exited at start-up: $(cat "$TMP/inkand.err")"
done
kill -TERM "$PID"
wait "$PID" || fail "inkand exited non-zero: $(cat "$TMP/inkand.err")"
sanitizer_check inkand "$TMP/inkand.err"
inkan_ok "show daemon." --dir "$_c" audit show --type daemon.
grep -q "daemon.start .*inkand/system/local@local daemon:inkand" "$TMP/out" &&
    grep -q "daemon.stop " "$TMP/out" || fail "inkand's start and stop are not recorded"
inkan_ok "verify after inkand" --dir "$_c" audit verify
ok "inkand records its start and stop as inkand/system, and seals the log at shutdown"
