#!/bin/sh
# test_hierarchy: `inkan init` with the example configuration, then one
# certificate per policy (client, client --sha1, document, smime, codesign,
# client --generate-key), each chain verified by three independent
# verifiers: OpenSSL `openssl verify`, GnuTLS `certtool --verify` and NSS
# `vfychain`. Every root, every cross-certificate and every OCSP responder
# certificate is verified the same way, and the PKCS#12 of a CA-generated
# key is checked.
#
# Requirements: CP-1.1/3.2.6 (three roots cross-certifying one issuing key),
# CP-1.3.1, CP-1.2/7.1.6, CP-1.4, CP-2.1/2.2 (repository files), CP-3.2.1,
# CP-4.3.2 and CP-6.1.2 (key and PIN by separate routes), CP-4.4.2
# (subscriber certificates not published), CP-4.12/6.2.3 (no escrow),
# CP-7.1.3 (algorithms), CP-7.3 (responder certificates).
#
# Verifier notes, established against OpenSSL 3.0, GnuTLS 3.7, NSS 3.x:
# - GnuTLS: `certtool --verify --load-ca-certificate ROOT --infile CHAIN`
#   (CHAIN = leaf then intermediates, PEM) is the form that works; its
#   exit status and its "Chain verification output: Verified." line are
#   both required. --verify-purpose OID checks the EKU of every certificate
#   of the chain (EKU chaining), --verify-profile sets the key/hash floor.
# - NSS: vfychain -pp (libpkix) with the roots in an NSS database; the
#   usage numbers are vfychain's (-u 0 SSL client, 4 email signer, 5 email
#   recipient, 6 object signer, 10 OCSP responder, 11 any CA).
# - OpenSSL 3.0's `verify -purpose` has no code-signing and no
#   document-signing purpose (its list: sslclient sslserver nssslserver
#   smimesign smimeencrypt crlsign any ocsphelper timestampsign); those two
#   chains are verified without a purpose, and their EKU is checked by
#   GnuTLS (and, for code signing, NSS).

. "$(dirname "$0")/lib.sh"
setup
need certtool vfychain certutil od

CA=$TMP/ca
SUB=$TMP/sub
mkdir -p "$SUB"
CONF=$EXAMPLE_CONF
REPO=$CA/repository/certs
BASE=$(conf_get "$CONF" ca base_url)

init_ca "$CA"

ROOTS=$(conf_sections "$CONF" root)
ISSUING=$(conf_sections "$CONF" issuing)

# repo_path URL: where a repository URL's file lives under DIR/repository.
repo_path() {
	case $1 in
	"$BASE"/repository/*) echo "$CA/repository/${1#"$BASE"/repository/}" ;;
	*) fail "URL $1 is not under $BASE/repository/" ;;
	esac
}

# digest_of_root ROOT: the root's configured digest.
digest_of_root() {
	conf_get "$CONF" "root:$1" digest
}

# --- CP-2.1/2.2: the repository holds every CA certificate ----------------
for r in $ROOTS; do
	[ -s "$REPO/$r.pem" ] && [ -s "$REPO/$r.cer" ] ||
	    fail "root $r: $REPO/$r.pem/.cer missing"
	[ "$(fingerprint "$REPO/$r.pem")" = "$(fingerprint "$REPO/$r.cer")" ] ||
	    fail "root $r: .pem and .cer differ"
	url=$(conf_get "$CONF" "root:$r" ca_issuers_url)
	pub=$(repo_path "$url")
	[ "$(fingerprint "$pub")" = "$(fingerprint "$REPO/$r.pem")" ] ||
	    fail "root $r: $url ($pub) is not the root certificate"
	ok "root $r published in certs/ and at its caIssuers URL"
done
for i in $ISSUING; do
	for r in $(conf_get "$CONF" "issuing:$i" roots); do
		[ -s "$REPO/$i.$r.pem" ] && [ -s "$REPO/$i.$r.cer" ] ||
		    fail "CA $i: cross-certificate by $r missing"
	done
	[ -s "$CA/ocsp/$i-ocsp.pem" ] || fail "CA $i: no OCSP responder certificate"
	url=$(conf_get "$CONF" "issuing:$i" ca_issuers_url)
	[ -s "$(repo_path "$url")" ] || fail "CA $i: nothing at its caIssuers URL $url"
	ok "CA $i: cross-certificates, responder and caIssuers file present"
done

# CP-1.1 / 3.2.6: every cross-certificate of an issuing CA certifies the
# same subject and the same key.
for i in $ISSUING; do
	first=
	for r in $(conf_get "$CONF" "issuing:$i" roots); do
		id="$(cert_dn "$REPO/$i.$r.pem" subject) $(ski_computed "$REPO/$i.$r.pem")"
		[ -z "$first" ] && first=$id
		[ "$id" = "$first" ] || fail "CA $i: cross-certificate by $r certifies another name or key"
	done
	ok "CA $i: one subject and one key under $(conf_get "$CONF" "issuing:$i" roots | wc -w) root(s)"
done

# --- NSS database trusting the roots ---------------------------------------
NSSDB=$TMP/nssdb
set --
for r in $ROOTS; do
	set -- "$@" "$REPO/$r.pem"
done
nss_init "$NSSDB" "$@"

# --- roots ------------------------------------------------------------------
for r in $ROOTS; do
	root=$REPO/$r.pem
	verify_openssl "root $r" "$root" - "$root" -check_ss_sig
	if [ "$(digest_of_root "$r")" = sha1 ]; then
		# GnuTLS counts SHA-1 certificate signatures as broken.
		verify_gnutls "root $r" "$root" "--verify-allow-broken" "$root"
	else
		verify_gnutls "root $r" "$root" "--verify-profile medium" "$root"
	fi
	verify_nss "root $r" "$NSSDB" 11 "$root"
done

# --- cross-certificates: every issuing CA under each of its roots ------------
# A SHA-1-signed cross-certificate (root digest sha1, table 7.1-1):
# - OpenSSL: `openssl verify` applies no security level by default and
#   accepts it; at -auth_level 1 (the default level of OpenSSL 3 TLS
#   contexts) SHA-1 counts as 63 bits and is refused ("digest algorithm too
#   weak"), so a TLS peer on OpenSSL 3 defaults rejects the sha1 chain.
# - GnuTLS refuses it ("insecure algorithm") unless --verify-allow-broken,
#   and then only with --verify-profile low.
# - NSS (no crypto policy forbidding SHA-1 here) accepts it.
# Both refusals are asserted so that a change in the verifiers shows up.
cross_verify() {	# WHAT ROOTNAME LEAF [INTERMEDIATE]
	_cv_what=$1 _cv_r=$2 _cv_leaf=$3 _cv_inter=${4:--}
	_cv_root=$REPO/$_cv_r.pem
	if [ "$(digest_of_root "$_cv_r")" = sha1 ]; then
		_cv_g="--verify-allow-broken --verify-profile low"
	else
		_cv_g="--verify-profile medium"
	fi
	verify_openssl "$_cv_what" "$_cv_root" "$_cv_inter" "$_cv_leaf"
	if [ "$_cv_inter" = - ]; then
		verify_gnutls "$_cv_what" "$_cv_root" "$_cv_g" "$_cv_leaf"
	else
		verify_gnutls "$_cv_what" "$_cv_root" "$_cv_g" "$_cv_leaf" "$_cv_inter"
	fi
}

sha1_refusals() {	# WHAT ROOT LEAF [INTERMEDIATE]
	_sr_inter=${4:-}
	if [ -n "$_sr_inter" ]; then
		set -- "$1" "$2" "$3" -untrusted "$_sr_inter"
	fi
	_sr_what=$1 _sr_root=$2 _sr_leaf=$3
	shift 3
	if openssl verify -auth_level 1 -CAfile "$_sr_root" "$@" "$_sr_leaf" \
	    > "$TMP/v.out" 2>&1; then
		fail "$_sr_what: OpenSSL at -auth_level 1 accepted a SHA-1 chain"
	fi
	grep -q 'digest algorithm too weak' "$TMP/v.out" ||
	    fail "$_sr_what: OpenSSL -auth_level 1 refused, but not for SHA-1: $(cat "$TMP/v.out")"
	ok "$_sr_what: OpenSSL at security level 1 refuses the SHA-1 signature (documented)"
	if [ -n "$_sr_inter" ]; then
		gnutls_refuses "$_sr_what" "$_sr_root" "" "insecure algorithm" \
		    "$_sr_leaf" "$_sr_inter"
	else
		gnutls_refuses "$_sr_what" "$_sr_root" "" "insecure algorithm" \
		    "$_sr_leaf"
	fi
}

for i in $ISSUING; do
	for r in $(conf_get "$CONF" "issuing:$i" roots); do
		x=$REPO/$i.$r.pem
		cross_verify "CA $i by $r" "$r" "$x"
		verify_nss "CA $i by $r" "$NSSDB" 11 "$x"
		if [ "$(digest_of_root "$r")" = sha1 ]; then
			sha1_refusals "CA $i by $r" "$REPO/$r.pem" "$x"
		fi
	done
done

# --- CP-7.3: OCSP responder certificates chain to their issuing CA ---------
# GnuTLS is run without --verify-purpose here: with OCSPSigning it demands
# that EKU in the issuing CA certificates too (EKU chaining), and the CABF
# rules keep OCSPSigning out of those (a code-signing CA has codeSigning
# alone, an S/MIME CA emailProtection and clientAuth). OpenSSL
# (ocsphelper) and NSS (-u 10) check responders the way OCSP clients do:
# the responder's own EKU, issued directly by the CA.
for i in $ISSUING; do
	resp=$CA/ocsp/$i-ocsp.pem
	for r in $(conf_get "$CONF" "issuing:$i" roots); do
		x=$REPO/$i.$r.pem
		cross_verify "responder $i-ocsp via $r" "$r" "$resp" "$x"
		verify_openssl "responder $i-ocsp via $r (ocsphelper)" \
		    "$REPO/$r.pem" "$x" "$resp" -purpose ocsphelper
		verify_nss "responder $i-ocsp via $r" "$NSSDB" 10 "$resp" "$x"
	done
	[ "$(aki_of "$resp")" = "$(ski_of "$REPO/$i.$(conf_get "$CONF" "issuing:$i" roots | awk '{ print $1 }').pem")" ] ||
	    fail "responder $i-ocsp: not issued by $i's key (AKI)"
	ok "responder $i-ocsp: AKI is $i's key"
done

# --- subscriber certificates ------------------------------------------------
snapshot "$CA/repository" "$CA/ocsp" "$CA/keys" > "$TMP/before-issue"

make_csr "$SUB/client" 2048
make_csr "$SUB/document" 2048
make_csr "$SUB/smime" 2048
make_csr "$SUB/codesign" 3072

issue() {	# NAME ARGS...: issue into $SUB/NAME.pem and NAME-chain.pem
	_n=$1
	shift
	inkan_ok "issue $_n" --dir "$CA" --passphrase-file "$PASS" issue \
	    --out "$SUB/$_n.pem" --chain-out "$SUB/$_n-chain.pem" "$@"
	[ -s "$SUB/$_n.pem" ] || fail "issue $_n: no certificate written"
	ok "issued $_n"
}

issue client --policy client --csr "$SUB/client.csr" \
    --subject "/C=JP/O=Example Corp/OU=Sales/CN=Taro Yamada" \
    --email taro@example.jp --upn taro@example.jp
issue client-sha1 --policy client --sha1 --csr "$SUB/client.csr" \
    --subject "/C=JP/O=Example Corp/OU=Sales/CN=Taro Yamada"
issue document --policy document --csr "$SUB/document.csr" \
    --subject "/C=JP/O=Example Corp/CN=Hanako Sato"
issue smime --policy smime --csr "$SUB/smime.csr" \
    --subject "/CN=taro@example.jp" --email taro@example.jp
issue codesign --policy codesign --csr "$SUB/codesign.csr" \
    --subject "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp"
issue generated --policy client --generate-key \
    --subject "/C=JP/O=Example Corp/CN=Jiro Suzuki" \
    --p12 "$SUB/generated.p12" --pin-out "$SUB/generated.pin"

# CP-4.4.2: subscriber certificates are not published; CP-4.12/6.2.3: no
# key of a subscriber lands in the CA's key folder.
snapshot "$CA/repository" "$CA/ocsp" "$CA/keys" > "$TMP/after-issue"
cmp -s "$TMP/before-issue" "$TMP/after-issue" || {
	diff "$TMP/before-issue" "$TMP/after-issue" >&2 || :
	fail "issuance changed the repository, responder or key folders"
}
ok "CP-4.4.2: issuance published nothing and added no key file"

# chain_of NAME: checks NAME-chain.pem (intermediate, root) against the
# repository; sets CH_INTER, CH_ROOT (files) and CH_ROOTNAME.
chain_of() {
	_n=$1
	[ "$(pem_split "$SUB/$_n-chain.pem" "$SUB/$_n-chain-")" = 2 ] ||
	    fail "$_n: --chain-out does not hold exactly intermediate and root"
	CH_INTER=$SUB/$_n-chain-1.pem CH_ROOT=$SUB/$_n-chain-2.pem CH_ROOTNAME=
	for _r in $ROOTS; do
		[ "$(fingerprint "$CH_ROOT")" = "$(fingerprint "$REPO/$_r.pem")" ] &&
		    CH_ROOTNAME=$_r
	done
	[ -n "$CH_ROOTNAME" ] || fail "$_n: the chain's last certificate is no root of the hierarchy"
	_found=
	for _f in "$REPO"/*."$CH_ROOTNAME".pem; do
		[ "$(fingerprint "$_f")" = "$(fingerprint "$CH_INTER")" ] && _found=$_f
	done
	[ -n "$_found" ] || fail "$_n: the chain's intermediate is not a published cross-certificate"
	[ "$(cert_dn "$CH_INTER" subject)" = "$(cert_dn "$SUB/$_n.pem" issuer)" ] ||
	    fail "$_n: the chain's intermediate is not the issuer"
	ok "$_n: --chain-out is $(basename "$_found" .pem) then $CH_ROOTNAME"
}

# issuer_of POLICY: the issuing CA of a policy.
issuer_of() {
	conf_get "$CONF" "policy:$1" issuer
}

# all_paths NAME POLICY: verifies NAME.pem under every root that
# cross-certifies its issuer, with OpenSSL and GnuTLS (no purpose) and NSS
# (the usage given in NSS_USAGE, or the CA only when it is empty).
all_paths() {
	_ap_n=$1 _ap_i=$(issuer_of "$2")
	for _ap_r in $(conf_get "$CONF" "issuing:$_ap_i" roots); do
		cross_verify "$_ap_n via $_ap_r" "$_ap_r" "$SUB/$_ap_n.pem" \
		    "$REPO/$_ap_i.$_ap_r.pem"
		if [ -n "$NSS_USAGE" ]; then
			verify_nss "$_ap_n via $_ap_r" "$NSSDB" "$NSS_USAGE" \
			    "$SUB/$_ap_n.pem" "$REPO/$_ap_i.$_ap_r.pem"
		fi
	done
}

# --- client (CP-1.4: client authentication) ---
for n in client generated; do
	chain_of $n
	[ "$(digest_of_root "$CH_ROOTNAME")" != sha1 ] ||
	    fail "$n: a sha256 certificate was given the sha1 chain"
	verify_openssl "$n" "$CH_ROOT" "$CH_INTER" "$SUB/$n.pem" -purpose sslclient
	verify_gnutls "$n" "$CH_ROOT" \
	    "--verify-profile medium --verify-purpose 1.3.6.1.5.5.7.3.2" \
	    "$SUB/$n.pem" "$CH_INTER"
	verify_nss "$n" "$NSSDB" 0 "$SUB/$n.pem" "$CH_INTER"
	NSS_USAGE=0 all_paths $n client
done

# Negative control: the same client certificate with one byte of its
# signature changed must be refused by all three, or the checks above
# prove nothing.
chain_of client
cert_der "$SUB/client.pem" > "$TMP/tampered.der"
size=$(wc -c < "$TMP/tampered.der")
flip_byte "$TMP/tampered.der" $((size - 8))
openssl x509 -inform DER -in "$TMP/tampered.der" -out "$TMP/tampered.pem"
if openssl verify -CAfile "$CH_ROOT" -untrusted "$CH_INTER" "$TMP/tampered.pem" \
    > /dev/null 2>&1; then
	fail "negative control: openssl verify accepts a tampered signature"
fi
gnutls_refuses "negative control" "$CH_ROOT" "--verify-profile medium" \
    "NOT trusted" "$TMP/tampered.pem" "$CH_INTER"
vfychain -d "sql:$NSSDB" -pp -u 0 -a "$TMP/tampered.pem" -a "$CH_INTER" \
    > "$TMP/v.out" 2>&1 || :
grep -q 'Chain is bad' "$TMP/v.out" ||
    fail "negative control: NSS vfychain accepts a tampered signature"
ok "negative control: a tampered client certificate is refused by OpenSSL, GnuTLS and NSS"

# --- client --sha1 (table 7.1-4, legacy): the chain must be sha1 throughout
n=client-sha1
chain_of $n
[ "$(digest_of_root "$CH_ROOTNAME")" = sha1 ] ||
    fail "$n: the legacy certificate's chain does not end at the sha1 root"
verify_openssl "$n" "$CH_ROOT" "$CH_INTER" "$SUB/$n.pem" -purpose sslclient
verify_gnutls "$n" "$CH_ROOT" \
    "--verify-allow-broken --verify-profile low --verify-purpose 1.3.6.1.5.5.7.3.2" \
    "$SUB/$n.pem" "$CH_INTER"
verify_nss "$n" "$NSSDB" 0 "$SUB/$n.pem" "$CH_INTER"
sha1_refusals "$n" "$CH_ROOT" "$SUB/$n.pem" "$CH_INTER"

# --- document (data signing: Adobe and Microsoft document-signing EKUs) ---
# NSS knows no usage for these EKUs and checks the EKU before the
# signature (a corrupted signature still yields -8101), so it cannot
# validate a document-signing leaf: its leg covers the document chain's CA
# certificate (-u 11, above and here) only. GnuTLS checks both EKUs.
n=document
chain_of $n
verify_openssl "$n" "$CH_ROOT" "$CH_INTER" "$SUB/$n.pem" -purpose any
verify_gnutls "$n" "$CH_ROOT" \
    "--verify-profile medium --verify-purpose 1.2.840.113583.1.1.5" \
    "$SUB/$n.pem" "$CH_INTER"
verify_gnutls "$n" "$CH_ROOT" \
    "--verify-profile medium --verify-purpose 1.3.6.1.4.1.311.10.3.12" \
    "$SUB/$n.pem" "$CH_INTER"
verify_nss "$n (its CA certificate; NSS has no document-signing usage)" \
    "$NSSDB" 11 "$CH_INTER"
NSS_USAGE="" all_paths $n document

# --- smime (S/MIME strict, SBR) ---
n=smime
chain_of $n
verify_openssl "$n" "$CH_ROOT" "$CH_INTER" "$SUB/$n.pem" -purpose smimesign \
    -verify_email taro@example.jp
verify_gnutls "$n" "$CH_ROOT" \
    "--verify-profile medium --verify-purpose 1.3.6.1.5.5.7.3.4 --verify-email taro@example.jp" \
    "$SUB/$n.pem" "$CH_INTER"
verify_nss "$n (signer)" "$NSSDB" 4 "$SUB/$n.pem" "$CH_INTER"
verify_nss "$n (recipient)" "$NSSDB" 5 "$SUB/$n.pem" "$CH_INTER"
NSS_USAGE=4 all_paths $n smime

# --- codesign (CSBR): GnuTLS at profile high (128-bit: RSA >= 3072) ---
n=codesign
chain_of $n
verify_openssl "$n" "$CH_ROOT" "$CH_INTER" "$SUB/$n.pem"
verify_gnutls "$n" "$CH_ROOT" \
    "--verify-profile high --verify-purpose 1.3.6.1.5.5.7.3.3" \
    "$SUB/$n.pem" "$CH_INTER"
verify_nss "$n" "$NSSDB" 6 "$SUB/$n.pem" "$CH_INTER"
NSS_USAGE=6 all_paths $n codesign

# --- CP-6.1.2 / 4.3.2: the CA-generated key, its PKCS#12 and its PIN ------
P12=$SUB/generated.p12
PIN=$SUB/generated.pin
[ "$(file_mode "$PIN")" = 600 ] || fail "PIN file mode is $(file_mode "$PIN"), not 600"
[ "$(file_mode "$P12")" = 600 ] || fail "PKCS#12 mode is $(file_mode "$P12"), not 600"
ok "PIN file and PKCS#12 are mode 0600"
grep -Eqx '[A-Z2-9]{20}' "$PIN" || fail "PIN is not 20 characters of the PIN alphabet"
ok "PIN is a 20-character random string"
openssl pkcs12 -info -nokeys -in "$P12" -passin "file:$PIN" > "$TMP/p12.info" 2>&1 ||
    fail "openssl pkcs12 cannot open the PKCS#12 with its PIN: $(cat "$TMP/p12.info")"
ok "openssl pkcs12 -info -nokeys opens the PKCS#12 with the PIN file"
make_passphrase "$TMP/wrong.pin" "ABCDEFGHJKMNPQRSTUVW"
if openssl pkcs12 -info -nokeys -in "$P12" -passin "file:$TMP/wrong.pin" \
    > "$TMP/p12.wrong" 2>&1; then
	fail "the PKCS#12 opens with a wrong PIN"
fi
grep -qi 'mac verify' "$TMP/p12.wrong" || fail "wrong PIN: unexpected error $(cat "$TMP/p12.wrong")"
ok "a wrong PIN is refused (MAC verify error)"
openssl pkcs12 -in "$P12" -passin "file:$PIN" -clcerts -nokeys 2>/dev/null |
    openssl x509 -out "$TMP/p12-cert.pem" || fail "no certificate in the PKCS#12"
[ "$(fingerprint "$TMP/p12-cert.pem")" = "$(fingerprint "$SUB/generated.pem")" ] ||
    fail "the PKCS#12 certificate is not the one written to --out"
openssl pkcs12 -in "$P12" -passin "file:$PIN" -nocerts -nodes 2>/dev/null \
    > "$TMP/p12-key.pem" || fail "no key in the PKCS#12"
[ "$(openssl pkey -in "$TMP/p12-key.pem" -pubout | openssl dgst -sha256 -r)" = \
  "$(openssl x509 -in "$SUB/generated.pem" -noout -pubkey | openssl dgst -sha256 -r)" ] ||
    fail "the PKCS#12 key does not match the certificate"
ok "the PKCS#12 holds the issued certificate and its matching key"
[ "$(openssl pkcs12 -in "$P12" -passin "file:$PIN" -cacerts -nokeys 2>/dev/null |
    grep -c 'BEGIN CERTIFICATE')" = 2 ] || fail "the PKCS#12 lacks the CA chain"
ok "the PKCS#12 carries the two CA certificates of the chain"
grep -q 'PBES2, PBKDF2, AES-256-CBC' "$TMP/p12.info" ||
    fail "the PKCS#12 is not protected with PBES2/AES-256"
ok "the PKCS#12 uses PBES2 with AES-256-CBC"

# CP-4.12 / 6.2.3: the generated private key is nowhere in the CA folder
# (database included): look for its first prime in every file.
prime=$(openssl rsa -in "$TMP/p12-key.pem" -noout -text 2>/dev/null |
    awk '/^prime1:/ { on = 1; next } /^prime2:/ { on = 0 } on' |
    tr -d ' \n:' | sed 's/^00//')
[ ${#prime} -ge 200 ] || fail "cannot read the generated key's prime"
find "$CA" -type f > "$TMP/ca-files"
found=
while read -r f; do
	if od -An -v -tx1 "$f" | tr -d ' \n' | grep -q "$prime"; then
		found="$found $f"
	fi
done < "$TMP/ca-files"
[ -z "$found" ] || fail "CP-4.12: the generated private key is stored in:$found"
ok "CP-4.12: the generated private key is in no file of the CA directory"
