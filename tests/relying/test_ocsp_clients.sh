#!/bin/sh
# test_ocsp_clients: inkand's OCSP responder as real clients see it.
#
# One hierarchy (etc/inkan.conf.example), subscriber certificates of every
# policy, inkand on a free loopback port; then OpenSSL `openssl ocsp`,
# GnuTLS `ocsptool` and curl ask it, each verifying the signed answer
# against the roots (the responder is delegated by the issuing CA, table
# 7.3-1, so no -VAfile is needed):
#
# - good / revoked (keyCompromise with invalidity date) / certificateHold
#   and hold turned into revocation (CP-4.9.13) / unknown (a serial never
#   issued is never good, CP-4.9.9, RFC 6960 §2.2), each with SHA-1 and
#   SHA-256 CertIDs (RFC 5019 §2.1.1);
# - a revocation is visible at once (within 2 s of `inkan revoke`,
#   CP-4.9.5, CP-4.9.9), and so is a newly issued certificate;
# - the response profile of CP-7.3 / table 7.3-1: responderID byKey, the
#   responder certificate included, sha256WithRSA, thisUpdate..nextUpdate
#   = 4 days (CSBR/SBR 4.9.10: between 8 h and 10 days);
# - code-signing (CP-4.10.1), document and S/MIME certificates answered;
# - GET (RFC 5019 §5: base64 in the path; `openssl ocsp` 3.0 cannot GET,
#   so curl sends what `openssl ocsp -reqout` made) with the RFC 5019 §6.2
#   caching headers (max-age, Last-Modified = thisUpdate, Expires =
#   nextUpdate, ETag, 304 on If-None-Match) and the same bytes as POST;
# - nonces (RFC 8954): ignored by default (openssl warns "no nonce in
#   response" and still verifies; GnuTLS --nonce refuses such an answer);
#   with inkand --echo-nonce echoed and checked by both clients, not
#   cacheable, 1..32 octets only;
# - a foreign issuer and an impostor issuer (our CA's name, another key)
#   are `unauthorized`; a garbage body is `malformedRequest`.

. "$(dirname "$0")/lib.sh"

rp_setup
need ocsptool
CA=$TMP/ca
init_ca "$CA"
REPO=$CA/repository
cat "$REPO/certs/rootca1.pem" "$REPO/certs/rootca2.pem" \
    "$REPO/certs/rootca3.pem" > "$TMP/roots.pem"

issue_sub good client "/C=JP/O=Example Corp/CN=Good Client"
issue_sub rev client "/C=JP/O=Example Corp/CN=Revoked Client"
issue_sub hold client "/C=JP/O=Example Corp/CN=Held Client"
issue_sub doc document "/C=JP/O=Example Corp/CN=Hanako Sato"
issue_sub cs codesign "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp"
issue_sub smime smime "/CN=taro@example.jp" --email taro@example.jp
P1=$TMP/good-ca.pem		# PUB CA1 (cross-certified by RootCA2)
S_good=$(serial_of "$TMP/good.pem")
S_rev=$(serial_of "$TMP/rev.pem")
S_hold=$(serial_of "$TMP/hold.pem")
S_cs=$(serial_of "$TMP/cs.pem")

# ossl ARGS...: `openssl ocsp -CAfile roots ARGS`; the verdict word
# (good/revoked/unknown) of the first certificate in ST, "verified" in VOK
# when openssl checked the signature and the responder's chain.
ossl() {
	openssl ocsp -CAfile "$TMP/roots.pem" -timeout 10 "$@" \
	    > "$TMP/ossl.out" 2>&1 || :
	ST=$(awk 'NF == 2 && $1 ~ /:$/ && $2 ~ /^(good|revoked|unknown)$/ \
	    { print $2; exit }' "$TMP/ossl.out")
	VOK=
	if grep -q 'Response verify OK' "$TMP/ossl.out"; then VOK=verified; fi
}

show_ossl() {
	sed 's/^/#   openssl ocsp: /' "$TMP/ossl.out" >&2
}

# expect_ossl WHAT STATUS ARGS...: openssl ocsp says STATUS, verified.
expect_ossl() {
	_w=$1 _st=$2
	shift 2
	ossl "$@"
	if [ "$ST" != "$_st" ] || [ "$VOK" != verified ]; then
		show_ossl
		fail "$_w: openssl ocsp says '${ST:-nothing}' ($VOK), expected $_st, verified"
	fi
}

# now_ms: milliseconds since the epoch (GNU date).
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# wait_ossl WHAT STATUS MS ARGS...: polls openssl ocsp until STATUS,
# for at most MS milliseconds; prints the time it took.
wait_ossl() {
	_w=$1 _st=$2 _lim=$3
	shift 3
	_t0=$(now_ms)
	while :; do
		ossl "$@"
		_dt=$(($(now_ms) - _t0))
		if [ "$ST" = "$_st" ] && [ "$VOK" = verified ]; then
			WAITED=$_dt
			return 0
		fi
		if [ "$_dt" -gt "$_lim" ]; then
			show_ossl
			fail "$_w: still '${ST:-nothing}' after ${_dt} ms (expected $_st within $_lim ms)"
		fi
		sleep 0.1
	done
}

# resp_time FIELD: "This Update" / "Next Update" / "Produced At" of the
# response text in $TMP/ossl.out, in seconds since the epoch.
resp_time() {
	_v=$(sed -n "s/^[[:space:]]*$1: //p" "$TMP/ossl.out" | head -n 1)
	[ -n "$_v" ] || { show_ossl; fail "no '$1' in the response"; }
	date -u -d "$_v" +%s
}

inkand_start "$CA"
OCSP=$U/ocsp/pubca1

# --- good, with SHA-1 and SHA-256 CertIDs ---------------------------------------

# CP-4.9.9, CP-7.3: the default openssl request (SHA-1 CertID, a nonce).
expect_ossl "good, SHA-1" good -issuer "$P1" -cert "$TMP/good.pem" \
    -url "$OCSP" -resp_text
grep -q 'WARNING: no nonce in response' "$TMP/ossl.out" ||
    { show_ossl; fail "inkand echoed a nonce without --echo-nonce"; }
grep -q 'Hash Algorithm: sha1' "$TMP/ossl.out" || fail "not a SHA-1 CertID"
ok "openssl ocsp (POST, SHA-1 CertID, nonce sent): good, verified; nonce ignored (RFC 5019 §4), openssl warns 'no nonce in response'"

# Table 7.3-1 and RFC 5019 §2.2: byKey responder ID, the delegated
# responder's certificate in the answer, sha256WithRSAEncryption, 4 days.
RID=$(sed -n 's/^[[:space:]]*Responder Id: //p' "$TMP/ossl.out")
case $RID in
[0-9A-F][0-9A-F][0-9A-F][0-9A-F]*) ;;
*) show_ossl; fail "Responder Id '$RID' is not byKey" ;;
esac
grep -q 'Subject: .*CN *= *SECOM Passport for Member PUB CA1 OCSP Responder' \
    "$TMP/ossl.out" || { show_ossl; fail "responder certificate not included"; }
grep -q 'Signature Algorithm: sha256WithRSAEncryption' "$TMP/ossl.out" ||
    fail "response not signed with sha256WithRSAEncryption"
grep -q 'OCSP Signing' "$TMP/ossl.out" || fail "responder certificate lacks id-kp-OCSPSigning"
TU=$(resp_time 'This Update')
NU=$(resp_time 'Next Update')
[ $((NU - TU)) = 345600 ] ||
    fail "nextUpdate - thisUpdate = $((NU - TU)) s, docs/revocation.md says 4 days"
NOW=$(date +%s)
[ "$TU" -le $((NOW + 5)) ] && [ "$NU" -gt "$NOW" ] ||
    fail "response not current: thisUpdate $TU nextUpdate $NU now $NOW"
ok "response profile (CP-7.3, table 7.3-1): responderID byKey, responder certificate with OCSPSigning included, sha256WithRSA, valid 4 days (within 8 h..10 d)"

expect_ossl "good, SHA-256" good -issuer "$P1" -sha256 -cert "$TMP/good.pem" \
    -url "$OCSP" -no_nonce -resp_text
grep -q 'Hash Algorithm: sha256' "$TMP/ossl.out" ||
    { show_ossl; fail "the answer does not carry the SHA-256 CertID"; }
ok "openssl ocsp -sha256: SHA-256 CertID answered good with the same CertID, verified"

# The other policies (CP-4.10.1: code signing is answered like the rest).
expect_ossl "document" good -issuer "$TMP/doc-ca.pem" -cert "$TMP/doc.pem" \
    -url "$OCSP" -no_nonce
expect_ossl "code signing" good -issuer "$TMP/cs-ca.pem" -cert "$TMP/cs.pem" \
    -url "$U/ocsp/codesign-g1" -no_nonce -resp_text
grep -q 'CodeSigning CA G1 OCSP Responder' "$TMP/ossl.out" ||
    fail "code signing answered by another responder"
expect_ossl "code signing, SHA-256" good -issuer "$TMP/cs-ca.pem" -sha256 \
    -cert "$TMP/cs.pem" -url "$U/ocsp/codesign-g1" -no_nonce
expect_ossl "S/MIME" good -issuer "$TMP/smime-ca.pem" -cert "$TMP/smime.pem" \
    -url "$U/ocsp/pubca2" -no_nonce
ok "document (PUB CA1), code signing (CodeSigning CA G1, its own responder; SHA-1 and SHA-256) and S/MIME (PUB CA2): good, verified"

# --- unknown ---------------------------------------------------------------------

# CP-4.9.9 / RFC 6960 §2.2: a serial never issued is never "good".
NEVER=0x$(hexbytes 16 | tr 'a-f' 'A-F' | sed 's/^./7/')
for d in sha1 sha256; do
	expect_ossl "never issued ($d)" unknown "-$d" -issuer "$P1" \
	    -serial "$NEVER" -url "$OCSP" -no_nonce -resp_text
done
ok "serial never issued: unknown (SHA-1 and SHA-256), signed and verified"

# --- revocation, visible at once --------------------------------------------------

expect_ossl "before revocation" good -issuer "$P1" -cert "$TMP/rev.pem" \
    -url "$OCSP" -no_nonce
# The key was compromised when the certificate took effect (RFC 5280
# §5.3.2: between notBefore and the revocation date).
INVAL=$(date -u -d "@$(cert_epoch "$TMP/rev.pem" start)" +%Y-%m-%dT%H:%M:%SZ)
inkan_revoke "$S_rev" keyCompromise --invalidity "$INVAL"
wait_ossl "revoked" revoked 2000 -issuer "$P1" -cert "$TMP/rev.pem" \
    -url "$OCSP" -no_nonce -resp_text
grep -q 'Reason: keyCompromise' "$TMP/ossl.out" ||
    { show_ossl; fail "revocation reason is not keyCompromise"; }
RT=$(resp_time 'Revocation Time')
NOW=$(date +%s)
[ "$RT" -le "$NOW" ] && [ "$RT" -ge $((NOW - 60)) ] ||
    fail "revocationTime $RT is not the time of the revocation (now $NOW)"
grep -q 'Invalidity Date' "$TMP/ossl.out" ||
    { show_ossl; fail "no invalidityDate single extension for keyCompromise"; }
ok "inkan revoke keyCompromise: OCSP says revoked after ${WAITED} ms (CP-4.9.5), reason, revocationTime, invalidityDate"
expect_ossl "revoked, SHA-256" revoked -issuer "$P1" -sha256 \
    -cert "$TMP/rev.pem" -url "$OCSP" -no_nonce
ok "revoked also for the SHA-256 CertID"

# CP-4.9.13: suspension (certificateHold), later made a revocation.
inkan_revoke "$S_hold" certificateHold
wait_ossl "on hold" revoked 2000 -issuer "$P1" -cert "$TMP/hold.pem" \
    -url "$OCSP" -no_nonce -resp_text
grep -q 'Reason: certificateHold' "$TMP/ossl.out" ||
    { show_ossl; fail "suspension is not reason certificateHold"; }
ok "certificateHold: revoked with reason certificateHold after ${WAITED} ms (CP-4.9.13)"

# Code signing may not be suspended (CSBR 4.9.13): refused, still good.
inkan_refuses "suspend code signing" 1 "CSBR" --dir "$CA" \
    --passphrase-file "$PASS" revoke "$S_cs" --reason certificateHold
sleep 1.2
expect_ossl "code signing after the refused suspension" good \
    -issuer "$TMP/cs-ca.pem" -cert "$TMP/cs.pem" -url "$U/ocsp/codesign-g1" \
    -no_nonce
ok "suspension of a code-signing certificate refused (CSBR 4.9.13); OCSP still good"

# A certificate issued while inkand runs is pre-signed and served at once.
issue_sub late client "/C=JP/O=Example Corp/CN=Late Client"
wait_ossl "issued while serving" good 2000 -issuer "$P1" \
    -cert "$TMP/late.pem" -url "$OCSP" -no_nonce
ok "a certificate issued while inkand serves: good after ${WAITED} ms"

# --- GET and the RFC 5019 caching headers --------------------------------------------

# check_get WHAT CERT STATUS: GET of the SHA-1 request for CERT; status,
# signature and the RFC 5019 §6.2 headers against the response's times.
check_get() {
	_w=$1 _c=$2 _st=$3
	openssl ocsp -issuer "$P1" -cert "$_c" -no_nonce \
	    -reqout "$TMP/get-req.der" > /dev/null 2>&1 ||
	    fail "openssl ocsp -reqout"
	expect_code "$_w: GET" 200 "$OCSP/$(b64url "$TMP/get-req.der")"
	[ "$(header Content-Type)" = application/ocsp-response ] ||
	    fail "$_w: GET Content-Type '$(header Content-Type)'"
	cp "$TMP/b" "$TMP/get-resp.der"
	cp "$TMP/h" "$TMP/get-headers"
	expect_ossl "$_w: GET answer" "$_st" -issuer "$P1" -cert "$_c" \
	    -respin "$TMP/get-resp.der" -resp_text
	_tu=$(resp_time 'This Update')
	_nu=$(resp_time 'Next Update')
	_lm=$(date -u -d "$(header Last-Modified)" +%s 2>/dev/null) ||
	    fail "$_w: Last-Modified '$(header Last-Modified)'"
	_ex=$(date -u -d "$(header Expires)" +%s 2>/dev/null) ||
	    fail "$_w: Expires '$(header Expires)'"
	_dt=$(date -u -d "$(header Date)" +%s 2>/dev/null) ||
	    fail "$_w: Date '$(header Date)'"
	[ "$_lm" = "$_tu" ] ||
	    fail "$_w: Last-Modified $(header Last-Modified) is not thisUpdate"
	[ "$_ex" = "$_nu" ] ||
	    fail "$_w: Expires $(header Expires) is not nextUpdate"
	_cc=$(header Cache-Control)
	_ma=$(printf '%s\n' "$_cc" | sed -n 's/.*max-age=\([0-9][0-9]*\).*/\1/p')
	[ -n "$_ma" ] && [ "$_ma" -gt 0 ] || fail "$_w: Cache-Control '$_cc'"
	# max-age runs out at nextUpdate (a second of slack for the clock).
	[ $((_dt + _ma)) -le $((_nu + 1)) ] && [ $((_dt + _ma)) -ge $((_nu - 5)) ] ||
	    fail "$_w: Date + max-age = $((_dt + _ma)), nextUpdate $_nu"
	for _tok in public no-transform must-revalidate; do
		case ", $_cc," in
		*", $_tok,"*) ;;
		*) fail "$_w: Cache-Control '$_cc' lacks $_tok" ;;
		esac
	done
	ETAG=$(header ETag)
	case $ETAG in
	\"?*\") ;;
	*) fail "$_w: ETag '$ETAG' (a quoted entity tag)" ;;
	esac
	# The same pre-signed bytes by POST; 304 for a conditional GET.
	ocsp_post "$_w: POST" "$TMP/get-req.der" "$OCSP"
	cmp -s "$TMP/b" "$TMP/get-resp.der" ||
	    fail "$_w: GET and POST answers differ"
	expect_code "$_w: If-None-Match" 304 -H "If-None-Match: $ETAG" \
	    "$OCSP/$(b64url "$TMP/get-req.der")"
}

check_get "good" "$TMP/good.pem" good
ok "GET (base64 path): good, verified; Last-Modified = thisUpdate, Expires = nextUpdate, max-age to nextUpdate, public/no-transform/must-revalidate, ETag, 304; same bytes as POST (RFC 5019 §5, §6.2)"
GOOD_ETAG=$ETAG
check_get "revoked" "$TMP/rev.pem" revoked
[ "$ETAG" != "$GOOD_ETAG" ] || fail "good and revoked answers share an ETag"
ok "GET of the revoked certificate: revoked, with its own ETag and headers"

# An unknown serial's answer is signed on demand and cacheable an hour.
openssl ocsp -issuer "$P1" -serial "$NEVER" -no_nonce \
    -reqout "$TMP/unk-req.der" > /dev/null 2>&1
expect_code "GET unknown" 200 "$OCSP/$(b64url "$TMP/unk-req.der")"
cp "$TMP/b" "$TMP/unk.der"
expect_ossl "GET unknown" unknown -issuer "$P1" -serial "$NEVER" \
    -respin "$TMP/unk.der"
MA=$(header Cache-Control | sed -n 's/.*max-age=\([0-9][0-9]*\).*/\1/p')
[ -n "$MA" ] && [ "$MA" -le 3600 ] ||
    fail "unknown: Cache-Control '$(header Cache-Control)' (at most an hour)"
ok "GET of a never-issued serial: unknown, cacheable at most $MA s"

# --- foreign and impostor issuers, garbage ---------------------------------------------

# A throwaway CA of our own making (not inkan's) and a certificate from it.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/foreign-ca.key" \
    -subj "/C=JP/O=Somebody Else/CN=Foreign CA" -days 2 \
    -out "$TMP/foreign-ca.pem" 2>/dev/null || fail "openssl req -x509"
openssl req -new -newkey rsa:2048 -nodes -keyout "$TMP/foreign.key" \
    -subj "/CN=foreign" -out "$TMP/foreign.csr" 2>/dev/null &&
    openssl x509 -req -in "$TMP/foreign.csr" -CA "$TMP/foreign-ca.pem" \
    -CAkey "$TMP/foreign-ca.key" -set_serial "0x$S_good" -days 2 \
    -out "$TMP/foreign.pem" 2>/dev/null || fail "openssl x509 -req"
ossl -issuer "$TMP/foreign-ca.pem" -cert "$TMP/foreign.pem" \
    -url "$OCSP" -no_nonce
grep -q 'Responder Error: unauthorized (6)' "$TMP/ossl.out" ||
    { show_ossl; fail "foreign issuer: not unauthorized"; }
# An impostor: PUB CA1's subject name on another key. The CertID's name
# hash is ours, its key hash is not: still not ours to answer.
openssl x509 -x509toreq -in "$P1" -signkey "$TMP/foreign-ca.key" \
    -out "$TMP/impostor.csr" 2>/dev/null &&
    openssl x509 -req -in "$TMP/impostor.csr" -signkey "$TMP/foreign-ca.key" \
    -days 2 -out "$TMP/impostor.pem" 2>/dev/null || fail "impostor CA"
ossl -issuer "$TMP/impostor.pem" -cert "$TMP/good.pem" \
    -url "$OCSP" -no_nonce
grep -q 'Responder Error: unauthorized (6)' "$TMP/ossl.out" ||
    { show_ossl; fail "impostor issuer (our name, another key): not unauthorized"; }
ok "foreign issuer (a throwaway OpenSSL CA, serial equal to one of ours) and impostor issuer (PUB CA1's name, another key): unauthorized"

head -c 300 /dev/urandom > "$TMP/garbage.bin"
ocsp_post "garbage" "$TMP/garbage.bin" "$OCSP"
expect_rstatus "garbage body" 1
[ "$(header Cache-Control)" = no-store ] ||
    fail "an error answer is cacheable: '$(header Cache-Control)'"
openssl ocsp -respin "$TMP/b" > "$TMP/ossl.out" 2>&1 || :
grep -q 'Responder Error: malformedrequest (1)' "$TMP/ossl.out" ||
    { show_ossl; fail "openssl does not read malformedRequest"; }
ok "garbage body: malformedRequest (openssl reads it), Cache-Control no-store"

# --- GnuTLS ocsptool ------------------------------------------------------------------

# GnuTLS checks the responder certificate against --load-trust alone,
# without building through the issuing CA, so the trust file holds the
# roots and PUB CA1 (as a relying party that holds the chain would).
cat "$TMP/roots.pem" "$P1" > "$TMP/gnutls-trust.pem"

# gnutls_ask WHAT CERT STATUS [OPTIONS...]
gnutls_ask() {
	_w=$1 _c=$2 _st=$3
	shift 3
	ocsptool --ask="$OCSP" --load-issuer "$P1" --load-cert "$_c" \
	    --outfile "$TMP/gnutls-resp.der" "$@" > "$TMP/gnutls.out" 2>&1 ||
	    { sed 's/^/#   ocsptool: /' "$TMP/gnutls.out" >&2
	      fail "$_w: ocsptool --ask failed"; }
	grep -q "Certificate Status: $_st" "$TMP/gnutls.out" &&
	    grep -q 'Verifying OCSP Response: Success\.' "$TMP/gnutls.out" ||
	    { sed 's/^/#   ocsptool: /' "$TMP/gnutls.out" >&2
	      fail "$_w: ocsptool does not say $_st, verified"; }
}

gnutls_ask "GnuTLS good" "$TMP/good.pem" good --load-trust "$TMP/gnutls-trust.pem"
gnutls_ask "GnuTLS revoked" "$TMP/rev.pem" revoked \
    --load-trust "$TMP/gnutls-trust.pem"
grep -q 'Revocation time: ' "$TMP/gnutls.out" ||
    fail "GnuTLS shows no revocation time"
gnutls_ask "GnuTLS on hold" "$TMP/hold.pem" revoked \
    --load-trust "$TMP/gnutls-trust.pem"
# --load-signer: the issuing CA as the signer, the delegation checked.
gnutls_ask "GnuTLS signer = issuing CA" "$TMP/good.pem" good \
    --load-signer "$P1"
ok "GnuTLS ocsptool --ask: good, revoked (with its time), on hold; verified with --load-trust and with --load-signer (delegated responder)"

# Without --echo-nonce a GnuTLS client that insists on a nonce refuses
# the answer (RFC 5019 answers carry none): a documented interop limit.
if ocsptool --ask="$OCSP" --load-issuer "$P1" --load-cert "$TMP/good.pem" \
    --load-trust "$TMP/gnutls-trust.pem" --nonce > "$TMP/gnutls.out" 2>&1; then
	fail "ocsptool --nonce accepted an answer without a nonce"
fi
grep -q "nonce" "$TMP/gnutls.out" ||
    { sed 's/^/#   ocsptool: /' "$TMP/gnutls.out" >&2
      fail "ocsptool --nonce failed for another reason"; }
ok "ocsptool --nonce against the default (RFC 5019) inkand: refused for the missing nonce, as expected"

# --- hold turned into revocation (CP-4.9.13) -------------------------------------------

inkan_revoke "$S_hold" cessationOfOperation
wait_ossl "hold -> revoked" revoked 2000 -issuer "$P1" -cert "$TMP/hold.pem" \
    -url "$OCSP" -no_nonce -resp_text
_t=0
while ! grep -q 'Reason: cessationOfOperation' "$TMP/ossl.out"; do
	[ $_t -lt 20 ] || { show_ossl; fail "hold never became cessationOfOperation"; }
	sleep 0.1
	_t=$((_t + 1))
	ossl -issuer "$P1" -cert "$TMP/hold.pem" -url "$OCSP" \
	    -no_nonce -resp_text
done
ok "certificateHold then cessationOfOperation: OCSP reason follows (CP-4.9.13)"

# --- CA certificates: the roots answer for them themselves -------------------------------
# RFC 6960 §4.2.2.2 (a response signed by the CA that issued the
# certificate): relying parties that check every certificate of the chain
# (nginx ssl_ocsp on, tests/relying/test_nginx_client.sh) get an answer for
# the cross-certificates too. Last in the script: it revokes PUB CA2's
# RootCA3 cross-certificate.
CERTS=$CA/repository/certs
expect_ossl "PUB CA1 under RootCA2" good -issuer "$CERTS/rootca2.pem" \
    -cert "$CERTS/pubca1.rootca2.pem" -url "$U/ocsp/rootca2" -no_nonce \
    -resp_text
grep -q 'Responder Id: ' "$TMP/ossl.out" && ! grep -q '^Certificate:' \
    "$TMP/ossl.out" || { show_ossl; fail "a root's answer carries a certificate or no responderID"; }
expect_ossl "PUB CA1 under RootCA1 (sha1 root), SHA-256 CertID" good \
    -issuer "$CERTS/rootca1.pem" -sha256 -cert "$CERTS/pubca1.rootca1.pem" \
    -url "$U/ocsp/rootca1" -no_nonce
S_x=$(serial_of "$CERTS/pubca2.rootca3.pem")
inkan_revoke "$S_x" cACompromise --issuer rootca3
wait_ossl "cross-certificate revoked" revoked 2000 -issuer "$CERTS/rootca3.pem" \
    -cert "$CERTS/pubca2.rootca3.pem" -url "$U/ocsp/rootca3" -no_nonce \
    -resp_text
grep -q 'Reason: cACompromise' "$TMP/ossl.out" ||
    { show_ossl; fail "revoked cross-certificate: no reason cACompromise"; }
expect_ossl "PUB CA2 under RootCA2, after RootCA3's revocation" good \
    -issuer "$CERTS/rootca2.pem" -cert "$CERTS/pubca2.rootca2.pem" \
    -url "$U/ocsp/rootca2" -no_nonce
ok "roots answer for their CA certificates (signed by the root itself, no certs): good; a revoked cross-certificate is revoked (cACompromise) after ${WAITED} ms, the other root's stays good"

inkand_alive "after the default-mode checks"
inkand_stop
ok "inkand stopped by SIGTERM: exit 0, no sanitizer report"

# --- nonces echoed (inkand --echo-nonce, RFC 8954) --------------------------------------

inkand_start "$CA" --echo-nonce
OCSP=$U/ocsp/pubca1

# After a restart the revocations stand (they come from the store).
expect_ossl "revoked after restart" revoked -issuer "$P1" -cert "$TMP/rev.pem" \
    -url "$OCSP" -no_nonce

T0=$(date +%s)
expect_ossl "nonce echoed" good -issuer "$P1" -cert "$TMP/good.pem" \
    -url "$OCSP" -resp_text -respout "$TMP/nonce-resp.der"
grep -q 'WARNING' "$TMP/ossl.out" && { show_ossl; fail "openssl warns about the nonce"; }
grep -q 'OCSP Nonce' "$TMP/ossl.out" || { show_ossl; fail "no nonce in the answer"; }
PA=$(resp_time 'Produced At')
[ "$PA" -ge $((T0 - 1)) ] || fail "nonce answer not signed anew (producedAt $PA < $T0)"
ok "openssl ocsp with a nonce: echoed (openssl checks it: no warning), freshly signed, verified"

# The nonce in the answer is the one of the request, byte for byte.
ocsp_req "$TMP/n32.der" "$(hexbytes 32)" "$(certid sha1 "$P1" -cert "$TMP/good.pem")"
N32=$(openssl ocsp -reqin "$TMP/n32.der" -req_text | awk '/OCSP Nonce/ { getline; print $1 }')
ocsp_post "32-octet nonce" "$TMP/n32.der" "$OCSP"
expect_rstatus "32-octet nonce" 0
[ "$(header Cache-Control)" = no-store ] ||
    fail "an answer with a nonce is cacheable: '$(header Cache-Control)'"
cp "$TMP/b" "$TMP/n32-resp.der"
ossl -reqin "$TMP/n32.der" -respin "$TMP/n32-resp.der" \
    -issuer "$P1" -cert "$TMP/good.pem" -resp_text
GOTN=$(awk '/OCSP Nonce/ { getline; print $1 }' "$TMP/ossl.out")
[ -n "$N32" ] && [ "$GOTN" = "$N32" ] ||
    { show_ossl; fail "nonce echoed as '$GOTN', sent '$N32'"; }
ok "a 32-octet nonce is echoed byte for byte; the answer is Cache-Control: no-store"

ocsp_req "$TMP/n33.der" "$(hexbytes 33)" "$(certid sha1 "$P1" -cert "$TMP/good.pem")"
ocsp_post "33-octet nonce" "$TMP/n33.der" "$OCSP"
expect_rstatus "33-octet nonce (RFC 8954 §2.1: at most 32)" 1
ocsp_req "$TMP/n0.der" "" "$(certid sha1 "$P1" -cert "$TMP/good.pem")"
ocsp_post "empty nonce" "$TMP/n0.der" "$OCSP"
expect_rstatus "empty nonce (RFC 8954 §2.1: at least 1 octet)" 1
ok "nonces of 33 and 0 octets: malformedRequest (RFC 8954 §2.1)"

# Without a nonce the answer is still the pre-signed, cacheable one.
check_get "no nonce, --echo-nonce" "$TMP/good.pem" good
ok "without a nonce, --echo-nonce still serves the pre-signed answer with caching headers"

gnutls_ask "GnuTLS --nonce" "$TMP/good.pem" good \
    --load-trust "$TMP/gnutls-trust.pem" --nonce
grep -q 'Nonce:' "$TMP/gnutls.out" || fail "GnuTLS shows no nonce"
gnutls_ask "GnuTLS --nonce, revoked" "$TMP/rev.pem" revoked \
    --load-trust "$TMP/gnutls-trust.pem" --nonce
ok "GnuTLS ocsptool --nonce with --echo-nonce: nonce checked, good and revoked verified"

inkand_alive "after the nonce checks"
inkand_stop
ok "inkand --echo-nonce stopped: exit 0, no sanitizer report"
