#!/bin/sh
# test_crl_relying: the CRLs inkan publishes, as relying parties fetch and
# use them (CP-2.2, CP-4.9.7, CP-7.2, tables 7.2-1 and 7.2-2).
#
# One hierarchy, subscriber certificates, inkand on a free loopback port.
# Every CRL is fetched over HTTP from inkand at the path named in the
# certificate's CRL Distribution Points (the configured base_url names
# another port, so only the path is taken), then:
#
# - `openssl crl -verify` with the issuing CA (and not with another CA),
#   `certtool --crl-info` and `certtool --verify-crl` accept it, and
#   `inkan lint --type crl` finds nothing;
# - after each revocation (keyCompromise with invalidityDate,
#   certificateHold, superseded, unspecified, a back-dated one) the CRL
#   served at once carries the entry with its reason (none for
#   unspecified, RFC 5280 §5.3.1), its revocationDate and invalidityDate,
#   entries sorted by serial; a hold later revoked changes its reason
#   (CP-4.9.13); a code-signing revocation is on its CA's CRL;
# - the CRL Number increases after each revocation, each `inkan crl` and
#   across an inkand restart, and does not move when a revocation is
#   refused; nextUpdate = thisUpdate + 96 h exactly (CP-4.9.7);
# - `openssl verify -crl_check` (and -crl_check_all with the root CRL)
#   refuses every revoked and suspended certificate and accepts a good one;
# - the root CRLs (for the cross-certificates, CP-7.2 table 7.2-1) verify
#   with each root, with the root's own digest (sha1 / sha256 / sha384);
# - HTTP: application/pkix-crl, the bytes of the published file, an ETag
#   that changes with the CRL (304 only for the current one).

. "$(dirname "$0")/lib.sh"

rp_setup
need certtool
CA=$TMP/ca
init_ca "$CA"
REPO=$CA/repository
CERTS=$REPO/certs

issue_sub good client "/C=JP/O=Example Corp/CN=Good Client"
issue_sub kc client "/C=JP/O=Example Corp/CN=Compromised Client"
issue_sub hold client "/C=JP/O=Example Corp/CN=Held Client"
issue_sub sup document "/C=JP/O=Example Corp/CN=Superseded Signer"
issue_sub uns client "/C=JP/O=Example Corp/CN=Unspecified Client"
issue_sub back client "/C=JP/O=Example Corp/CN=Backdated Client"
issue_sub cs codesign "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp"
P1=$TMP/good-ca.pem		# PUB CA1 under RootCA2 (issue --chain-out)
S_good=$(serial_of "$TMP/good.pem")
S_kc=$(serial_of "$TMP/kc.pem")
S_hold=$(serial_of "$TMP/hold.pem")
S_sup=$(serial_of "$TMP/sup.pem")
S_uns=$(serial_of "$TMP/uns.pem")
S_back=$(serial_of "$TMP/back.pem")
S_cs=$(serial_of "$TMP/cs.pem")

# As scripts/demo.sh does: the first CRLs before serving (inkan init
# issues none; inkand would issue them on its first schedule run).
inkan_ok "first inkan crl" --dir "$CA" --passphrase-file "$PASS" crl
inkand_start "$CA"

# http_dp CERT: the http CRL Distribution Point URI of CERT.
http_dp() {
	for _u in $(crldp_summary "$1"); do
		case $_u in http://*) echo "$_u"; return 0 ;; esac
	done
	fail "$1: no http CRL distribution point"
}

# fetch_crl NAME CERT: GETs the CRL at CERT's distribution point from
# inkand into $TMP/NAME.crl (DER) and NAME.crl.pem; checks the HTTP side.
fetch_crl() {
	_dp=$(http_dp "$2")
	_p=$(url_path "$_dp")
	expect_code "CRL of $1" 200 "$U$_p"
	[ "$(header Content-Type)" = application/pkix-crl ] ||
	    fail "CRL $_p: Content-Type '$(header Content-Type)'"
	cmp -s "$TMP/b" "$CA$_p" ||
	    fail "CRL $_p: served bytes differ from $CA$_p"
	cp "$TMP/b" "$TMP/$1.crl"
	cp "$TMP/h" "$TMP/$1.crl.h"
	openssl crl -inform DER -in "$TMP/$1.crl" -out "$TMP/$1.crl.pem" ||
	    fail "CRL $_p is not a DER CRL"
	openssl crl -in "$TMP/$1.crl.pem" -noout -text > "$TMP/$1.crl.txt"
}

# crl_number NAME: the CRL Number, decimal.
crl_number() {
	_h=$(openssl crl -in "$TMP/$1.crl.pem" -noout -crlnumber | sed 's/.*=//')
	case $_h in 0x*|0X*) ;; *) fail "$1: CRL Number '$_h'" ;; esac
	printf '%d\n' "$_h"
}

# crl_time NAME lastupdate|nextupdate: seconds since the epoch.
crl_time() {
	date -u -d "$(openssl crl -in "$TMP/$1.crl.pem" -noout "-$2" |
	    sed 's/^[^=]*=//')" +%s
}

# crl_entry NAME SERIAL: the entry's text lines (serial line, dates,
# extensions), from `openssl crl -text`; empty if absent.
crl_entry() {
	awk -v s="$2" '
	/^    Serial Number: / { on = ($3 == s) }
	/^    Signature Algorithm:/ { on = 0 }
	on' "$TMP/$1.crl.txt"
}

# crl_reason NAME SERIAL: the reason of an entry ("-" if it has no
# reasonCode extension, "absent" if there is no entry).
crl_reason() {
	crl_entry "$1" "$2" | awk '
	NR == 1 { found = 1 }
	/CRL Reason Code/ { getline; sub(/^ +/, ""); r = $0 }
	END { print found ? (r == "" ? "-" : r) : "absent" }'
}

# check_crl NAME CA [ROOT]: signature (openssl and GnuTLS), 96 h, v2,
# AKI, lint. CA signs it; ROOT, when given, is a self-signed CA that
# must not verify it.
check_crl() {
	_n=$1 _ca=$2
	openssl crl -in "$TMP/$_n.crl.pem" -noout -verify -CAfile "$_ca" \
	    > "$TMP/v.out" 2>&1 && grep -q 'verify OK' "$TMP/v.out" ||
	    { cat "$TMP/v.out" >&2; fail "$_n: openssl crl -verify"; }
	certtool --verify-crl --load-ca-certificate "$_ca" \
	    --infile "$TMP/$_n.crl.pem" > "$TMP/v.out" 2>&1 &&
	    grep -q 'Verification output: Verified' "$TMP/v.out" ||
	    { sed 's/^/#   certtool: /' "$TMP/v.out" >&2
	      fail "$_n: certtool --verify-crl"; }
	certtool --crl-info --infile "$TMP/$_n.crl.pem" > "$TMP/$_n.crl.gnutls" \
	    2>&1 || fail "$_n: certtool --crl-info"
	grep -q 'Version: 2' "$TMP/$_n.crl.gnutls" || fail "$_n: not a v2 CRL"
	grep -q 'Authority Key Identifier (not critical)' "$TMP/$_n.crl.gnutls" &&
	    grep -q 'CRL Number (not critical)' "$TMP/$_n.crl.gnutls" ||
	    fail "$_n: CRL Number and AKI, not critical (table 7.2-2)"
	_tu=$(crl_time "$_n" lastupdate)
	_nu=$(crl_time "$_n" nextupdate)
	[ $((_nu - _tu)) = 345600 ] ||
	    fail "$_n: nextUpdate - thisUpdate = $((_nu - _tu)) s, not 96 h"
	_now=$(date +%s)
	[ "$_tu" -le $((_now + 2)) ] && [ "$_tu" -ge $((_now - 86400 - 60)) ] ||
	    fail "$_n: thisUpdate $_tu is not within the last 24 h (CP-4.9.7)"
	run_inkan lint --type crl --issuer "$_ca" "$TMP/$_n.crl.pem"
	[ "$RC" = 0 ] || { cat "$TMP/out" "$TMP/err" >&2; fail "$_n: inkan lint: exit $RC"; }
}

# openssl_verify CERT CRLS... : `openssl verify -crl_check_all` of CERT
# up PUB CA1 to RootCA2, with the given CRL files; VERDICT is OK or the
# error text.
openssl_verify() {
	_c=$1
	shift
	_crls=
	for _f in "$@"; do _crls="$_crls -CRLfile $_f"; done
	# shellcheck disable=SC2086
	openssl verify -CAfile "$CERTS/rootca2.pem" -untrusted "$P1" \
	    -crl_check_all $_crls "$_c" > "$TMP/v.out" 2>&1 || :
	if grep -q ': OK$' "$TMP/v.out"; then
		VERDICT=OK
	else
		VERDICT=$(grep -o 'error [0-9]* at [0-9] depth lookup: .*' \
		    "$TMP/v.out" | head -n 1)
	fi
}

# --- the first CRLs ------------------------------------------------------------------

fetch_crl p1 "$TMP/good.pem"
check_crl p1 "$P1"
# The same key is cross-certified by RootCA1: either CA certificate works.
openssl crl -in "$TMP/p1.crl.pem" -noout -verify \
    -CAfile "$CERTS/pubca1.rootca1.pem" > /dev/null 2>&1 ||
    fail "PUB CA1's CRL does not verify with its RootCA1 cross-certificate"
if openssl crl -in "$TMP/p1.crl.pem" -noout -verify \
    -CAfile "$TMP/cs-ca.pem" > "$TMP/v.out" 2>&1 &&
    grep -q 'verify OK' "$TMP/v.out"; then
	fail "PUB CA1's CRL verifies with another CA's certificate"
fi
grep -q 'Signature Algorithm: sha256WithRSAEncryption' "$TMP/p1.crl.txt" ||
    fail "issuing CA CRL not sha256WithRSAEncryption (table 7.2-2)"
N=$(crl_number p1)
[ "$(crl_reason p1 "$S_good")" = absent ] || fail "a good certificate is on the CRL"
ok "PUB CA1 CRL $N from its distribution point: v2, AKI + CRL Number, 96 h, sha256WithRSA; openssl and GnuTLS verify it (with either cross-certificate, not with another CA); inkan lint clean"

openssl_verify "$TMP/good.pem" "$TMP/p1.crl.pem"
# crl_check_all also wants RootCA2's CRL for the cross-certificate.
[ "$VERDICT" != OK ] || fail "verify -crl_check_all passed without the root CRL"
fetch_crl r2 "$P1"
openssl_verify "$TMP/good.pem" "$TMP/p1.crl.pem" "$TMP/r2.crl.pem"
[ "$VERDICT" = OK ] || { cat "$TMP/v.out" >&2; fail "good certificate refused: $VERDICT"; }
ok "openssl verify -crl_check_all: the good certificate passes with PUB CA1's and RootCA2's CRLs"

# --- revocations, each on the next CRL at once --------------------------------------

# revoke_and_fetch SERIAL REASON [OPTIONS...]: revokes, then fetches the
# PUB CA1 CRL at once (no waiting: inkan revoke publishes before it
# returns, CP-4.9.7); its number must be above the last one.
revoke_and_fetch() {
	inkan_revoke "$@"
	fetch_crl p1 "$TMP/good.pem"
	_n2=$(crl_number p1)
	[ "$_n2" -gt "$N" ] || fail "revoke $1: CRL Number $_n2 after $N"
	N=$_n2
	check_crl p1 "$P1"
	[ "$(crl_reason p1 "$1")" != absent ] ||
	    fail "revoke $1 $2: not on the CRL served right after"
}

KC_INVAL=$(date -u -d "@$(cert_epoch "$TMP/kc.pem" start)" +%Y-%m-%dT%H:%M:%SZ)
revoke_and_fetch "$S_kc" keyCompromise --invalidity "$KC_INVAL"
[ "$(crl_reason p1 "$S_kc")" = "Key Compromise" ] ||
    fail "keyCompromise entry: reason '$(crl_reason p1 "$S_kc")'"
crl_entry p1 "$S_kc" | grep -q 'Invalidity Date' ||
    { crl_entry p1 "$S_kc" >&2; fail "keyCompromise entry lacks invalidityDate"; }
INV=$(crl_entry p1 "$S_kc" | awk '/Invalidity Date/ { getline; sub(/^ +/, ""); print }')
[ "$(date -u -d "$INV" +%s)" = "$(cert_epoch "$TMP/kc.pem" start)" ] ||
    fail "invalidityDate '$INV' is not $KC_INVAL"
ok "keyCompromise: on CRL $N at once, reason Key Compromise, invalidityDate $KC_INVAL"

revoke_and_fetch "$S_hold" certificateHold
[ "$(crl_reason p1 "$S_hold")" = "Certificate Hold" ] ||
    fail "certificateHold entry: reason '$(crl_reason p1 "$S_hold")'"
ok "certificateHold (CP-4.9.13): on CRL $N, reason Certificate Hold"

revoke_and_fetch "$S_sup" superseded
[ "$(crl_reason p1 "$S_sup")" = "Superseded" ] ||
    fail "superseded entry: reason '$(crl_reason p1 "$S_sup")'"
ok "superseded (a document-signing certificate): on CRL $N"

revoke_and_fetch "$S_uns" unspecified
[ "$(crl_reason p1 "$S_uns")" = - ] ||
    fail "unspecified entry has reason '$(crl_reason p1 "$S_uns")' (RFC 5280 §5.3.1: omit it)"
ok "unspecified: on CRL $N without a reasonCode extension (RFC 5280 §5.3.1)"

BACK_EPOCH=$(($(date +%s) - 2))
BACK=$(date -u -d "@$BACK_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
revoke_and_fetch "$S_back" affiliationChanged --date "$BACK"
RD=$(crl_entry p1 "$S_back" | sed -n 's/^ *Revocation Date: //p')
[ "$(date -u -d "$RD" +%s)" = "$BACK_EPOCH" ] ||
    fail "--date $BACK: CRL revocationDate '$RD'"
ok "affiliationChanged --date $BACK: revocationDate as given"

# Every entry, in serial order (docs/revocation.md), none twice.
openssl crl -in "$TMP/p1.crl.pem" -noout -text |
    sed -n 's/^    Serial Number: //p' > "$TMP/entries"
[ "$(wc -l < "$TMP/entries" | tr -d ' ')" = 5 ] ||
    fail "CRL $N has $(wc -l < "$TMP/entries") entries, expected 5"
awk '{ printf "%040s\n", $1 }' "$TMP/entries" | tr ' ' 0 > "$TMP/entries.pad"
sort -c "$TMP/entries.pad" 2>/dev/null ||
    fail "CRL entries not sorted by serial: $(tr '\n' ' ' < "$TMP/entries")"
grep -q 'Revoked certificates (5)' "$TMP/p1.crl.gnutls" ||
    fail "GnuTLS does not count 5 revoked certificates"
ok "CRL $N: 5 entries sorted by serial; GnuTLS --crl-info lists 5"

# openssl verify refuses every revoked or suspended certificate.
fetch_crl r2 "$P1"
check_crl r2 "$CERTS/rootca2.pem"
for n in kc hold sup uns back; do
	openssl_verify "$TMP/$n.pem" "$TMP/p1.crl.pem" "$TMP/r2.crl.pem"
	case $VERDICT in
	*"certificate revoked"*) ;;
	*) cat "$TMP/v.out" >&2; fail "$n: openssl verify -crl_check_all: '$VERDICT'" ;;
	esac
done
openssl_verify "$TMP/good.pem" "$TMP/p1.crl.pem" "$TMP/r2.crl.pem"
[ "$VERDICT" = OK ] || fail "good certificate refused: $VERDICT"
# -crl_check (the leaf only) with the issuing CA's CRL alone.
openssl verify -CAfile "$CERTS/rootca2.pem" -untrusted "$P1" -crl_check \
    -CRLfile "$TMP/p1.crl.pem" "$TMP/kc.pem" > "$TMP/v.out" 2>&1 &&
    fail "openssl verify -crl_check accepted the revoked certificate"
grep -q 'certificate revoked' "$TMP/v.out" || fail "-crl_check: $(cat "$TMP/v.out")"
openssl verify -CAfile "$CERTS/rootca2.pem" -untrusted "$P1" -crl_check \
    -CRLfile "$TMP/p1.crl.pem" "$TMP/good.pem" > "$TMP/v.out" 2>&1 ||
    fail "-crl_check refused the good certificate: $(cat "$TMP/v.out")"
ok "openssl verify -crl_check / -crl_check_all: 5 revoked or suspended refused ('certificate revoked'), the good one accepted"

# A hold turned into a revocation (CP-4.9.13): same entry, new reason.
revoke_and_fetch "$S_hold" privilegeWithdrawn
[ "$(crl_reason p1 "$S_hold")" = "Privilege Withdrawn" ] ||
    fail "hold -> privilegeWithdrawn: reason '$(crl_reason p1 "$S_hold")'"
[ "$(grep -c "Serial Number: $S_hold" "$TMP/p1.crl.txt")" = 1 ] ||
    fail "the former hold is listed twice"
ok "certificateHold then privilegeWithdrawn: one entry, reason Privilege Withdrawn, CRL $N"

# A refused revocation changes nothing: same CRL, same number.
cp "$TMP/p1.crl" "$TMP/p1.before"
inkan_refuses "revoke twice" 1 "already revoked" --dir "$CA" \
    --passphrase-file "$PASS" revoke "$S_kc" --reason keyCompromise
inkan_refuses "revoke an unknown serial" 1 "0123456789ABCDEF" --dir "$CA" \
    --passphrase-file "$PASS" revoke 0123456789ABCDEF --reason keyCompromise
fetch_crl p1 "$TMP/good.pem"
cmp -s "$TMP/p1.crl" "$TMP/p1.before" ||
    fail "a refused revocation published a new CRL ($(crl_number p1) after $N)"
ok "refused revocations (already revoked, unknown serial): the CRL is unchanged, number $N"

# --- inkan crl, restart, HTTP caching -------------------------------------------------

OLD_ETAG=$(awk 'tolower($1) == "etag:" { sub(/\r$/, ""); print $2 }' "$TMP/p1.crl.h")
P_P1=$(url_path "$(http_dp "$TMP/good.pem")")
expect_code "CRL If-None-Match (current)" 304 -H "If-None-Match: $OLD_ETAG" "$U$P_P1"
inkan_ok "inkan crl" --dir "$CA" --passphrase-file "$PASS" crl
fetch_crl p1 "$TMP/good.pem"
N2=$(crl_number p1)
[ "$N2" -gt "$N" ] || fail "inkan crl: CRL Number $N2 after $N"
N=$N2
check_crl p1 "$P1"
[ "$(grep -c '^    Serial Number: ' "$TMP/p1.crl.txt")" = 5 ] ||
    fail "inkan crl: $(grep -c '^    Serial Number: ' "$TMP/p1.crl.txt") entries, expected 5"
expect_code "CRL If-None-Match (old)" 200 -H "If-None-Match: $OLD_ETAG" "$U$P_P1"
cmp -s "$TMP/b" "$TMP/p1.crl" || fail "old ETag: not the new CRL"
[ "$(header ETag)" != "$OLD_ETAG" ] || fail "a new CRL kept the old ETag"
inkan_ok "inkan crl --issuer pubca1" --dir "$CA" --passphrase-file "$PASS" \
    crl --issuer pubca1
fetch_crl p1 "$TMP/good.pem"
N2=$(crl_number p1)
[ "$N2" -gt "$N" ] || fail "inkan crl --issuer: CRL Number $N2 after $N"
N=$N2
ok "inkan crl and inkan crl --issuer: CRL Number rises each time (now $N); a new ETag, 304 only for the current one"

inkand_stop
inkand_start "$CA"
fetch_crl p1 "$TMP/good.pem"
N2=$(crl_number p1)
[ "$N2" -ge "$N" ] || fail "after an inkand restart the CRL Number went back: $N2 < $N"
check_crl p1 "$P1"
inkan_ok "inkan crl after restart" --dir "$CA" --passphrase-file "$PASS" crl
fetch_crl p1 "$TMP/good.pem"
N3=$(crl_number p1)
[ "$N3" -gt "$N2" ] || fail "after a restart: CRL Number $N3 after $N2"
N=$N3
ok "inkand restarted: CRL Number never goes back, next one $N"

# --- code signing -------------------------------------------------------------------------

fetch_crl cs "$TMP/cs.pem"
NCS=$(crl_number cs)
inkan_revoke "$S_cs" keyCompromise
fetch_crl cs "$TMP/cs.pem"
[ "$(crl_number cs)" -gt "$NCS" ] || fail "code signing: CRL Number did not rise"
check_crl cs "$TMP/cs-ca.pem"
[ "$(crl_reason cs "$S_cs")" = "Key Compromise" ] ||
    fail "code signing entry: '$(crl_reason cs "$S_cs")'"
[ "$(crl_reason p1 "$S_cs")" = absent ] || fail "code signing serial on PUB CA1's CRL"
ok "code signing (CSBR 4.9/7.2): revoked keyCompromise, on CodeSigning CA G1's CRL at once, verified"

# --- root CRLs (table 7.2-1), for the cross-certificates ----------------------------------

# Each cross-certificate's distribution point leads to its root's CRL.
for x in pubca1.rootca1:rootca1:sha1 pubca1.rootca2:rootca2:sha256 \
    pubca2.rootca2:rootca2:sha256 pubca2.rootca3:rootca3:sha384 \
    codesign-g1.rootca3:rootca3:sha384; do
	xc=${x%%:*} rest=${x#*:}
	root=${rest%%:*} dig=${rest#*:}
	fetch_crl "$xc" "$CERTS/$xc.pem"
	check_crl "$xc" "$CERTS/$root.pem"
	grep -q "Signature Algorithm: ${dig}WithRSAEncryption" "$TMP/$xc.crl.txt" ||
	    fail "$root CRL not signed with $dig (table 7.2-1)"
	for other in rootca1 rootca2 rootca3; do
		[ "$other" != "$root" ] || continue
		if openssl crl -in "$TMP/$xc.crl.pem" -noout -verify \
		    -CAfile "$CERTS/$other.pem" > "$TMP/v.out" 2>&1 &&
		    grep -q 'verify OK' "$TMP/v.out"; then
			fail "$root CRL verifies with $other"
		fi
	done
	[ "$(crl_reason "$xc" "$(serial_of "$CERTS/$xc.pem")")" = absent ] ||
	    fail "the cross-certificate $xc is on its root's CRL"
done
ok "root CRLs at the cross-certificates' distribution points: RootCA1 sha1, RootCA2 sha256, RootCA3 sha384; each verifies with its root only (openssl, GnuTLS), 96 h, lint clean; no cross-certificate listed"

# Full chains through RootCA1 and RootCA3 with -crl_check_all.
openssl verify -CAfile "$CERTS/rootca1.pem" -untrusted "$CERTS/pubca1.rootca1.pem" \
    -crl_check_all -CRLfile "$TMP/p1.crl.pem" -CRLfile "$TMP/pubca1.rootca1.crl.pem" \
    "$TMP/good.pem" > "$TMP/v.out" 2>&1 ||
    fail "good certificate via RootCA1 with CRLs: $(cat "$TMP/v.out")"
openssl verify -CAfile "$CERTS/rootca1.pem" -untrusted "$CERTS/pubca1.rootca1.pem" \
    -crl_check_all -CRLfile "$TMP/p1.crl.pem" -CRLfile "$TMP/pubca1.rootca1.crl.pem" \
    "$TMP/kc.pem" > "$TMP/v.out" 2>&1 &&
    fail "revoked certificate accepted via RootCA1"
openssl verify -CAfile "$CERTS/rootca3.pem" \
    -untrusted "$CERTS/codesign-g1.rootca3.pem" -crl_check_all \
    -CRLfile "$TMP/cs.crl.pem" -CRLfile "$TMP/codesign-g1.rootca3.crl.pem" \
    "$TMP/cs.pem" > "$TMP/v.out" 2>&1 &&
    fail "revoked code-signing certificate accepted via RootCA3"
grep -q 'certificate revoked' "$TMP/v.out" || fail "code signing: $(cat "$TMP/v.out")"
ok "openssl verify -crl_check_all via RootCA1 (good passes, revoked refused) and via RootCA3 (revoked code signing refused)"

inkand_alive "end of the CRL checks"
inkand_stop
ok "inkand stopped: exit 0, no sanitizer report"
