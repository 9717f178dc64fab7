# Shared helpers of the tests/ra/test_*.sh scripts (sourced), on top of
# tests/cli/lib.sh: inkand started on a free loopback port (retried when
# busy) and stopped by PID, an EXIT trap that stops it and shows its log
# on failure, and curl wrappers for the JSON API.
#
# By hand: INKAN=build/inkan sh tests/ra/test_ra_api.sh

INKAN_SOURCE_DIR=${INKAN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../cli/lib.sh
. "$INKAN_SOURCE_DIR/tests/cli/lib.sh"
INKAND=${INKAND:-$(dirname "$INKAN")/inkand}
PID=

# ra_setup [TOOLS...]: setup() of tests/cli/lib.sh, the tools the script
# needs besides curl and od, our EXIT trap; works in $TMP, CA=$TMP/ca.
ra_setup() {
	need curl od "$@"
	[ -x "$INKAND" ] || fail "INKAND=$INKAND is not an executable"
	setup
	trap ra_finish EXIT
	cd "$TMP"
	CA=$TMP/ca
}

ra_finish() {
	_rc=$?
	for _p in ${SMTP_PID:-} ${NSD_PID:-}; do
		if kill -0 "$_p" 2>/dev/null; then
			kill -TERM "$_p" 2>/dev/null || :
			wait "$_p" 2>/dev/null || :
		fi
	done
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -TERM "$PID" 2>/dev/null || :
		wait "$PID" 2>/dev/null || :
	fi
	if [ "$_rc" != 0 ] && [ -f "$TMP/inkand.err" ]; then
		sed 's/^/#   inkand: /' "$TMP/inkand.err" | tail -n 40 >&2
	fi
	(exit "$_rc")
	cli_finish
}

# api METHOD PATH [CURL ARGS...]: $U PATH; status in CODE, body in $TMP/b,
# headers in $TMP/h. Never fails by itself.
api() {
	_m=$1 _p=$2
	shift 2
	CODE=$(curl -s -S --max-time 20 -X "$_m" -o "$TMP/b" -D "$TMP/h" \
	    -w '%{http_code}' "$@" "$U$_p") || CODE=000
}

# expect WHAT CODE [ERROR]: the last answer had status CODE, a JSON
# content type (but a 413 the server cut short) and, if given,
# "error":"ERROR".
expect() {
	[ "$CODE" = "$2" ] || fail "$1: HTTP $CODE, expected $2: $(cat "$TMP/b")"
	if [ "$CODE" != 413 ] || grep -q '^{' "$TMP/b"; then
		grep -qi '^content-type: application/json' "$TMP/h" ||
		    fail "$1: no JSON content type"
	fi
	if [ $# -ge 3 ]; then
		grep -q "\"error\":\"$3\"" "$TMP/b" ||
		    fail "$1: body lacks error $3: $(cat "$TMP/b")"
	fi
	ok "$1 (HTTP $CODE${3:+ $3})"
}

# jfield NAME [FILE]: a string member of a compact JSON object.
jfield() {
	sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" "${2:-$TMP/b}"
}

random_port() {
	echo $((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
}

# start_inkand [OPTIONS...]: inkand for $CA on a free port, /healthz within
# 20 s; sets PID, PORT, BASE (its URL) and U ($BASE/ra/v1). With RA_TLS=1
# also the LRA listener on TPORT ($TMP/tls.pem, $TMP/tls.key), awaited
# over TLS; L is then its /lra/v1 URL.
start_inkand() {
	_try=0
	while :; do
		_try=$((_try + 1))
		PORT=$(random_port)
		TPORT=$((PORT + 1))
		BASE=http://127.0.0.1:$PORT
		_health=$BASE/healthz
		if [ "${RA_TLS:-0}" = 1 ]; then
			set -- --lra-listen "127.0.0.1:$TPORT" \
			    --tls-cert "$TMP/tls.pem" --tls-key "$TMP/tls.key" "$@"
			_health=https://127.0.0.1:$TPORT/healthz
		fi
		"$INKAND" --dir "$CA" --passphrase-file "$PASS" \
		    --listen "127.0.0.1:$PORT" --foreground "$@" \
		    > "$TMP/inkand.out" 2>> "$TMP/inkand.err" &
		PID=$!
		_t=0
		while [ $_t -lt 200 ]; do
			kill -0 "$PID" 2>/dev/null || break
			if [ "$(curl -s --max-time 1 --cacert "$TMP/tls.pem" \
			    "$_health" 2>/dev/null)" = ok ]; then
				U=$BASE/ra/v1
				L=https://127.0.0.1:$TPORT/lra/v1
				note "inkand (pid $PID) on $BASE"
				return 0
			fi
			sleep 0.1
			_t=$((_t + 1))
		done
		kill -0 "$PID" 2>/dev/null && fail "inkand did not answer in 20 s"
		wait "$PID" 2>/dev/null || :
		PID=
		if [ "${RA_TLS:-0}" = 1 ]; then
			shift 6	# the TLS options are added again
		fi
		if tail -n 5 "$TMP/inkand.err" | grep -q 'address already in use' &&
		    [ $_try -lt 10 ]; then
			continue
		fi
		fail "inkand exited at start-up"
	done
}

# start_smtp: a real SMTP server (tests/ra/smtp_sink.py, aiosmtpd) on a
# free loopback port, up to 10 minutes; sets SMTP_PID, SMTP_PORT and
# MAILDIR (one NNNN.eml file per message received).
start_smtp() {
	MAILDIR=$TMP/mail
	mkdir -p "$MAILDIR"
	_try=0
	while [ $_try -lt 10 ]; do
		_try=$((_try + 1))
		SMTP_PORT=$(random_port)
		: > "$TMP/smtp.out"
		/usr/bin/python3 "$INKAN_SOURCE_DIR/tests/ra/smtp_sink.py" \
		    --port "$SMTP_PORT" --dir "$MAILDIR" --max-seconds 600 \
		    > "$TMP/smtp.out" 2> "$TMP/smtp.err" &
		SMTP_PID=$!
		_t=0
		while [ $_t -lt 100 ]; do
			if grep -q '^ready' "$TMP/smtp.out"; then
				note "SMTP sink (pid $SMTP_PID) on 127.0.0.1:$SMTP_PORT"
				return 0
			fi
			kill -0 "$SMTP_PID" 2>/dev/null || break
			sleep 0.1
			_t=$((_t + 1))
		done
		kill "$SMTP_PID" 2>/dev/null || :
		wait "$SMTP_PID" 2>/dev/null || :
	done
	cat "$TMP/smtp.err" >&2
	fail "the SMTP sink did not start"
}

# mail_wait N: waits up to 10 s until $MAILDIR holds N messages.
mail_wait() {
	_t=0
	while [ "$(find "$MAILDIR" -name '*.eml' | wc -l)" -lt "$1" ]; do
		[ $_t -lt 100 ] || fail "expected $1 mail(s) in $MAILDIR"
		sleep 0.1
		_t=$((_t + 1))
	done
}

stop_inkand() {
	kill -TERM "$PID"
	wait "$PID" 2>/dev/null || :
	PID=
}
