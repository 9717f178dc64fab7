#!/bin/sh
# test_inkand: the daemon end to end. `inkan init` makes a CA; inkand
# serves it on 127.0.0.1 (a free port, retried if busy), and curl, openssl
# and a small connection-storm program act as the outside world:
#
# - start-up: bad --listen and a port in use are refused with a message
#   naming the problem; /healthz answers within 15 s;
# - repository (CP-2.1, 2.2, 4.4.2): index page, CA certificates
#   byte-identical with application/pkix-cert, HEAD, conditional GET,
#   405 with Allow for anything but GET/HEAD, traversal in every spelling
#   (.., %2e%2e, //, encoded slashes, NUL, symbolic links out of the
#   tree) never reaching DIR/inkan.db or anything else outside, 404;
# - OCSP (RFC 6960, RFC 5019): oversized body 413, garbage body and bad
#   GET base64 answered malformedRequest (checked with openssl asn1parse),
#   a subscriber certificate good by POST (openssl ocsp) and GET (same
#   bytes, RFC 5019 caching headers, 304), revoked within seconds of
#   `inkan revoke`; every request in DIR/log/ocsp-access.log (CP-5.5.1);
# - /metrics in the Prometheus text format with the counters of the
#   requests above; the CRL age of every CA;
# - 2,000 connections (INKAN_STORM=N for more) opened at once and dropped
#   in three ways leave the server answering and its descriptors back to
#   where they were;
# - SIGTERM: exit 0 within 5 s, PID file removed.
#
# ctest runs it as `sh FILE` with INKAN, INKAN_BUILD_DIR, INKAN_SOURCE_DIR.
# By hand: INKAN_BUILD_DIR=build sh tests/http/test_inkand.sh
# INKAN_KEEP_TMP=1 keeps the scratch directory.

set -eu

T=test_inkand
INKAN_SOURCE_DIR=${INKAN_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
INKAN_BUILD_DIR=${INKAN_BUILD_DIR:-$INKAN_SOURCE_DIR/build}
INKAN=${INKAN:-$INKAN_BUILD_DIR/inkan}
INKAND=${INKAND:-$INKAN_BUILD_DIR/inkand}
STORM=${INKAN_STORM:-2000}
LC_ALL=C
export LC_ALL
unset INKAN_DIR INKAN_PASSPHRASE_FILE || :

CHECKS=0
START=$(date +%s)
TMP=
PID=

fail() {
	printf 'FAIL: %s: %s\n' "$T" "$*" >&2
	if [ -n "$TMP" ] && [ -f "$TMP/inkand.err" ]; then
		sed 's/^/#   inkand: /' "$TMP/inkand.err" | tail -n 30 >&2
	fi
	exit 1
}

ok() {
	CHECKS=$((CHECKS + 1))
	printf 'ok %d - %s\n' "$CHECKS" "$*"
}

note() {
	printf '# %s\n' "$*"
}

finish() {
	_rc=$?
	if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
		kill -KILL "$PID" 2>/dev/null || :
		wait "$PID" 2>/dev/null || :
	fi
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "${INKAN_KEEP_TMP:-0}" = 1 ]; then
			note "scratch directory kept: $TMP"
		else
			chmod -R u+rwX "$TMP" 2>/dev/null || :
			rm -rf "$TMP"
		fi
	fi
	if [ "$_rc" = 0 ]; then
		note "$T: $CHECKS checks passed, $(($(date +%s) - START))s"
	else
		note "$T: FAILED after $CHECKS checks"
	fi
	exit "$_rc"
}

for _n in curl openssl od cmp awk grep sed; do
	command -v "$_n" >/dev/null 2>&1 ||
	    fail "needs '$_n' (scripts/install-deps.sh installs it)"
done
[ -x "$INKAN" ] || fail "INKAN=$INKAN is not an executable"
[ -x "$INKAND" ] || fail "INKAND=$INKAND is not an executable"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/inkan-$T.XXXXXX")
trap finish EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
PASS=$TMP/passphrase
( umask 077 && printf 'inkand test passphrase %s\n' "$$" > "$PASS" )
CA=$TMP/ca

# --- helpers ----------------------------------------------------------------

# http ARGS...: curl with a deadline; the status code in CODE, headers in
# $TMP/h, body in $TMP/b. --path-as-is: send the path exactly as written.
http() {
	CODE=$(curl -s -S --path-as-is --max-time 10 -o "$TMP/b" -D "$TMP/h" \
	    -w '%{http_code}' "$@") || CODE=000
}

# header NAME: the value of response header NAME in $TMP/h, CR removed.
header() {
	awk -v n="$1" 'BEGIN { n = tolower(n) }
	{ sub(/\r$/, "") }
	{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
		v = substr($0, i + 1); sub(/^ +/, "", v); print v; exit } }' \
	    "$TMP/h"
}

expect_code() {
	_what=$1 _want=$2
	shift 2
	http "$@"
	case " $_want " in
	*" $CODE "*) ;;
	*) fail "$_what: HTTP $CODE, expected $_want ($*)" ;;
	esac
}

random_port() {
	echo $((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
}

# start_inkand: a free port (retried when busy), then /healthz within 15 s.
start_inkand() {
	_try=0
	while :; do
		_try=$((_try + 1))
		PORT=$(random_port)
		U=http://127.0.0.1:$PORT
		"$INKAND" --dir "$CA" --passphrase-file "$PASS" \
		    --listen "127.0.0.1:$PORT" --foreground \
		    --pid-file "$TMP/inkand.pid" > "$TMP/inkand.out" \
		    2> "$TMP/inkand.err" &
		PID=$!
		_t=0
		while [ $_t -lt 150 ]; do
			if ! kill -0 "$PID" 2>/dev/null; then
				break
			fi
			if [ "$(curl -s --max-time 1 "$U/healthz" 2>/dev/null)" = ok ]
			then
				note "inkand (pid $PID) on $U after $((_t / 10)).$((_t % 10))s"
				return 0
			fi
			sleep 0.1
			_t=$((_t + 1))
		done
		if kill -0 "$PID" 2>/dev/null; then
			fail "inkand did not answer /healthz within 15 s"
		fi
		wait "$PID" 2>/dev/null || :
		PID=
		if grep -q 'address already in use' "$TMP/inkand.err" &&
		    [ $_try -lt 10 ]; then
			note "port $PORT busy, trying another"
			continue
		fi
		fail "inkand exited at start-up"
	done
}

# ocsp_status FILE: the OCSPResponseStatus of a DER response, by asn1parse.
ocsp_status() {
	openssl asn1parse -inform DER -in "$1" 2>/dev/null |
	    awk '/ENUMERATED/ { sub(/.*:/, ""); print; exit }'
}

# --- the CA -------------------------------------------------------------------

_t0=$(date +%s)
"$INKAN" --dir "$CA" --passphrase-file "$PASS" init \
    --config "$INKAN_SOURCE_DIR/etc/inkan.conf.example" > "$TMP/init.out" \
    2>&1 || { cat "$TMP/init.out" >&2; fail "inkan init failed"; }
note "inkan init took $(($(date +%s) - _t0))s"
REPO=$CA/repository
ROOT_CER=$REPO/certs/rootca1.cer
[ -f "$ROOT_CER" ] || fail "init wrote no $ROOT_CER"
# Traps for the traversal checks: a secret beside the repository, links
# leading out of it.
printf 'top secret\n' > "$CA/secret.txt"
ln -s ../secret.txt "$REPO/leak.txt"
ln -s /etc/passwd "$REPO/passwd"
ln -s .. "$REPO/up"

# --- start-up errors -------------------------------------------------------------

RC=0
"$INKAND" --dir "$CA" --passphrase-file "$PASS" --listen 'localhost:80' \
    --foreground > /dev/null 2> "$TMP/err" || RC=$?
[ "$RC" = 2 ] || fail "--listen localhost:80: exit $RC, expected 2"
grep -q -- '--listen localhost:80: .*numeric' "$TMP/err" ||
    fail "--listen localhost:80: message: $(cat "$TMP/err")"
RC=0
"$INKAND" --dir "$CA" --passphrase-file "$PASS" --listen '127.0.0.1:99999' \
    --foreground > /dev/null 2> "$TMP/err" || RC=$?
[ "$RC" = 2 ] && grep -q 'port' "$TMP/err" ||
    fail "--listen 127.0.0.1:99999: exit $RC: $(cat "$TMP/err")"
RC=0
"$INKAND" --dir "$TMP/nothing" --passphrase-file "$PASS" --foreground \
    > /dev/null 2> "$TMP/err" || RC=$?
[ "$RC" = 1 ] && grep -q 'no CA here' "$TMP/err" ||
    fail "missing store: exit $RC: $(cat "$TMP/err")"
ok "start-up errors: bad --listen (exit 2), missing store (exit 1)"

start_inkand
# The listener answers before the start-up line is written; allow it 5 s.
_t=0
until grep -q "serving .* on http://127.0.0.1:$PORT" "$TMP/inkand.err"; do
	[ $_t -lt 50 ] || fail "no start-up line naming the address"
	sleep 0.1
	_t=$((_t + 1))
done
[ "$(cat "$TMP/inkand.pid")" = "$PID" ] || fail "PID file is not $PID"
ok "inkand serves on 127.0.0.1:$PORT, logged, PID file written"

RC=0
"$INKAND" --dir "$CA" --passphrase-file "$PASS" --listen "127.0.0.1:$PORT" \
    --foreground > /dev/null 2> "$TMP/err" || RC=$?
[ "$RC" = 1 ] && grep -q "127.0.0.1:$PORT: address already in use" \
    "$TMP/err" || fail "port in use: exit $RC: $(cat "$TMP/err")"
ok "a second inkand on the same port: '127.0.0.1:$PORT: address already in use'"

# --- repository ---------------------------------------------------------------

expect_code "index" 200 "$U/repository/"
case $(header Content-Type) in
text/html*) ;;
*) fail "index Content-Type: $(header Content-Type)" ;;
esac
grep -q 'href="certs/rootca1.cer"' "$TMP/b" || fail "index lacks certs/rootca1.cer"
if grep -q -e 'leak' -e 'passwd' -e '<script' -e 'src=' "$TMP/b"; then
	fail "index lists what it must not"
fi
ok "/repository/: HTML index of the tree, links out of it left out"
expect_code "/repository" 301 "$U/repository"
[ "$(header Location)" = /repository/ ] || fail "redirect: $(header Location)"

expect_code "root certificate" 200 "$U/repository/certs/rootca1.cer"
[ "$(header Content-Type)" = application/pkix-cert ] ||
    fail "rootca1.cer Content-Type: $(header Content-Type)"
cmp -s "$TMP/b" "$ROOT_CER" || fail "rootca1.cer differs from the file"
openssl x509 -inform DER -in "$TMP/b" -noout || fail "not a certificate"
ETAG=$(header ETag)
LM=$(header Last-Modified)
[ -n "$ETAG" ] && [ -n "$LM" ] || fail "no ETag or Last-Modified"
case $(header Cache-Control) in
*max-age=*) ;;
*) fail "Cache-Control: $(header Cache-Control)" ;;
esac
ok "rootca1.cer: application/pkix-cert, byte-identical, ETag, Last-Modified"

expect_code "PEM" 200 "$U/repository/certs/rootca1.pem"
[ "$(header Content-Type)" = application/x-pem-file ] ||
    fail "rootca1.pem Content-Type: $(header Content-Type)"
cmp -s "$TMP/b" "$REPO/certs/rootca1.pem" || fail "rootca1.pem differs"
# Every .cer and .pem of the tree, as published.
for f in $(cd "$REPO" && find . -type f \( -name '*.cer' -o -name '*.pem' \) |
    sed 's|^\./||'); do
	expect_code "$f" 200 "$U/repository/$f"
	cmp -s "$TMP/b" "$REPO/$f" || fail "$f differs from the file"
done
ok "every certificate file of the repository served as written"

# curl -I writes the headers as its output: nothing else may be there.
expect_code "HEAD" 200 -I "$U/repository/certs/rootca1.cer"
[ "$(header Content-Length)" = "$(wc -c < "$ROOT_CER" | tr -d ' ')" ] ||
    fail "HEAD Content-Length: $(header Content-Length)"
[ "$(header Content-Type)" = application/pkix-cert ] ||
    fail "HEAD Content-Type: $(header Content-Type)"
cmp -s "$TMP/b" "$TMP/h" || fail "HEAD: more than headers came back"
ok "HEAD: the headers of GET with the length, no body"

expect_code "If-None-Match" 304 -H "If-None-Match: $ETAG" \
    "$U/repository/certs/rootca1.cer"
expect_code "If-Modified-Since" 304 -H "If-Modified-Since: $LM" \
    "$U/repository/certs/rootca1.cer"
ok "conditional GET: 304 on ETag and on Last-Modified"

for m in POST PUT DELETE PATCH OPTIONS; do
	expect_code "$m" 405 -X "$m" "$U/repository/certs/rootca1.cer"
	[ "$(header Allow)" = "GET, HEAD" ] || fail "$m: Allow: $(header Allow)"
done
expect_code "POST with a body" 405 --data-binary @"$ROOT_CER" "$U/repository/"
ok "POST, PUT, DELETE, PATCH, OPTIONS on /repository: 405, Allow: GET, HEAD"

for p in /repository/../inkan.db /repository/%2e%2e/inkan.db \
    /repository/%2E%2E/secret.txt /repository/certs/../../inkan.db \
    /repository/..%2finkan.db /repository/..%2Fsecret.txt \
    /repository//etc/passwd /repository/%2Fetc%2Fpasswd \
    /repository/..%5cinkan.db "/repository/certs/rootca1.cer%00.txt" \
    /repository/%00 /repository/leak.txt /repository/passwd \
    /repository/up/inkan.db /repository/up/secret.txt /repository/.. \
    /../inkan.db /inkan.db //etc/passwd /repository/certs/rootca1.cer/ \
    /repository/certs/nothing.cer /nothing "/repository/%zz"; do
	expect_code "GET $p" "400 404" "$U$p"
	if grep -q -e 'SQLite' -e 'top secret' -e 'root:' "$TMP/b"; then
		fail "GET $p: served a file from outside the repository"
	fi
done
ok "traversal (.., %2e%2e, //, %2F, %5C, NUL, links out) and unknown paths: 404/400, nothing leaked"

# --- OCSP ----------------------------------------------------------------------

head -c 20000 /dev/zero > "$TMP/big"
expect_code "oversized OCSP POST" 413 --data-binary @"$TMP/big" \
    -H 'Content-Type: application/ocsp-request' "$U/ocsp/pubca1"
ok "OCSP POST of 20000 bytes (> OCSP_REQUEST_MAX): 413"

expect_code "garbage OCSP POST" 200 --data-binary 'not an OCSP request' \
    -H 'Content-Type: application/ocsp-request' "$U/ocsp/pubca1"
[ "$(header Content-Type)" = application/ocsp-response ] ||
    fail "garbage: Content-Type $(header Content-Type)"
[ "$(ocsp_status "$TMP/b")" = 01 ] ||
    fail "garbage: OCSPResponseStatus '$(ocsp_status "$TMP/b")', expected 01"
ok "garbage OCSP body: application/ocsp-response, malformedRequest (1)"
expect_code "bad base64 GET" 200 "$U/ocsp/pubca1/not*base64!"
[ "$(ocsp_status "$TMP/b")" = 01 ] || fail "bad base64: not malformedRequest"
ok "GET with bad base64: malformedRequest (1)"
expect_code "PUT /ocsp" 405 -X PUT --data-binary x "$U/ocsp/pubca1"

# A subscriber certificate, asked for by POST and GET.
openssl req -new -newkey rsa:2048 -nodes -keyout "$TMP/sub.key" \
    -subj /CN=ignored -out "$TMP/sub.csr" 2>/dev/null ||
    fail "openssl req failed"
"$INKAN" --dir "$CA" --passphrase-file "$PASS" issue --policy client \
    --csr "$TMP/sub.csr" --subject "/C=JP/O=Example Corp/CN=Taro Yamada" \
    --email taro@example.jp --out "$TMP/sub.pem" \
    --chain-out "$TMP/chain.pem" > "$TMP/issue.out" 2>&1 ||
    { cat "$TMP/issue.out" >&2; fail "inkan issue failed"; }
awk '/BEGIN/ { n++ } n == 1' "$TMP/chain.pem" > "$TMP/issuer.pem"
cat "$REPO/certs/rootca1.pem" "$REPO/certs/rootca2.pem" > "$TMP/roots.pem"
SERIAL=$(openssl x509 -in "$TMP/sub.pem" -noout -serial | sed 's/.*=//')

# ocsp_query: openssl ocsp over POST; its verdict line in $TMP/ocsp.out.
ocsp_query() {
	openssl ocsp -issuer "$TMP/issuer.pem" -cert "$TMP/sub.pem" \
	    -url "$U/ocsp/pubca1" -CAfile "$TMP/roots.pem" -no_nonce \
	    -timeout 10 > "$TMP/ocsp.out" 2>&1 || :
}

# wait_status STATUS: polls until openssl ocsp reports it (10 s).
wait_status() {
	_i=0
	while [ $_i -lt 50 ]; do
		ocsp_query
		if grep -q "sub.pem: $1" "$TMP/ocsp.out" &&
		    grep -q 'Response verify OK' "$TMP/ocsp.out"; then
			return 0
		fi
		sleep 0.2
		_i=$((_i + 1))
	done
	sed 's/^/#   openssl ocsp: /' "$TMP/ocsp.out" >&2
	fail "openssl ocsp never said '$1' for $SERIAL"
}

wait_status good
ok "openssl ocsp (POST): $SERIAL good, response verified"

openssl ocsp -issuer "$TMP/issuer.pem" -cert "$TMP/sub.pem" -no_nonce \
    -reqout "$TMP/req.der" 2>/dev/null || fail "openssl ocsp -reqout"
B64=$(openssl base64 -A -in "$TMP/req.der")
ESC=$(printf '%s' "$B64" | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g')
expect_code "GET escaped" 200 "$U/ocsp/pubca1/$ESC"
cp "$TMP/b" "$TMP/get1.der"
[ "$(header Content-Type)" = application/ocsp-response ] ||
    fail "GET: Content-Type $(header Content-Type)"
OETAG=$(header ETag)
case $(header Cache-Control) in
max-age=*", public, no-transform, must-revalidate") ;;
*) fail "GET: Cache-Control '$(header Cache-Control)'" ;;
esac
[ -n "$OETAG" ] && [ -n "$(header Last-Modified)" ] &&
    [ -n "$(header Expires)" ] || fail "GET: RFC 5019 headers missing"
expect_code "GET raw base64" 200 "$U/ocsp/pubca1/$B64"
cmp -s "$TMP/b" "$TMP/get1.der" || fail "raw and escaped GET differ"
expect_code "POST" 200 --data-binary @"$TMP/req.der" \
    -H 'Content-Type: application/ocsp-request' "$U/ocsp/pubca1"
cmp -s "$TMP/b" "$TMP/get1.der" || fail "GET and POST answers differ"
openssl ocsp -respin "$TMP/get1.der" -issuer "$TMP/issuer.pem" \
    -cert "$TMP/sub.pem" -CAfile "$TMP/roots.pem" > "$TMP/ocsp.out" 2>&1 &&
    grep -q 'sub.pem: good' "$TMP/ocsp.out" ||
    fail "GET answer: $(cat "$TMP/ocsp.out")"
expect_code "GET If-None-Match" 304 -H "If-None-Match: $OETAG" \
    "$U/ocsp/pubca1/$ESC"
ok "GET (escaped and raw base64) = POST, RFC 5019 caching headers, 304 on ETag"

"$INKAN" --dir "$CA" --passphrase-file "$PASS" revoke "$SERIAL" \
    --reason keyCompromise > "$TMP/revoke.out" 2>&1 ||
    { cat "$TMP/revoke.out" >&2; fail "inkan revoke failed"; }
_t0=$(date +%s)
wait_status revoked
ok "after inkan revoke: openssl ocsp says revoked within $(($(date +%s) - _t0))s"

# Every request above is in the access log (the writer flushes every 50 ms;
# a loaded machine may take longer, so wait for the last one, up to 5 s).
LOG=$CA/log/ocsp-access.log
_t=0
until grep -q "\"serial\":\"$SERIAL\",\"status\":\"revoked\"" "$LOG" \
    2>/dev/null || [ $_t -ge 50 ]; do
	sleep 0.1
	_t=$((_t + 1))
done
[ -f "$LOG" ] || fail "no $LOG"
grep -q '"status":"malformed","code":200}' "$LOG" ||
    fail "access log lacks the malformed request"
grep -q "\"issuer\":\"pubca1\",\"serial\":\"$SERIAL\",\"status\":\"good\"" \
    "$LOG" || fail "access log lacks the good answer"
grep -q "\"serial\":\"$SERIAL\",\"status\":\"revoked\"" "$LOG" ||
    fail "access log lacks the revoked answer"
awk '!/^\{"time":"[0-9-]+T[0-9:.]+Z","client":"127\.0\.0\.1","method":"(GET|POST|HEAD)",/ \
    { bad++ } END { exit bad > 0 }' "$LOG" || fail "malformed log line"
ok "ocsp-access.log: one JSON line per request (time, client, issuer, serial, status)"

# --- metrics -------------------------------------------------------------------

expect_code "/metrics" 200 "$U/metrics"
case $(header Content-Type) in
"text/plain; version=0.0.4"*) ;;
*) fail "/metrics Content-Type: $(header Content-Type)" ;;
esac
awk '
	/^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* / { next }
	/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInfa]+$/ { next }
	{ print "bad line: " $0; bad = 1 }
	END { exit bad }' "$TMP/b" || fail "/metrics is not text format 0.0.4"
for want in 'inkan_http_requests_total{endpoint="repository",code="200"}' \
    'inkan_http_requests_total{endpoint="repository",code="405"}' \
    'inkan_http_requests_total{endpoint="ocsp",code="413"}' \
    'inkan_http_request_duration_seconds_bucket{endpoint="ocsp",le="+Inf"}' \
    'inkan_ocsp_responses_cached' 'inkan_ocsp_oldest_response_age_seconds' \
    'inkan_crl_age_seconds{issuer="pubca1"}' \
    'inkan_crl_age_seconds{issuer="rootca1"}' 'inkan_signer_errors_total 0' \
    'inkan_up 1'; do
	grep -qF "$want" "$TMP/b" || fail "/metrics lacks $want"
done
ok "/metrics parses; requests, latency, OCSP cache, CRL ages, signer errors"

# --- a storm of connections -------------------------------------------------------

cat > "$TMP/storm.c" <<'EOF'
/* storm PORT N: N connections at once to 127.0.0.1:PORT; a third send
 * half a request, a third a whole one and leave, a third nothing; half
 * are reset (SO_LINGER 0), half closed. Prints how many connected. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in sin = { 0 };
	struct linger lg = { 1, 0 };
	int n = atoi(argv[2]), up = 0, *fd = calloc(n, sizeof(int));
	struct pollfd *p = calloc(n, sizeof(*p));
	time_t end = time(NULL) + 20;
	static const char half[] = "GET /repository/ HTTP/1.1\r\nHo";
	static const char whole[] = "GET /repository/certs/ HTTP/1.1\r\n"
	    "Host: x\r\n\r\n";

	sin.sin_family = AF_INET;
	sin.sin_port = htons(atoi(argv[1]));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < n; i++) {
		fd[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (fd[i] < 0 || (connect(fd[i], (struct sockaddr *)&sin,
		    sizeof(sin)) == -1 && errno != EINPROGRESS)) {
			perror("connect");
			return 1;
		}
		p[i].fd = fd[i];
		p[i].events = POLLOUT;
	}
	for (int left = n; left > 0 && time(NULL) < end;) {
		if (poll(p, n, 1000) < 0)
			return 1;
		for (int i = 0; i < n; i++) {
			int err = 0;
			socklen_t len = sizeof(err);

			if (p[i].fd < 0 || p[i].revents == 0)
				continue;
			getsockopt(fd[i], SOL_SOCKET, SO_ERROR, &err, &len);
			if (err == 0) {
				up++;
				if (i % 3 == 0)
					(void)!write(fd[i], half, sizeof(half) - 1);
				else if (i % 3 == 1)
					(void)!write(fd[i], whole, sizeof(whole) - 1);
			}
			p[i].fd = -1;
			left--;
		}
	}
	for (int i = 0; i < n; i++) {
		if (i % 2 == 0)
			setsockopt(fd[i], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(fd[i]);
	}
	printf("%d\n", up);
	return 0;
}
EOF
FDS0=$(ls /proc/"$PID"/fd | wc -l)
if command -v cc >/dev/null 2>&1 &&
    cc -O1 -o "$TMP/storm" "$TMP/storm.c" 2> "$TMP/cc.err"; then
	_t0=$(date +%s)
	UP=$("$TMP/storm" "$PORT" "$STORM") || fail "storm program failed"
	note "$UP of $STORM connections established and dropped in $(($(date +%s) - _t0))s"
	[ "$UP" -ge $((STORM * 9 / 10)) ] ||
	    fail "only $UP of $STORM connections were accepted"
else
	note "no C compiler: a storm of curl processes instead"
	_i=0
	while [ $_i -lt "$STORM" ]; do
		curl -s --max-time 0.05 -o /dev/null "$U/repository/" &
		_i=$((_i + 1))
		[ $((_i % 200)) -ne 0 ] || wait
	done
	wait
fi
expect_code "after the storm" 200 "$U/healthz"
expect_code "after the storm" 200 "$U/repository/certs/rootca1.cer"
cmp -s "$TMP/b" "$ROOT_CER" || fail "after the storm: rootca1.cer differs"
# Descriptors return to where they were (nothing leaked).
_i=0
while [ $_i -lt 100 ]; do
	FDS=$(ls /proc/"$PID"/fd | wc -l)
	[ "$FDS" -gt $((FDS0 + 4)) ] || break
	sleep 0.1
	_i=$((_i + 1))
done
[ "$FDS" -le $((FDS0 + 4)) ] ||
    fail "descriptors: $FDS0 before the storm, $FDS after"
kill -0 "$PID" 2>/dev/null || fail "inkand died in the storm"
ok "$STORM connections opened and dropped: still serving, descriptors $FDS0 -> $FDS"

# --- graceful stop ---------------------------------------------------------------

kill -TERM "$PID"
_t=0
while kill -0 "$PID" 2>/dev/null && [ $_t -lt 50 ]; do
	sleep 0.1
	_t=$((_t + 1))
done
kill -0 "$PID" 2>/dev/null && fail "inkand still running 5 s after SIGTERM"
RC=0
wait "$PID" || RC=$?
PID=
[ "$RC" = 0 ] || fail "inkand exited $RC after SIGTERM"
[ ! -e "$TMP/inkand.pid" ] || fail "PID file left behind"
grep -q 'stopped' "$TMP/inkand.err" || fail "no 'stopped' in the log"
ok "SIGTERM: exit 0 in $((_t / 10)).$((_t % 10))s, PID file removed"
