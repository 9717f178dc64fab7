# Shared helpers of the tests/relying/test_*.sh integration tests
# (sourced). They put inkan's revocation services in front of real relying
# parties: OpenSSL, GnuTLS, curl and nginx.
#
# Built on tests/cli/lib.sh (setup, fail/ok/note, inkan_ok, init_ca,
# make_csr, sanitizer_check...), which is sourced first. Adds: inkand
# started on a free loopback port (--listen 127.0.0.1:0, the port read
# from its start-up line) and stopped by PID, curl wrappers, OCSP
# response parsing, subscriber issuance and an EXIT trap that stops every
# server this script started (by PID, never by name).
#
# ctest runs each test as `sh FILE` with INKAN, INKAN_BUILD_DIR (inkand is
# $INKAN_BUILD_DIR/inkand) and INKAN_SOURCE_DIR. By hand:
#   INKAN_BUILD_DIR=build sh tests/relying/test_ocsp_clients.sh
# Against the ASan build: INKAN_BUILD_DIR=build-asan INKAN=build-asan/inkan
# INKAN_KEEP_TMP=1 keeps the scratch directory (logs of inkand and nginx).

# shellcheck source=../cli/lib.sh
. "$(cd "$(dirname "$0")/../cli" && pwd)/lib.sh"

INKAND=${INKAND:-$INKAN_BUILD_DIR/inkand}
INKAND_PID=
NGINX_PID=

# --- set-up and tear-down -------------------------------------------------

# rp_setup: setup() of tests/cli/lib.sh, then our own EXIT trap that
# stops the servers before cli_finish removes the scratch directory.
rp_setup() {
	setup
	need curl od cmp
	[ -x "$INKAND" ] || fail "INKAND=$INKAND is not an executable"
	trap rp_finish EXIT
	note "inkand: $INKAND"
}

# rp_kill PID: TERM, then KILL after 5 s; only the given process.
rp_kill() {
	[ -n "$1" ] || return 0
	kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || :; return 0; }
	kill -TERM "$1" 2>/dev/null || :
	_k=0
	while kill -0 "$1" 2>/dev/null && [ $_k -lt 50 ]; do
		sleep 0.1
		_k=$((_k + 1))
	done
	kill -KILL "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :
}

rp_finish() {
	_rrc=$?
	if [ "$_rrc" != 0 ] && [ -n "$TMP" ]; then
		for _l in "$TMP/inkand.err" "$TMP/nginx/logs/error.log"; do
			[ -f "$_l" ] || continue
			printf '# last lines of %s:\n' "$_l" >&2
			tail -n 15 "$_l" | sed 's/^/#   /' >&2
		done
	fi
	rp_kill "$NGINX_PID"
	NGINX_PID=
	rp_kill "$INKAND_PID"
	INKAND_PID=
	(exit "$_rrc")
	cli_finish
}

# --- inkand ----------------------------------------------------------------

# inkand_start DIR [OPTIONS...]: inkand --foreground on 127.0.0.1, a port
# the kernel picks; sets INKAND_PID, PORT and U (the base URL). Waits for
# /healthz (30 s: an ASan build starts slowly).
inkand_start() {
	_dir=$1
	shift
	: > "$TMP/inkand.err"
	"$INKAND" --dir "$_dir" --passphrase-file "$PASS" \
	    --listen 127.0.0.1:0 --foreground --pid-file "$TMP/inkand.pid" \
	    "$@" > "$TMP/inkand.out" 2>> "$TMP/inkand.err" &
	INKAND_PID=$!
	PORT=
	_t=0
	while [ $_t -lt 300 ]; do
		kill -0 "$INKAND_PID" 2>/dev/null ||
		    fail "inkand exited at start-up: $(tail -n 5 "$TMP/inkand.err")"
		if [ -z "$PORT" ]; then
			PORT=$(sed -n 's|.* serving .* on http://127\.0\.0\.1:\([0-9][0-9]*\).*|\1|p' \
			    "$TMP/inkand.err" | tail -n 1)
		fi
		if [ -n "$PORT" ] && [ "$(curl -s --max-time 1 \
		    "http://127.0.0.1:$PORT/healthz" 2>/dev/null)" = ok ]; then
			U=http://127.0.0.1:$PORT
			note "inkand (pid $INKAND_PID) on $U $* after $((_t / 10)).$((_t % 10))s"
			return 0
		fi
		sleep 0.1
		_t=$((_t + 1))
	done
	fail "inkand did not answer /healthz within 30 s"
}

# inkand_stop: SIGTERM; it must exit 0 within 10 s with no sanitizer
# report on its stderr (leaks are reported at exit).
inkand_stop() {
	[ -n "$INKAND_PID" ] || return 0
	kill -TERM "$INKAND_PID" 2>/dev/null || fail "inkand is gone before SIGTERM"
	_t=0
	while kill -0 "$INKAND_PID" 2>/dev/null && [ $_t -lt 100 ]; do
		sleep 0.1
		_t=$((_t + 1))
	done
	kill -0 "$INKAND_PID" 2>/dev/null &&
	    fail "inkand (pid $INKAND_PID) still running 10 s after SIGTERM"
	_src=0
	wait "$INKAND_PID" || _src=$?
	INKAND_PID=
	sanitizer_check "inkand" "$TMP/inkand.err"
	[ "$_src" = 0 ] || fail "inkand exited $_src after SIGTERM"
}

# inkand_alive WHAT: inkand must still run, with no sanitizer report yet.
inkand_alive() {
	kill -0 "$INKAND_PID" 2>/dev/null || fail "$1: inkand died"
	sanitizer_check "inkand ($1)" "$TMP/inkand.err"
}

# --- HTTP --------------------------------------------------------------------

# http ARGS...: curl with a deadline; status code in CODE, headers in
# $TMP/h, body in $TMP/b. --path-as-is: the path exactly as written.
http() {
	CODE=$(curl -s -S --path-as-is --max-time 20 -o "$TMP/b" -D "$TMP/h" \
	    -w '%{http_code}' "$@" 2> "$TMP/curl.err") || CODE=000
}

# header NAME: the value of response header NAME in $TMP/h, CR removed.
header() {
	awk -v n="$1" 'BEGIN { n = tolower(n) }
	{ sub(/\r$/, "") }
	{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
		v = substr($0, i + 1); sub(/^ +/, "", v); print v; exit } }' \
	    "$TMP/h"
}

# expect_code WHAT CODES ARGS...: http ARGS; CODE must be one of CODES.
expect_code() {
	_what=$1 _want=$2
	shift 2
	http "$@"
	case " $_want " in
	*" $CODE "*) ;;
	*) fail "$_what: HTTP $CODE, expected $_want ($* $(cat "$TMP/curl.err"))" ;;
	esac
}

# url_path URL: the path of an http URL (what follows host[:port]).
url_path() {
	printf '%s\n' "$1" | sed 's|^[a-z]*://[^/]*||'
}

# b64url FILE: base64 of FILE, escaped for a URL path (RFC 6960 A.1).
b64url() {
	openssl base64 -A -in "$1" | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g'
}

# --- OCSP ----------------------------------------------------------------------

# ocsp_rstatus FILE: the OCSPResponseStatus of a DER response, as a
# number (0 successful, 1 malformedRequest, 2 internalError, 3 tryLater,
# 5 sigRequired, 6 unauthorized), read by asn1parse; "none" if FILE is
# not an OCSPResponse.
ocsp_rstatus() {
	_s=$(openssl asn1parse -inform DER -in "$1" 2>/dev/null |
	    awk 'NR == 2 && /ENUMERATED/ { sub(/.*:/, ""); print $0 + 0; exit }')
	echo "${_s:-none}"
}

# ocsp_post WHAT REQFILE URL: POSTs a DER request; HTTP 200 with
# application/ocsp-response; the answer in $TMP/b.
ocsp_post() {
	expect_code "$1" 200 --data-binary @"$2" \
	    -H 'Content-Type: application/ocsp-request' "$3"
	[ "$(header Content-Type)" = application/ocsp-response ] ||
	    fail "$1: Content-Type '$(header Content-Type)'"
}

# expect_rstatus WHAT STATUS: the response in $TMP/b has that status.
expect_rstatus() {
	_got=$(ocsp_rstatus "$TMP/b")
	[ "$_got" = "$2" ] || fail "$1: OCSPResponseStatus $_got, expected $2"
}

# serial_of CERT: the serial as inkan prints it (upper-case hex).
serial_of() {
	openssl x509 -in "$1" -noout -serial | sed 's/.*=//'
}

# --- subscribers -----------------------------------------------------------------

# issue_sub NAME POLICY SUBJECT [ISSUE OPTIONS...]: a subscriber key and
# certificate: $TMP/NAME.key, NAME.pem, NAME-chain.pem (issuing CA's
# certificate, then its root) and NAME-ca.pem (the issuing CA alone).
issue_sub() {
	_n=$1 _pol=$2 _subj=$3
	shift 3
	case $_pol in codesign) _bits=3072 ;; *) _bits=2048 ;; esac
	make_csr "$TMP/$_n" "$_bits"
	inkan_ok "issue $_n" --dir "$CA" --passphrase-file "$PASS" issue \
	    --policy "$_pol" --csr "$TMP/$_n.csr" --subject "$_subj" \
	    --out "$TMP/$_n.pem" --chain-out "$TMP/$_n-chain.pem" "$@"
	awk '/BEGIN/ { n++ } n == 1' "$TMP/$_n-chain.pem" > "$TMP/$_n-ca.pem"
}

# inkan_revoke SERIAL REASON [OPTIONS...]: inkan revoke must succeed, also
# while inkand's worker re-signs the same answers (the race these tests
# once found: the command now accepts answers the worker signed after the
# revocation).
inkan_revoke() {
	_ser=$1 _why=$2
	shift 2
	run_inkan --dir "$CA" --passphrase-file "$PASS" revoke "$_ser" \
	    --reason "$_why" "$@"
	[ "$RC" != 0 ] || return 0
	show_err
	fail "revoke $_ser $_why: inkan exited $RC (expected 0)"
}

# --- hand-made OCSP requests ------------------------------------------------------
# Built with `openssl asn1parse -genconf` from the RFC 6960 §4.1.1 ASN.1,
# so that a request can hold what no client sends: many CertIDs, any hash
# algorithm or hash length, nonces of any length.

# certid DIGEST ISSUER (-cert CERT | -serial 0xHEX): prints a CertID as
# DIGEST:NAMEHASH:KEYHASH:SERIAL (hex), as `openssl ocsp -DIGEST` makes it.
certid() {
	_d=$1 _iss=$2
	shift 2
	openssl ocsp "-$_d" -issuer "$_iss" "$@" -no_nonce \
	    -reqout "$TMP/certid.der" > /dev/null 2>&1 ||
	    fail "openssl ocsp cannot make a $_d CertID"
	# asn1parse prints each OCTET STRING and the INTEGER on one line
	# (the -req_text form wraps long hashes).
	openssl asn1parse -inform DER -in "$TMP/certid.der" 2> /dev/null |
	    awk -v d="$_d" '
	/prim: OCTET STRING/ { v = $0; sub(/.*:/, "", v)
		if (nh == "") nh = v; else if (kh == "") kh = v }
	/prim: INTEGER/ { sn = $0; sub(/.*:/, "", sn) }
	END { if (sn == "" || kh == "") exit 1; print d ":" nh ":" kh ":" sn }' ||
	    fail "cannot read the CertID openssl made"
}

# ocsp_req OUT NONCE CERTID...: writes a DER OCSPRequest with the given
# CertIDs (DIGEST may be any OID name or dotted OID; a hash may be any
# hex length). NONCE: "-" for none, "" for an empty one, else hex.
ocsp_req() {
	_out=$1 _nonce=$2
	shift 2
	{
		echo "asn1 = SEQUENCE:req"
		echo "[req]"
		echo "tbs = SEQUENCE:tbs"
		echo "[tbs]"
		echo "list = SEQUENCE:list"
		[ "$_nonce" = - ] || echo "exts = EXPLICIT:2,SEQUENCE:exts"
		echo "[list]"
		_i=0
		for _c in "$@"; do
			_i=$((_i + 1))
			echo "r$_i = SEQUENCE:r$_i"
		done
		_i=0
		for _c in "$@"; do
			_i=$((_i + 1))
			echo "$_c" | awk -F: -v i=$_i '{
				printf "[r%d]\ncid = SEQUENCE:cid%d\n", i, i
				printf "[cid%d]\nalg = SEQUENCE:alg%d\n", i, i
				printf "nh = FORMAT:HEX,OCTETSTRING:%s\n", $2
				printf "kh = FORMAT:HEX,OCTETSTRING:%s\n", $3
				printf "sn = INTEGER:0x%s\n", $4
				printf "[alg%d]\noid = OID:%s\np = NULL\n", i, $1
			}'
		done
		if [ "$_nonce" != - ]; then
			echo "[exts]"
			echo "n = SEQUENCE:nonce"
			echo "[nonce]"
			echo "oid = OID:1.3.6.1.5.5.7.48.1.2"
			if [ -z "$_nonce" ]; then
				echo "v = OCTWRAP,OCTETSTRING:"
			else
				echo "v = OCTWRAP,FORMAT:HEX,OCTETSTRING:$_nonce"
			fi
		fi
	} > "$TMP/req.cnf"
	openssl asn1parse -genconf "$TMP/req.cnf" -out "$_out" -noout \
	    > /dev/null 2> "$TMP/genconf.err" ||
	    fail "asn1parse -genconf: $(cat "$TMP/genconf.err")"
}

# hexbytes N: N random octets in hex.
hexbytes() {
	od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'
}
