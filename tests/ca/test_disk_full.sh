#!/bin/sh
# test_disk_full: a full disk and a read-only store give clear errors, no
# partial records, and nothing signed that is not recorded (CP-4.3.1,
# CP-5.7.2).
#
# - Disk full: the CA is copied to a small tmpfs (mount -t tmpfs, as
#   root); where mounting is not allowed, the test says so and falls back
#   to RLIMIT_FSIZE (ulimit -f, SIGXFSZ ignored so writes fail with
#   EFBIG; INKAN_TEST_NO_MOUNT=1 forces this). The file system is filled to leave 0, 4, 8, 16, 32, 64 and
#   256 KiB free, and at each level `inkan issue`, `inkan revoke` and
#   `inkan crl` are tried: each either succeeds (and then what it
#   reported is in the store) or fails saying the disk is full; after
#   space is freed, reconciliation leaves no intent unfinished, the store
#   passes integrity_check, and every certificate written out is stored.
# - Read-only store: inkan.db mode 0400 for an unprivileged user
#   (setpriv), and, as root, the CA folder bind-mounted read-only:
#   `inkan issue` and `inkan revoke` refuse with a message naming the
#   store, and nothing is written out or changed.

. "$(dirname "$0")/../cli/lib.sh"
setup
need sqlite3 od

CA0=$TMP/ca0
init_ca "$CA0"
make_csr "$TMP/s" 2048
MNT=$TMP/mnt
mkdir -p "$MNT"

MOUNTED=
cleanup_mounts() {
	for _m in $MOUNTED; do
		umount "$_m" 2>/dev/null || umount -l "$_m" 2>/dev/null || :
	done
	MOUNTED=
}
trap 'cleanup_mounts; cli_finish' EXIT

MODE=tmpfs
if [ "${INKAN_TEST_NO_MOUNT:-0}" = 1 ]; then
	echo "INKAN_TEST_NO_MOUNT=1" > "$TMP/mount.err"
	MODE=fsize
	note "disk full: mounting disabled (INKAN_TEST_NO_MOUNT=1); falling back to RLIMIT_FSIZE (ulimit -f)"
elif [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=8m,mode=0700 inkan-test "$MNT" 2> "$TMP/mount.err"; then
	MOUNTED="$MNT"
	note "disk full: a real 8 MiB tmpfs at $MNT"
else
	MODE=fsize
	note "disk full: cannot mount a tmpfs here ($(cat "$TMP/mount.err" 2>/dev/null || echo 'not root')); falling back to RLIMIT_FSIZE (ulimit -f)"
fi

CA=$MNT/ca
cp -a "$CA0" "$CA"
DB=$CA/inkan.db
sql() {
	sqlite3 -batch -noheader "$DB" "$@" 2> "$TMP/sql.err" ||
	    fail "sqlite3 $*: $(cat "$TMP/sql.err")"
}

# limited FREEKB COMMAND...: runs inkan COMMAND with about FREEKB KiB
# left to write; RC, $TMP/out and $TMP/err as run_inkan.
limited() {
	_free=$1
	shift
	RC=0
	if [ "$MODE" = tmpfs ]; then
		rm -f "$MNT/fill"
		dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null || :
		[ "$_free" = 0 ] || truncate -s "-${_free}K" "$MNT/fill"
		"$INKAN" --dir "$CA" --passphrase-file "$PASS" "$@" > "$TMP/out" \
		    2> "$TMP/err" || RC=$?
		rm -f "$MNT/fill"
	else
		# No file may be written past FREEKB KiB (ulimit -f counts
		# 512-byte blocks): the WAL, its index, anything written out.
		# Its messages go through a pipe, which the limit spares.
		( trap '' XFSZ; ulimit -f "$((_free * 2))"
		  _rc=0
		  "$INKAN" --dir "$CA" --passphrase-file "$PASS" "$@" 2>&1 \
		      > /dev/null || _rc=$?
		  echo "exit-status $_rc" ) | cat > "$TMP/err"
		RC=$(sed -n 's/^exit-status //p' "$TMP/err")
	fi
	sanitizer_check "inkan $* ($_free KiB free)" "$TMP/err"
}

# consistent WHAT: with space again, a command alone reconciles; no
# intent is left, the store is sound, every certificate written out is
# stored as issued with its DER, no signed certificate waits outside it.
consistent() {
	inkan_ok "$1: reconcile" --dir "$CA" --passphrase-file "$PASS" ocsp refresh
	[ "$(sql 'PRAGMA integrity_check;')" = ok ] || fail "$1: integrity_check"
	[ "$(sql "SELECT count(*) FROM certificates WHERE state = 'intent';")" = 0 ] ||
	    fail "$1: an intent is left unfinished"
	[ "$(sql "SELECT count(*) FROM certificates WHERE state = 'issued' AND der IS NULL;")" = 0 ] ||
	    fail "$1: an issued row without DER"
	for _f in "$TMP"/full-*.pem; do
		[ -f "$_f" ] || continue
		_s=$(openssl x509 -in "$_f" -noout -serial | sed 's/.*=//')
		_h=$(openssl x509 -in "$_f" -outform DER | od -An -v -tx1 |
		    tr -d ' \n' | tr 'a-f' 'A-F')
		[ "$(sql "SELECT state || ' ' || hex(der) FROM certificates WHERE serial = '$_s';")" = "issued $_h" ] ||
		    fail "$1: $_f was written out but is not stored"
	done
	if [ -d "$CA/unrecorded" ] && [ -n "$(ls -A "$CA/unrecorded")" ]; then
		fail "$1: signed certificates still wait in unrecorded/: $(ls "$CA/unrecorded")"
	fi
}

# says_full WHAT: the failure names the full disk (or the file size limit).
says_full() {
	grep -Eqi 'disk is full|no space left|file too large' "$TMP/err" || {
		show_err
		fail "$1: failed without saying the disk is full"
	}
}

inkan_ok "issue before the disk fills" --dir "$CA" --passphrase-file "$PASS" issue \
    --policy client --csr "$TMP/s.csr" --subject "/C=JP/O=Example Corp/CN=Roomy" \
    --out "$TMP/full-roomy.pem"
victim=$(openssl x509 -in "$TMP/full-roomy.pem" -noout -serial | sed 's/.*=//')
consistent "before"
ok "the CA works on the small file system"

failures=0 successes=0
for free in 0 4 8 16 32 64 256; do
	rm -f "$TMP/full-$free.pem"
	limited "$free" issue --policy client --csr "$TMP/s.csr" \
	    --subject "/C=JP/O=Example Corp/CN=Full $free" --out "$TMP/full-$free.pem"
	if [ "$RC" = 0 ]; then
		successes=$((successes + 1))
		[ -f "$TMP/full-$free.pem" ] || fail "issue with $free KiB free: exit 0 but no certificate"
	else
		failures=$((failures + 1))
		[ "$RC" = 1 ] || { show_err; fail "issue with $free KiB free: exit $RC"; }
		says_full "issue with $free KiB free"
		[ -n "${FULLMSG:-}" ] || FULLMSG=$(grep -m1 -Ei 'disk is full|no space left|file too large' "$TMP/err" | sed 's|.*inkan.db: ||' | cut -c1-110)
		[ ! -s "$TMP/full-$free.pem" ] || fail "issue with $free KiB free failed but wrote a certificate"
		rm -f "$TMP/full-$free.pem"
	fi
	consistent "issue with $free KiB free"

	limited "$free" crl --issuer pubca1
	if [ "$RC" != 0 ]; then
		failures=$((failures + 1))
		says_full "crl with $free KiB free"
	else
		successes=$((successes + 1))
	fi
	consistent "crl with $free KiB free"
done
ok "issue and crl with 0 to 256 KiB free: $failures refused saying the disk is full, $successes succeeded; the store consistent after each"
note "e.g. ${FULLMSG:-}"
[ "$failures" -gt 0 ] || fail "the disk never filled up: the test proves nothing"

limited 0 revoke "$victim" --reason keyCompromise
if [ "$RC" != 0 ]; then
	says_full "revoke on a full disk"
	[ "$(sql "SELECT status FROM certificates WHERE serial = '$victim';")" = good ] ||
	    fail "a revocation that failed on a full disk changed the status"
	ok "revoke on a full disk is refused saying so; the status is unchanged"
else
	[ "$(sql "SELECT status FROM certificates WHERE serial = '$victim';")" = revoked ] ||
	    fail "revoke reported done on a full disk but is not stored"
	ok "revoke on a full disk succeeded and is stored"
fi
consistent "revoke on a full disk"
cleanup_mounts

# --- read-only store -------------------------------------------------------------
RO=$TMP/ro
cp -a "$CA0" "$RO"
rows_before=$(sqlite3 "$RO/inkan.db" 'SELECT count(*) FROM certificates;')
ser=$(sqlite3 "$RO/inkan.db" "SELECT serial FROM certificates WHERE profile = 'ocsp' LIMIT 1;")
if command -v setpriv > /dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
	chown -R nobody "$RO"
	cp "$PASS" "$TMP/pass.nobody" && chown nobody "$TMP/pass.nobody"
	chmod 0755 "$TMP"
	chmod 0400 "$RO/inkan.db"
	mkdir -p "$TMP/nobody" && chown nobody "$TMP/nobody"
	RC=0
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$INKAN" --dir "$RO" \
	    --passphrase-file "$TMP/pass.nobody" issue --policy client --csr "$TMP/s.csr" \
	    --subject "/C=JP/O=Example Corp/CN=RO" --out "$TMP/nobody/ro.pem" \
	    > "$TMP/out" 2> "$TMP/err" || RC=$?
	sanitizer_check "issue on a read-only store" "$TMP/err"
	[ "$RC" = 1 ] || { show_err; fail "issue on a 0400 store: exit $RC"; }
	grep -q 'inkan.db' "$TMP/err" && grep -Eqi 'permission|read-?only' "$TMP/err" ||
	    { show_err; fail "issue on a 0400 store: no clear message"; }
	[ ! -e "$TMP/nobody/ro.pem" ] || fail "a certificate was written from a read-only store"
	ok "inkan.db mode 0400 (unprivileged user): issue refused: $(grep -m1 'inkan.db' "$TMP/err" | cut -c1-100)"
	chmod 0600 "$RO/inkan.db"
	chown -R root "$RO"
	chmod 0700 "$TMP"
else
	note "setpriv or root missing: the mode 0400 case is skipped"
fi

if [ "$MODE" = tmpfs ]; then
	ROM=$TMP/rom
	mkdir -p "$ROM"
	mount --bind "$RO" "$ROM" && MOUNTED="$ROM" &&
	    mount -o remount,bind,ro "$ROM" || fail "cannot bind-mount $RO read-only"
	run_inkan --dir "$ROM" --passphrase-file "$PASS" issue --policy client \
	    --csr "$TMP/s.csr" --subject "/C=JP/O=Example Corp/CN=RO" --out "$TMP/ro2.pem"
	[ "$RC" = 1 ] || { show_err; fail "issue on a read-only mount: exit $RC"; }
	grep -Eqi 'read-?only' "$TMP/err" || { show_err; fail "issue on a read-only mount: no clear message"; }
	[ ! -e "$TMP/ro2.pem" ] || fail "a certificate was written from a read-only mount"
	run_inkan --dir "$ROM" --passphrase-file "$PASS" revoke "$ser" --reason keyCompromise
	[ "$RC" = 1 ] && grep -Eqi 'read-?only' "$TMP/err" ||
	    { show_err; fail "revoke on a read-only mount: exit $RC"; }
	ok "CA folder mounted read-only: issue and revoke refused: $(grep -m1 -i 'read' "$TMP/err" | cut -c1-100)"
	cleanup_mounts
	[ "$(sqlite3 "$RO/inkan.db" 'SELECT count(*) FROM certificates;')" = "$rows_before" ] ||
	    fail "the read-only store gained rows"
	[ "$(sqlite3 "$RO/inkan.db" 'PRAGMA integrity_check;')" = ok ] || fail "read-only store: integrity_check"
	ok "the read-only store is unchanged and sound"
fi

# --- the store refuses the completion: DIR/unrecorded/, then reconciliation --
# A trigger added behind inkan's back makes the store refuse to record a
# signature: the signed certificate must not reach the client, must be
# kept in DIR/unrecorded/, and the next command must store it from there.
CA2=$TMP/ca2
cp -a "$CA0" "$CA2"
sqlite3 "$CA2/inkan.db" "CREATE TRIGGER test_refuse BEFORE UPDATE OF state ON certificates
    WHEN NEW.state = 'issued' BEGIN SELECT RAISE(ABORT, 'test: store refuses'); END;" ||
    fail "cannot add the refusing trigger"
run_inkan --dir "$CA2" --passphrase-file "$PASS" issue --policy client --csr "$TMP/s.csr" \
    --subject "/C=JP/O=Example Corp/CN=Unrecorded" --out "$TMP/unrec.pem"
[ "$RC" = 1 ] || { show_err; fail "issue with a refusing store: exit $RC"; }
grep -q 'cannot store the signed certificates' "$TMP/err" || { show_err; fail "no clear message"; }
[ ! -e "$TMP/unrec.pem" ] || fail "a certificate the store refused reached the client"
kept=$(ls "$CA2/unrecorded/" 2>/dev/null | head -n 1)
[ -n "$kept" ] || fail "the signed certificate was not kept in unrecorded/"
cp "$CA2/unrecorded/$kept" "$TMP/kept.der"
kser=${kept%.der}
kser=${kser##*-}
[ "$(sqlite3 "$CA2/inkan.db" "SELECT state FROM certificates WHERE serial = '$kser';")" = intent ] ||
    fail "the refused certificate's intent is not left visible"
ok "a store that refuses the completion: nothing handed out, the certificate kept in unrecorded/$kept, its intent visible"
echo garbage > "$CA2/unrecorded/pubca1-00.der"
sqlite3 "$CA2/inkan.db" 'DROP TRIGGER test_refuse;' || fail "cannot drop the trigger"
inkan_ok "reconcile" --dir "$CA2" --passphrase-file "$PASS" ocsp refresh
grep -q "reconciliation: certificate pubca1/$kser stored from" "$TMP/err" || { show_err; fail "no reconciliation message"; }
[ "$(sqlite3 "$CA2/inkan.db" "SELECT state || ' ' || hex(der) FROM certificates WHERE serial = '$kser';")" = \
    "issued $(od -An -v -tx1 "$TMP/kept.der" | tr -d ' \n' | tr 'a-f' 'A-F')" ] ||
    fail "reconciliation did not store the kept certificate byte for byte"
[ ! -e "$CA2/unrecorded/$kept" ] || fail "the reconciled file is still in unrecorded/"
[ -e "$CA2/unrecorded/pubca1-00.der" ] || fail "a file matching no intent was removed"
grep -q 'pubca1-00.der: not a certificate; left there' "$TMP/err" || { show_err; fail "no warning for the stray file"; }
ok "reconciliation on start stores the kept certificate from unrecorded/ (verified: intent, TBS hash, signature) and leaves a stray file for an operator"
