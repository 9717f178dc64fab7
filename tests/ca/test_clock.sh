#!/bin/sh
# test_clock: records carry UTC timestamps from the system clock, and a
# clock that is obviously wrong signs nothing (CP-5.5.5). The clock is
# moved for real with libfaketime (`faketime`), not through a test hook:
#
# - the CA is made two days in the past; issuing one day in the past and
#   now works, and the certificate's notBefore is the (UTC) clock, also
#   with TZ set to Japan;
# - one hour behind the store's last event (more than the default 5
#   minute [ca] clock_tolerance): `inkan issue` and `inkan crl` refuse,
#   saying why, and nothing is recorded or written; two minutes behind
#   is within the tolerance and works;
# - before the issuing CA certificate's notBefore: refused, saying so;
# - inkand refuses to start on a clock an hour behind;
# - [ca] clock_tolerance = 7200 lets the hour-behind clock through; a
#   bad value is refused by the configuration check.

. "$(dirname "$0")/../cli/lib.sh"
setup
need faketime sqlite3

# ft OFFSET COMMAND...: COMMAND with the clock moved by OFFSET (libfaketime
# syntax, e.g. -1h). An ASan runtime must come first among preloaded
# libraries unless told otherwise.
ft() {
	_off=$1
	shift
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	    faketime -f "$_off" "$@"
}

# Proof that faketime moves inkan's clock here at all.
[ "$(ft -2d date -u +%Y%m%d)" = "$(date -u -d '-2 days' +%Y%m%d)" ] ||
    fail "faketime does not move the clock on this machine"

CA=$TMP/ca
make_csr "$TMP/s" 2048
_t0=$(date +%s)
RC=0
ft -2d "$INKAN" --dir "$CA" --passphrase-file "$PASS" init \
    --config "$EXAMPLE_CONF" > "$TMP/out" 2> "$TMP/err" || RC=$?
sanitizer_check "init under faketime" "$TMP/err"
[ "$RC" = 0 ] || { show_err; fail "init two days in the past: exit $RC"; }
note "init (two days in the past) took $(($(date +%s) - _t0))s"
ok "the CA made two days in the past"

# issue_at OFFSET NAME: inkan issue under the moved clock; RC set.
issue_at() {
	RC=0
	ft "$1" "$INKAN" --dir "$CA" --passphrase-file "$PASS" issue \
	    --policy client --csr "$TMP/s.csr" \
	    --subject "/C=JP/O=Example Corp/CN=$2" --out "$TMP/$2.pem" \
	    > "$TMP/out" 2> "$TMP/err" || RC=$?
	sanitizer_check "issue at $1" "$TMP/err"
}
rowcount() {
	sqlite3 "$CA/inkan.db" 'SELECT count(*) FROM certificates;'
}

issue_at -1d yesterday
[ "$RC" = 0 ] || { show_err; fail "issuing one day in the past (after the CA's notBefore)"; }
inkan_ok "issue now" --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/s.csr" --subject "/C=JP/O=Example Corp/CN=Now" --out "$TMP/now.pem"
nb=$(cert_epoch "$TMP/now.pem" start)
[ $(( $(date +%s) - nb )) -ge 0 ] && [ $(( $(date +%s) - nb )) -lt 60 ] ||
    fail "notBefore $nb is not the clock ($(date +%s))"
RC=0
TZ=Asia/Tokyo "$INKAN" --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/s.csr" --subject "/C=JP/O=Example Corp/CN=Tokyo" --out "$TMP/tokyo.pem" \
    2> "$TMP/err" || RC=$?
[ "$RC" = 0 ] || { show_err; fail "issue with TZ=Asia/Tokyo"; }
nb=$(cert_epoch "$TMP/tokyo.pem" start)
[ $(( $(date +%s) - nb )) -ge 0 ] && [ $(( $(date +%s) - nb )) -lt 60 ] ||
    fail "with TZ=Asia/Tokyo notBefore $nb is not the UTC clock ($(date +%s))"
field "$TMP/tokyo.pem" time | grep -q 'Z$' || fail "notBefore is not in UTC (Z)"
ok "issued a day ago and now; notBefore is the UTC clock, also with TZ=Asia/Tokyo"

before=$(rowcount)
issue_at -1h behind
[ "$RC" = 1 ] || fail "an hour behind the last event: exit $RC, expected 1"
grep -q 'behind the last recorded event' "$TMP/err" || { show_err; fail "no clear message an hour behind"; }
grep -q 'clock_tolerance' "$TMP/err" || fail "the message does not name clock_tolerance"
[ ! -e "$TMP/behind.pem" ] || fail "a certificate was written an hour behind"
[ "$(rowcount)" = "$before" ] || fail "something was recorded an hour behind"
ok "inkan issue an hour behind the store's last event is refused: $(sed -n 's/.*issue: //p' "$TMP/err" | head -n 1 | cut -c1-90)..."

RC=0
ft -1h "$INKAN" --dir "$CA" --passphrase-file "$PASS" crl --issuer pubca1 \
    > "$TMP/out" 2> "$TMP/err" || RC=$?
[ "$RC" = 1 ] && grep -q 'behind the last recorded event' "$TMP/err" ||
    { show_err; fail "inkan crl an hour behind: exit $RC"; }
ok "inkan crl an hour behind is refused"

issue_at -2m within
[ "$RC" = 0 ] || { show_err; fail "two minutes behind (within the 5 minute tolerance) was refused"; }
ok "two minutes behind is within the default tolerance"

issue_at -3d early
[ "$RC" = 1 ] && grep -q "before the issuing CA certificate's notBefore" "$TMP/err" ||
    { show_err; fail "before the CA's notBefore: exit $RC"; }
[ ! -e "$TMP/early.pem" ] || fail "a certificate was written before the CA's notBefore"
ok "before the issuing CA certificate's notBefore is refused"

# inkand on a clock an hour behind: it must not start (and so not sign).
RC=0
ft -1h "${INKAND:-$INKAN_BUILD_DIR/inkand}" --dir "$CA" --passphrase-file "$PASS" \
    --listen 127.0.0.1:0 --foreground --pid-file "$TMP/inkand.pid" \
    > "$TMP/out" 2> "$TMP/err" &
pid=$!
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null || :
	fail "inkand started on a clock an hour behind"
fi
wait "$pid" || RC=$?
sanitizer_check "inkand an hour behind" "$TMP/err"
[ "$RC" != 0 ] && grep -q 'behind the last recorded event' "$TMP/err" &&
    grep -q 'not starting' "$TMP/err" || { show_err; fail "inkand an hour behind: exit $RC"; }
ok "inkand refuses to start an hour behind, saying why"

# The tolerance is the operator's: two hours lets the hour-behind clock sign.
cp "$CA/inkan.conf" "$TMP/conf.orig"
sed '/^\[ca\]/a clock_tolerance = 7200' "$TMP/conf.orig" > "$CA/inkan.conf"
issue_at -1h tolerated
[ "$RC" = 0 ] || { show_err; fail "an hour behind with clock_tolerance = 7200"; }
ok "[ca] clock_tolerance = 7200 lets an hour-behind clock issue"
sed '/^\[ca\]/a clock_tolerance = -5' "$TMP/conf.orig" > "$CA/inkan.conf"
inkan_refuses "clock_tolerance = -5" 1 "clock_tolerance" --dir "$CA" list
cp "$TMP/conf.orig" "$CA/inkan.conf"
ok "a negative clock_tolerance is refused by the configuration check"
