#!/bin/sh
# test_ocsp_hostile: inkand's OCSP endpoint under hostile input (CP-4.9.9,
# CP-4.10.2 service availability; RFC 6960 §2.3, RFC 5019). Each answer
# must be the right error, inkand must not crash or leak, and a good
# certificate must still be answered good at the end. Meant to run under
# ASan too (INKAN_BUILD_DIR=build-asan): inkand's stderr is checked for
# sanitizer reports after each section and when it stops (leaks are
# reported at exit).
#
# - bodies: over the 16 KiB cap by Content-Length and by chunks (413),
#   exactly 16 KiB of garbage, garbage, empty, truncated DER, DER with
#   trailing bytes, another DER type (a certificate), 4,000 levels of
#   nested indefinite-length BER, absurd lengths (malformedRequest);
# - GET: bad base64 of every kind (malformedRequest), a path beyond the
#   cap (414), HEAD (headers, no body);
# - CertIDs: 16 in one request (answered, each right), 17 and 20 (over
#   the responder's cap of 16: malformedRequest), two issuers in one
#   request, hash algorithms other than SHA-1/SHA-256 (SHA-224/384/512,
#   MD5, an unknown OID), hashes of the wrong length, serial 0, a
#   negative serial, a 21-octet serial: never "good"; an ECDSA-signed
#   request: the signature is ignored (RFC 5019 §2.1) and the answer is
#   good; a nonce of 200 octets without --echo-nonce is ignored;
# - methods other than GET/HEAD/POST on /ocsp: 405 with Allow; unknown
#   paths: 404;
# - 10,000 connections (INKAN_STORM=N to change) opened at once by
#   tests/relying/storm.c (compiled here) and dropped in six ways: inkand
#   still answers OCSP good and its descriptor count (/proc/PID/fd)
#   returns to the baseline.

. "$(dirname "$0")/lib.sh"

STORM=${INKAN_STORM:-10000}
rp_setup
need cc
CA=$TMP/ca
init_ca "$CA"
issue_sub good client "/C=JP/O=Example Corp/CN=Good Client"
issue_sub rev client "/C=JP/O=Example Corp/CN=Revoked Client"
issue_sub cs codesign "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp"
P1=$TMP/good-ca.pem
S_good=$(serial_of "$TMP/good.pem")
inkan_revoke "$(serial_of "$TMP/rev.pem")" keyCompromise
cat "$CA/repository/certs/rootca1.pem" "$CA/repository/certs/rootca2.pem" \
    "$CA/repository/certs/rootca3.pem" > "$TMP/roots.pem"

# A short idle timeout: a storm connection left with half a request is
# closed by inkand within 5 s, inside the 15 s the descriptor check waits.
inkand_start "$CA" --timeout 5
OCSP=$U/ocsp/pubca1
PID=$INKAND_PID

# The good request (SHA-1 CertID, no nonce) and its answer.
openssl ocsp -issuer "$P1" -cert "$TMP/good.pem" -no_nonce \
    -reqout "$TMP/good.req" > /dev/null 2>&1 || fail "openssl ocsp -reqout"

# still_good WHAT: a good answer for the good certificate, verified.
still_good() {
	ocsp_post "$1" "$TMP/good.req" "$OCSP"
	openssl ocsp -respin "$TMP/b" -issuer "$P1" -cert "$TMP/good.pem" \
	    -CAfile "$TMP/roots.pem" > "$TMP/ossl.out" 2>&1 &&
	    grep -q 'good.pem: good' "$TMP/ossl.out" ||
	    fail "$1: no verified good answer: $(head -n 3 "$TMP/ossl.out")"
	inkand_alive "$1"
}

# post_expect WHAT FILE STATUS: POST FILE; HTTP 200, OCSPResponseStatus.
post_expect() {
	ocsp_post "$1" "$2" "$OCSP"
	expect_rstatus "$1" "$3"
}

# never_good WHAT FILE: POST FILE; any well-formed answer but a good (or
# successful) one; prints the status in NG.
never_good() {
	ocsp_post "$1" "$2" "$OCSP"
	NG=$(ocsp_rstatus "$TMP/b")
	case $NG in
	1|6) ;;
	0) openssl ocsp -respin "$TMP/b" -noverify -resp_text > "$TMP/r.txt" 2>&1
	   if grep -q 'Cert Status: good' "$TMP/r.txt"; then
		fail "$1: answered good"
	   fi ;;
	*) fail "$1: OCSPResponseStatus $NG" ;;
	esac
}

FDS0=$(ls /proc/"$PID"/fd | wc -l)
still_good "baseline"
note "inkand descriptors at the start: $FDS0"

# --- bodies -----------------------------------------------------------------------

head -c 16385 /dev/urandom > "$TMP/16k1"
expect_code "16 KiB + 1 body" 413 --data-binary @"$TMP/16k1" \
    -H 'Content-Type: application/ocsp-request' "$OCSP"
head -c 4194304 /dev/zero > "$TMP/4m"
expect_code "4 MiB body, Expect: 100-continue" 413 --data-binary @"$TMP/4m" \
    -H 'Expect: 100-continue' "$OCSP"
# Chunked: no Content-Length to refuse up front; counted, dropped, 413
# at its end, and a body past 1 MiB more is cut off.
head -c 20000 /dev/urandom > "$TMP/20k"
expect_code "20 kB chunked body" 413 --data-binary @"$TMP/20k" \
    -H 'Transfer-Encoding: chunked' "$OCSP"
http --data-binary @"$TMP/4m" -H 'Transfer-Encoding: chunked' "$OCSP"
CHUNKED=$CODE
case $CHUNKED in
413) ;;
000) grep -q 'Empty reply\|reset\|closed\|Broken pipe' "$TMP/curl.err" ||
	fail "4 MiB chunked body: $(cat "$TMP/curl.err")" ;;
*) fail "4 MiB chunked body: HTTP $CHUNKED" ;;
esac
[ "$CHUNKED" = 413 ] || CHUNKED="connection cut: $(cat "$TMP/curl.err")"
still_good "after oversized bodies"
ok "oversized bodies: 413 by Content-Length (16 KiB + 1; 4 MiB with Expect) and chunked (20 kB); chunked 4 MiB: $CHUNKED"

head -c 16384 /dev/urandom > "$TMP/16k"
post_expect "exactly 16 KiB of garbage" "$TMP/16k" 1
head -c 300 /dev/urandom > "$TMP/garbage"
post_expect "garbage" "$TMP/garbage" 1
: > "$TMP/empty"
post_expect "empty body" "$TMP/empty" 1
LEN=$(wc -c < "$TMP/good.req" | tr -d ' ')
head -c $((LEN - 1)) "$TMP/good.req" > "$TMP/trunc1"
post_expect "truncated by one octet" "$TMP/trunc1" 1
head -c $((LEN / 2)) "$TMP/good.req" > "$TMP/trunc2"
post_expect "truncated in half" "$TMP/trunc2" 1
head -c 2 "$TMP/good.req" > "$TMP/trunc3"
post_expect "only the outer tag and length" "$TMP/trunc3" 1
{ cat "$TMP/good.req"; printf '\000'; } > "$TMP/trailing"
post_expect "trailing octet after the DER" "$TMP/trailing" 1
openssl x509 -in "$TMP/good.pem" -outform DER -out "$TMP/cert.der"
post_expect "a certificate instead of a request" "$TMP/cert.der" 1
# 4,000 nested indefinite-length SEQUENCEs (BER), then their ends.
awk 'BEGIN { for (i = 0; i < 4000; i++) printf "\060\200";
	for (i = 0; i < 4000; i++) printf "\000\000" }' > "$TMP/nested"
post_expect "4,000 nested indefinite-length SEQUENCEs" "$TMP/nested" 1
printf '\060\204\177\377\377\377\060\000' > "$TMP/huge-len"
post_expect "a 2 GiB length in 8 octets" "$TMP/huge-len" 1
printf '\060\211\001\002\003\004\005\006\007\010\011' > "$TMP/long-len"
post_expect "a 9-octet length" "$TMP/long-len" 1
still_good "after malformed bodies"
ok "garbage (300 B and exactly 16 KiB), empty, truncated (3 ways), trailing octet, a certificate, 4,000-deep BER, absurd lengths: malformedRequest"

# --- GET ---------------------------------------------------------------------------

# get_expect WHAT PATH STATUS: GET /ocsp/pubca1/PATH; HTTP 200 and status.
get_expect() {
	expect_code "$1" 200 "$OCSP/$2"
	[ "$(header Content-Type)" = application/ocsp-response ] ||
	    fail "$1: Content-Type '$(header Content-Type)'"
	expect_rstatus "$1" "$3"
}

B64=$(openssl base64 -A -in "$TMP/good.req")
get_expect "valid GET" "$B64" 0
get_expect "bad base64 characters" '!!!!' 1
get_expect "a bad escape" '%ZZ%ZZ' 1
get_expect "a lone %" "${B64%?}%" 1
get_expect "an escaped NUL" "MFEw%00TzBN" 1
get_expect "padding only" '====' 1
get_expect "padding inside" "MF==${B64#????}" 1
get_expect "a length of 4k+1" "${B64}A" 1
get_expect "an escaped space" "MFEw%20${B64#????}" 1
get_expect "base64 of garbage" "$(head -c 90 /dev/urandom | openssl base64 -A | sed 's|/|%2F|g; s|+|%2B|g')" 1
get_expect "truncated base64" "$(printf '%s' "$B64" | cut -c1-40)" 1
expect_code "an empty GET" "200 400 404" "$OCSP/"
[ "$CODE" != 200 ] || expect_rstatus "an empty GET" 1
# A path beyond the responder's cap (the largest request, base64, escaped).
awk 'BEGIN { for (i = 0; i < 70000; i++) printf "A" }' > "$TMP/longpath"
expect_code "a 70,000-character path" "414 431" "$OCSP/$(cat "$TMP/longpath")"
LONG=$CODE
# shellcheck disable=SC2046 # two words on purpose
set -- $(curl -s -I --max-time 10 -D "$TMP/h" -o /dev/null \
    -w '%{http_code} %{size_download}' "$OCSP/$B64")
[ "$1" = 200 ] && [ "$2" = 0 ] &&
    [ "$(header Content-Type)" = application/ocsp-response ] ||
    fail "HEAD: HTTP $1, $2 octets of body"
still_good "after bad GETs"
ok "GET: 10 kinds of bad base64 answered malformedRequest; a 70,000-character path $LONG; HEAD gives headers only"

# --- CertIDs -------------------------------------------------------------------------

GOOD1=$(certid sha1 "$P1" -cert "$TMP/good.pem")
REV1=$(certid sha1 "$P1" -cert "$TMP/rev.pem")
GOOD256=$(certid sha256 "$P1" -cert "$TMP/good.pem")
CS1=$(certid sha1 "$TMP/cs-ca.pem" -cert "$TMP/cs.pem")
NH=$(echo "$GOOD1" | cut -d: -f2)
KH=$(echo "$GOOD1" | cut -d: -f3)

# 16 CertIDs: good, revoked, SHA-256 good, 13 unknown serials.
set -- "$GOOD1" "$REV1" "$GOOD256"
i=0
while [ $i -lt 13 ]; do
	i=$((i + 1))
	set -- "$@" "sha1:$NH:$KH:$(hexbytes 16 | tr 'a-f' 'A-F' | sed 's/^./5/')"
done
ocsp_req "$TMP/m16.der" - "$@"
post_expect "16 CertIDs" "$TMP/m16.der" 0
openssl ocsp -respin "$TMP/b" -noverify -resp_text > "$TMP/r.txt" 2>&1
[ "$(grep -c 'Cert Status: good' "$TMP/r.txt")" = 2 ] &&
    [ "$(grep -c 'Cert Status: revoked' "$TMP/r.txt")" = 1 ] &&
    [ "$(grep -c 'Cert Status: unknown' "$TMP/r.txt")" = 13 ] ||
    fail "16 CertIDs: $(grep -c 'Cert Status' "$TMP/r.txt") statuses, not 2 good, 1 revoked, 13 unknown"
openssl ocsp -respin "$TMP/b" -CAfile "$TMP/roots.pem" -verify_other "$P1" \
    > "$TMP/ossl.out" 2>&1 && grep -q 'Response verify OK' "$TMP/ossl.out" ||
    fail "16 CertIDs: the answer does not verify: $(head -n 3 "$TMP/ossl.out")"
for k in 17 20; do
	set -- "$GOOD1"
	i=1
	while [ $i -lt $k ]; do
		i=$((i + 1))
		set -- "$@" "sha1:$NH:$KH:0$i"
	done
	ocsp_req "$TMP/m$k.der" - "$@"
	post_expect "$k CertIDs" "$TMP/m$k.der" 1
done
ok "16 CertIDs: one signed answer, 2 good, 1 revoked, 13 unknown, verified; 17 and 20: malformedRequest (the responder's cap)"

ocsp_req "$TMP/two.der" - "$GOOD1" "$CS1"
never_good "two issuers in one request" "$TMP/two.der"
[ "$NG" = 6 ] || fail "two issuers in one request: status $NG, expected unauthorized"
ok "CertIDs of two of our issuers in one request: unauthorized"

for d in sha224 sha384 sha512 md5; do
	ocsp_req "$TMP/$d.der" - "$(certid "$d" "$P1" -cert "$TMP/good.pem")"
	never_good "$d CertID" "$TMP/$d.der"
	[ "$NG" = 6 ] || fail "$d CertID: status $NG"
done
ocsp_req "$TMP/oid.der" - "1.2.3.4.5:$NH:$KH:$S_good"
never_good "unknown hash OID" "$TMP/oid.der"
ocsp_req "$TMP/len.der" - "sha1:${NH}00:${KH}00:$S_good"
never_good "SHA-1 OID, 21-octet hashes" "$TMP/len.der"
ocsp_req "$TMP/len2.der" - "sha256:$NH:$KH:$S_good"
never_good "SHA-256 OID, 20-octet (SHA-1) hashes" "$TMP/len2.der"
ocsp_req "$TMP/short.der" - "sha1:$(echo "$NH" | cut -c1-20):$KH:$S_good"
never_good "a 10-octet name hash" "$TMP/short.der"
ok "CertIDs with SHA-224/384/512 and MD5 (unauthorized), an unknown OID, hashes of the wrong length: never good"

ocsp_req "$TMP/zero.der" - "sha1:$NH:$KH:00"
never_good "serial 0" "$TMP/zero.der"
Z=$NG
sed 's/^sn = INTEGER:0x00$/sn = INTEGER:-5/' "$TMP/req.cnf" > "$TMP/neg.cnf"
openssl asn1parse -genconf "$TMP/neg.cnf" -out "$TMP/neg.der" -noout > /dev/null 2>&1 ||
    fail "cannot make a negative serial"
never_good "negative serial" "$TMP/neg.der"
ocsp_req "$TMP/long.der" - "sha1:$NH:$KH:7F$(hexbytes 20)"
never_good "a 21-octet serial" "$TMP/long.der"
ok "serial 0 (status $Z), a negative serial, a 21-octet serial: never good"

# A signed request (optionalSignature, ECDSA): RFC 5019 §2.1 lets the
# responder ignore it; the answer must not change.
openssl ecparam -genkey -name prime256v1 -noout -out "$TMP/ec.key" 2>/dev/null &&
    openssl req -x509 -key "$TMP/ec.key" -subj /CN=requestor -days 2 \
    -out "$TMP/ec.pem" 2>/dev/null || fail "ECDSA requestor"
openssl ocsp -issuer "$P1" -cert "$TMP/good.pem" -no_nonce -signer "$TMP/ec.pem" \
    -signkey "$TMP/ec.key" -reqout "$TMP/signed.req" > /dev/null 2>&1 ||
    fail "openssl ocsp -signer"
post_expect "ECDSA-signed request" "$TMP/signed.req" 0
openssl ocsp -respin "$TMP/b" -issuer "$P1" -cert "$TMP/good.pem" \
    -CAfile "$TMP/roots.pem" > "$TMP/ossl.out" 2>&1 &&
    grep -q 'good.pem: good' "$TMP/ossl.out" || fail "signed request: $(cat "$TMP/ossl.out")"
# A 200-octet nonce: ignored without --echo-nonce.
ocsp_req "$TMP/bignonce.der" "$(hexbytes 200)" "$GOOD1"
post_expect "200-octet nonce, not echoing" "$TMP/bignonce.der" 0
still_good "after the CertID checks"
ok "an ECDSA-signed request: answered good (signature ignored); a 200-octet nonce without --echo-nonce: ignored, good"

# --- methods and paths -------------------------------------------------------------------

for m in PUT DELETE PATCH OPTIONS TRACE CONNECT PROPFIND FOO; do
	for path in /ocsp /ocsp/pubca1 "/ocsp/pubca1/$B64"; do
		expect_code "$m $path" 405 -X "$m" "$U$path"
		case $(header Allow) in
		*GET*POST*) ;;
		*) fail "$m $path: Allow '$(header Allow)'" ;;
		esac
	done
done
expect_code "PUT with a body" 405 -X PUT --data-binary @"$TMP/good.req" "$OCSP"
ok "PUT, DELETE, PATCH, OPTIONS, TRACE, CONNECT, PROPFIND, FOO on /ocsp: 405 with Allow: $(header Allow)"

for path in / /foo /ocspx /OCSP /Ocsp/pubca1 /ocsp.php /.well-known/ocsp \
    /repositoryx /metricsx /healthzz /%6Fcsp/pubca1 "/ocsp%2Fpubca1"; do
	expect_code "GET $path" 404 "$U$path"
done
expect_code "POST to an unknown path" 404 --data-binary @"$TMP/good.req" "$U/ocspx"
still_good "after methods and paths"
ok "unknown paths (12, escaped ones too) and a POST to one: 404"

# --- 10,000 connections at once -------------------------------------------------------------

cc -O1 -o "$TMP/storm" "$INKAN_SOURCE_DIR/tests/relying/storm.c" 2> "$TMP/cc.err" ||
    fail "cannot compile storm.c: $(cat "$TMP/cc.err")"
FDS0=$(ls /proc/"$PID"/fd | wc -l)
T0=$(date +%s)
"$TMP/storm" "$PORT" "$STORM" 40 "/ocsp/pubca1/$B64" > "$TMP/storm.out" \
    2> "$TMP/storm.err" || fail "storm: $(cat "$TMP/storm.err")"
note "storm: $(cat "$TMP/storm.out") in $(($(date +%s) - T0))s $(cat "$TMP/storm.err")"
# shellcheck disable=SC2046 # "opened N connected C failed F pending P"
set -- $(cat "$TMP/storm.out")
[ "$2" -ge $((STORM * 99 / 100)) ] ||
    fail "the storm opened only $2 of $STORM connections"
[ "$4" -ge $(($2 * 9 / 10)) ] ||
    fail "only $4 of $2 connections were established"
still_good "right after the storm"
# Descriptors return to the baseline (the last half-open connections close
# at the idle timeout, 5 s).
i=0
while :; do
	FDS=$(ls /proc/"$PID"/fd | wc -l)
	[ "$FDS" -gt "$FDS0" ] || break
	[ $i -lt 150 ] ||
	    fail "descriptors: $FDS0 before the storm, still $FDS 15 s after"
	sleep 0.1
	i=$((i + 1))
done
for n in 1 2 3; do still_good "after the storm ($n)"; done
ok "$2 connections at once ($4 established), dropped six ways: inkand answers good, descriptors $FDS0 -> $FDS"

inkand_stop
ok "inkand stopped by SIGTERM: exit 0, no sanitizer report"
