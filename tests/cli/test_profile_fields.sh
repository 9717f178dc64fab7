#!/bin/sh
# test_profile_fields: every field and extension (criticality included) of
# every kind of certificate inkan makes, compared with the CP's profile
# tables and the CABF narrowing (src/x509/profile.c):
#   7.1-1 / 7.1-2 / 7.1-3  CA certificates by root digest (CP-7.1)
#   7.1-4 / 7.1-5          subscriber certificates, sha1 / sha256 (CP-7.1)
#   7.3-1                  OCSP responder certificates (CP-7.3)
#   SBR 7.1.2.3 (S/MIME strict and multipurpose), CSBR 7.1.2.3 (code signing)
# Fields are read from the DER with `openssl asn1parse` (criticality,
# string types, raw extension values) and from `openssl x509 -ext` for the
# rendering of policies, URIs and EKUs; expected values come from the CP
# (OIDs, key usages, criticality) and from the configuration (names, URLs,
# validity), read by this script, not by inkan.
# Also: CP-3.1.5 serials, CP-4.3.1 no backdating, CP-7.1 SKI method,
# CP-7.1.8 CPS qualifier, CP-1.2/7.1.6 policy OIDs, CP-6.1.5 key sizes,
# CP-6.1.7 key usages, and that nothing requested in a CSR is copied.

. "$(dirname "$0")/lib.sh"
setup

CA=$TMP/ca
SUB=$TMP/sub
mkdir -p "$SUB"
CONF=$EXAMPLE_CONF
REPO=$CA/repository/certs
CPS=$(conf_get "$CONF" ca cps_url)
LDAP=$(conf_get "$CONF" ca ldap_url)

# OIDs of CP 1.2 / 7.1.6 and of the CABF.
OID_CLIENT=1.2.392.200091.100.381.4
OID_CLIENT_SHA1=1.2.392.200091.100.381.1
OID_DOCUMENT=1.2.392.200091.100.381.5
OID_DOCUMENT_SHA1=1.2.392.200091.100.381.2
OID_CODESIGN=1.2.392.200091.100.381.8
OID_OCSP=1.2.392.200091.100.381.9
OID_CSBR=2.23.140.1.4.1
OID_SBR_MAILBOX_MULTI=2.23.140.1.5.1.2
OID_SBR_MAILBOX_STRICT=2.23.140.1.5.1.3
OID_SBR_ORG_STRICT=2.23.140.1.5.2.3
# KeyUsage DER (BIT STRING, minimal encoding) per CP-6.1.7 combination.
KU_CA=03020106		# keyCertSign, cRLSign
KU_DS=03020780		# digitalSignature
KU_DS_KE=030205A0	# digitalSignature, keyEncipherment
KU_DS_NR=030206C0	# digitalSignature, nonRepudiation

init_ca "$CA"

ALL_CERTS=$TMP/all-certs	# every certificate checked, for serial uniqueness
: > "$ALL_CERTS"

# --- generic checks ------------------------------------------------------

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

# check_basics FILE WHAT SIGALG KEYBITS ISSUER_DN SUBJECT_DN
# Version 3, serial (CP-3.1.5), algorithms (CP-7.1.3), names with their
# string types (RFC 5280 4.1.2.4, CABF: C PrintableString, others UTF8),
# UTCTime validity, key size, SKI method (CP-7.1).
check_basics() {
	_f=$1 _w=$2 _alg=$3 _bits=$4 _iss=$5 _subj=$6
	echo "$_f" >> "$ALL_CERTS"
	cert_dump "$_f" > "$TMP/d"
	openssl x509 -in "$_f" -noout -text | grep -q 'Version: 3 (0x2)' ||
	    fail "$_w: not X.509 version 3"
	# shellcheck disable=SC2046 # split into fields on purpose
	set -- $(awk '$1 == "serial" { print $2, $3 }' "$TMP/d")
	_len=$1 _ser=$2
	case $_ser in
	-*) fail "$_w: negative serial $_ser" ;;
	[89A-F]*) fail "$_w: serial $_ser has the sign bit set" ;;
	esac
	[ "$_len" -le 20 ] || fail "$_w: serial of $_len octets (RFC 5280 4.1.2.2: at most 20)"
	# >= 64 CSPRNG bits need at least 9 octets once the sign is positive.
	[ "$_len" -ge 9 ] || fail "$_w: serial of $_len octets cannot hold 64 random bits (CP-3.1.5)"
	[ "$(printf '%s' "$_ser" | tr -d 0)" != "" ] || fail "$_w: zero serial"
	expect "$_w: TBS signature" "$(awk '$1 == "tbsalg"' "$TMP/d")" "tbsalg $_alg NULL"
	expect "$_w: signatureAlgorithm" "$(awk '$1 == "sigalg"' "$TMP/d")" "sigalg $_alg NULL"
	expect "$_w: key algorithm" "$(awk '$1 == "spki"' "$TMP/d")" "spki rsaEncryption NULL"
	expect "$_w: key size" "$(cert_key_bits "$_f")" "$_bits"
	expect "$_w: issuer" "$(cert_dn "$_f" issuer)" "$_iss"
	expect "$_w: subject" "$(cert_dn "$_f" subject)" "$_subj"
	# countryName and serialNumber are PrintableString (X.520, RFC 5280
	# Appendix A); organizationIdentifier PrintableString or UTF8String
	# (SBR 7.1.4.2.2); the others UTF8String (RFC 5280 4.1.2.6).
	awk '($1 == "issuer" || $1 == "subject") {
		want = $2 == "countryName" ? "PRINTABLESTRING" : \
		    $2 == "serialNumber" ? "PRINTABLESTRING" : "UTF8STRING"
		if ($2 == "organizationIdentifier" && $3 == "PRINTABLESTRING")
			want = $3
		if ($3 != want) { print $1, $2, $3, "want", want; bad = 1 }
	} END { exit bad }' "$TMP/d" > "$TMP/types" ||
	    fail "$_w: attribute string types: $(cat "$TMP/types")"
	[ "$(awk '$1 == "time" && $3 == "UTCTIME"' "$TMP/d" | wc -l)" = 2 ] ||
	    fail "$_w: validity not in UTCTime (RFC 5280 4.1.2.5: before 2050)"
	expect "$_w: SKI = SHA-1 of the subjectPublicKey" "$(ski_of "$_f")" \
	    "$(ski_computed "$_f")"
	ok "$_w: v3, serial, $_alg, RSA-$_bits, names and string types, SKI method"
}

# check_exts FILE WHAT "key key ...": exactly these extensions; KeyUsage
# and BasicConstraints critical, every other one not (CP-7.1), criticality
# DER-encoded (no explicit FALSE).
check_exts() {
	_got=$(ext_list "$1" | awk '{ print $1 }' | LC_ALL=C sort | tr '\n' ' ')
	# shellcheck disable=SC2086 # a word list
	_want=$(printf '%s\n' $3 | LC_ALL=C sort | tr '\n' ' ')
	expect "$2: extensions" "$_got" "$_want"
	ext_list "$1" | while read -r _k _c; do
		case $_k in
		ku|bc) [ "$_c" = critical ] || fail "$2: $_k is not critical ($_c)" ;;
		*) [ "$_c" = - ] || fail "$2: $_k criticality is '$_c', want absent (non-critical)" ;;
		esac
	done
	ok "$2: extensions {$3}; only KeyUsage/BasicConstraints critical"
}

# check_aki FILE WHAT ISSUER_CERT: AKI holds only the keyIdentifier, equal
# to the issuer's SKI (and to the SKI computed from the issuer's key).
check_aki() {
	expect "$2: AKI = issuer SKI" "$(aki_of "$1")" "$(ski_of "$3")"
	expect "$2: AKI = SHA-1 of the issuer key" "$(aki_of "$1")" "$(ski_computed "$3")"
	ok "$2: AKI is the issuer's key identifier"
}

# check_validity FILE WHAT SECONDS: notAfter - notBefore == SECONDS.
check_validity() {
	_span=$(($(cert_epoch "$1" end) - $(cert_epoch "$1" start)))
	expect "$2: notAfter - notBefore (s)" "$_span" "$3"
	ok "$2: validity $(( ($3 + 1) / 86400 )) days (inclusive, RFC 5280 4.1.2.5)"
}

# check_lint FILE WHAT PROFILE [POLICY_OID]: inkan's own linter agrees.
check_lint() {
	if [ -n "${4:-}" ]; then
		run_inkan lint --profile "$3" --policy-oid "$4" "$1"
	else
		run_inkan lint --profile "$3" "$1"
	fi
	[ "$RC" = 0 ] || fail "$2: inkan lint --profile $3 reports: $(cat "$TMP/out" "$TMP/err")"
	ok "$2: inkan lint --profile $3 is clean"
}

# ldap_crl_url ISSUER_CERT: the LDAP CRL URL of table 7.1-5, checked by
# decoding rather than by re-encoding the way inkan does: the DN part must
# decode to the issuer's RFC 4514 DN and hold only RFC 3986 path characters.
check_ldap_url() {
	_u=$1 _issuer=$2 _w=$3
	case $_u in
	"$LDAP"/*"?certificateRevocationList") ;;
	*) fail "$_w: LDAP CRL DP '$_u' is not $LDAP/<IssuerDN>?certificateRevocationList" ;;
	esac
	_dn=${_u#"$LDAP"/}
	_dn=${_dn%"?certificateRevocationList"}
	printf '%s\n' "$_dn" | grep -Eq "^([A-Za-z0-9._~!\$&'()*+,;=:@-]|%[0-9A-F]{2})+\$" ||
	    fail "$_w: LDAP DN '$_dn' has characters RFC 4516/3986 require percent-encoded"
	expect "$_w: LDAP URL DN" "$(url_decode "$_dn")" "$(dn_rfc4514 "$_issuer" subject)"
}

# --- roots (the trust anchors; not a CP table, checked for sanity) --------
for r in $(conf_sections "$CONF" root); do
	f=$REPO/$r.pem
	dn=$(conf_get "$CONF" "root:$r" subject)
	check_basics "$f" "root $r" "$(conf_get "$CONF" "root:$r" digest)WithRSAEncryption" \
	    "$(conf_get "$CONF" "root:$r" key_bits)" "$dn" "$dn"
	check_exts "$f" "root $r" "ski aki ku bc"
	expect "root $r: KeyUsage" "$(ext_hex "$f" ku)" "$KU_CA"
	expect "root $r: BasicConstraints" "$(ext_hex "$f" bc)" 30030101FF
	check_aki "$f" "root $r" "$f"
	check_validity "$f" "root $r" $(($(conf_get "$CONF" "root:$r" validity_days) * 86400 - 1))
	check_lint "$f" "root $r" root
done

# --- CA certificates: tables 7.1-1 (sha1), 7.1-2 (sha256), 7.1-3 (sha384) --
# EKUs a table allows in a CA certificate (OpenSSL names).
table_ekus() {
	case $1 in
	7.1-1) echo "TLS_Web_Client_Authentication Microsoft_Smartcard_Login" ;;
	*) echo "TLS_Web_Client_Authentication E-mail_Protection" \
	    "Microsoft_Smartcard_Login Code_Signing 1.2.840.113583.1.1.5" \
	    "1.3.6.1.4.1.311.10.3.12" ;;
	esac
}

# eku_within FILE TABLE: every EKU of the certificate is one the table lists.
eku_within() {
	_allowed=" $(table_ekus "$2") "
	for _e in $(one_line "$1" extendedKeyUsage | sed 's/, /,/g; s/ /_/g; s/,/ /g'); do
		case $_allowed in
		*" $_e "*) ;;
		*) return 1 ;;
		esac
	done
}

# ca_ext_set TABLE: the extensions a CA table lists (AIA: "set as required").
for i in $(conf_sections "$CONF" issuing); do
	ca_dn=$(conf_get "$CONF" "issuing:$i" subject)
	ca_ekus=$(conf_get "$CONF" "issuing:$i" eku)
	for r in $(conf_get "$CONF" "issuing:$i" roots); do
		f=$REPO/$i.$r.pem
		w="CA $i by $r"
		digest=$(conf_get "$CONF" "root:$r" digest)
		case $digest in
		sha1) table=7.1-1 ;;
		sha256) table=7.1-2 ;;
		sha384) table=7.1-3 ;;
		*) fail "$w: root digest $digest has no CP table" ;;
		esac
		w="$w (table $table)"
		bits=$(conf_get "$CONF" "issuing:$i" key_bits)
		if [ $table = 7.1-1 ]; then
			# Table 7.1-1: "Subject RSA Public Key (2048bit)".
			must "$w: subject key RSA-2048 as table 7.1-1 states" \
			    [ "$bits" = 2048 ]
		fi
		check_basics "$f" "$w" "${digest}WithRSAEncryption" "$bits" \
		    "$(conf_get "$CONF" "root:$r" subject)" "$ca_dn"
		aia=
		[ -n "$(conf_get "$CONF" "root:$r" ca_issuers_url)$(conf_get "$CONF" "root:$r" ocsp_url)" ] &&
		    aia=aia
		if [ $table = 7.1-1 ] && [ -n "$aia" ]; then
			# Table 7.1-1 has no Authority Information Access row.
			must "$w: no AIA extension (table 7.1-1 lists none)" \
			    [ -z "$(ext_hex "$f" aia)" ]
			aia=
			check_exts_set="ski aki crldp cp ku eku bc"
		else
			check_exts_set="ski aki crldp $aia cp ku eku bc"
		fi
		check_exts "$f" "$w" "$check_exts_set"
		expect "$w: KeyUsage" "$(ext_hex "$f" ku)" "$KU_CA"
		# CA:TRUE; pathLenConstraint 0: an issuing CA certifies no CA.
		expect "$w: BasicConstraints" "$(ext_hex "$f" bc)" 30060101FF020100
		check_aki "$f" "$w" "$REPO/$r.pem"
		expect "$w: CRL DP" "$(crldp_summary "$f")" "$(conf_get "$CONF" "root:$r" crl_url)"
		want_aia=
		u=$(conf_get "$CONF" "root:$r" ocsp_url)
		[ -n "$u" ] && want_aia="OCSP - URI:$u"
		u=$(conf_get "$CONF" "root:$r" ca_issuers_url)
		[ -n "$u" ] && want_aia="${want_aia:+$want_aia | }CA Issuers - URI:$u"
		# Table 7.1-1 has no AIA row (checked above).
		[ $table = 7.1-1 ] && want_aia=
		expect "$w: AIA" "$(aia_summary "$f")" "$want_aia"
		# Policies: the root's OID with its CPS; 2.23.140.1.4.1 for a
		# code-signing CA only (tables 7.1-2/7.1-3); the SBR reserved OIDs
		# for an S/MIME CA (SBR 7.1.2.2); nothing else.
		cps=$(cp_summary "$f")
		root_pol="$(conf_get "$CONF" "root:$r" policy_oid) cps=$(conf_get "$CONF" "root:$r" cps_url)"
		case $cps in
		"$root_pol"|"$root_pol | "*) ;;
		*) fail "$w: certificatePolicies '$cps' does not start with '$root_pol'" ;;
		esac
		rest=${cps#"$root_pol"}
		case " $ca_ekus " in
		*" codeSigning "*)
			expect "$w: policies after the root's" "$rest" " | $OID_CSBR" ;;
		*" emailProtection "*)
			case $rest in
			*"$OID_SBR_MAILBOX_STRICT"*) ;;
			*) fail "$w: S/MIME CA without $OID_SBR_MAILBOX_STRICT" ;;
			esac
			for p in $(echo "$rest" | tr -d '|'); do
				case $p in
				2.23.140.1.5.[1-4].[1-3]) ;;
				*) fail "$w: policy $p in an S/MIME CA certificate" ;;
				esac
			done ;;
		*) expect "$w: policies after the root's" "$rest" "" ;;
		esac
		ok "$w: KU, BC, AKI, CRL DP, AIA, certificatePolicies with CPS"
		# EKU: the configured ones, all listed by the table, smartcardLogon
		# with clientAuth, codeSigning alone (CP-7.1 tables, CSBR 7.1.2.2).
		ekus=$(one_line "$f" extendedKeyUsage)
		# Table 7.1-1 narrows the configured EKUs to clientAuth and
		# SmartCard Logon; 7.1-2/7.1-3 carry them all.
		want_ekus=$ca_ekus
		if [ $table = 7.1-1 ]; then
			want_ekus=
			for e in $ca_ekus; do
				case $e in clientAuth|smartcardLogon) want_ekus="$want_ekus $e" ;; esac
			done
		fi
		[ "$(echo "$ekus" | tr ',' '\n' | wc -l)" = "$(echo "$want_ekus" | wc -w)" ] ||
		    fail "$w: EKU '$ekus' is not the expected '$want_ekus'"
		case $ekus in *"Smartcard"*)
			case $ekus in *"Client Authentication"*) ;;
			*) fail "$w: smartcardLogon without clientAuth" ;; esac ;;
		esac
		case $ekus in *"Code Signing"*)
			expect "$w: codeSigning alone" "$ekus" "Code Signing" ;;
		esac
		if [ $table = 7.1-1 ]; then
			must "$w: EKU '$ekus' within table 7.1-1 (clientAuth, SmartCard Logon)" \
			    eku_within "$f" $table
		else
			eku_within "$f" $table || fail "$w: EKU '$ekus' not allowed by table $table"
			ok "$w: EKU within table $table"
		fi
		days=$(conf_get "$CONF" "issuing:$i" validity_days)
		check_validity "$f" "$w" $((days * 86400 - 1))
		check_lint "$f" "$w" "ca-$digest"
	done
done

# --- OCSP responder certificates: table 7.3-1 --------------------------------
for i in $(conf_sections "$CONF" issuing); do
	f=$CA/ocsp/$i-ocsp.pem
	w="responder $i-ocsp (table 7.3-1)"
	first_root=$(conf_get "$CONF" "issuing:$i" roots | awk '{ print $1 }')
	check_basics "$f" "$w" sha256WithRSAEncryption \
	    "$(conf_get "$CONF" "issuing:$i" responder_key_bits)" \
	    "$(conf_get "$CONF" "issuing:$i" subject)" \
	    "$(conf_get "$CONF" "issuing:$i" responder_subject)"
	check_exts "$f" "$w" "ku eku nocheck cp aki ski"
	expect "$w: KeyUsage" "$(ext_hex "$f" ku)" "$KU_DS"
	expect "$w: EKU" "$(one_line "$f" extendedKeyUsage)" "OCSP Signing"
	expect "$w: id-pkix-ocsp-nocheck is NULL" "$(ext_hex "$f" nocheck)" 0500
	expect "$w: policies" "$(cp_summary "$f")" "$OID_OCSP cps=$CPS"
	check_aki "$f" "$w" "$REPO/$i.$first_root.pem"
	nb=$(cert_epoch "$f" start)
	months=$(conf_get "$CONF" policy:ocsp validity_months)
	expect "$w: notAfter = notBefore + ${months:-4} months - 1 s" \
	    "$(cert_epoch "$f" end)" $(($(add_months "$nb" "${months:-4}") - 1))
	[ "${months:-4}" = 4 ] || fail "$w: the example configuration must say 4 months"
	ok "$w: KU digitalSignature, OCSPSigning, nocheck, .381.9 + CPS, 4 months"
	check_lint "$f" "$w" ocsp "$OID_OCSP"
done

# --- subscriber certificates: tables 7.1-5 / 7.1-4 and the CABF -------------
make_csr "$SUB/rsa2048" 2048
make_csr "$SUB/rsa3072" 3072
# A request asking for what it must not get: CA:TRUE, keyCertSign, a dNSName
# and serverAuth. From a CSR only the key is taken (STYLE: input parsing).
openssl req -new -key "$SUB/rsa2048.key" -subj "/CN=evil/O=Evil CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectAltName=DNS:evil.example,email:evil@example.com" \
    -addext "extendedKeyUsage=serverAuth" \
    -out "$SUB/greedy.csr" 2>/dev/null || fail "cannot make the greedy CSR"

T0=$(date +%s)
issue() {	# NAME ARGS...
	_n=$1
	shift
	inkan_ok "issue $_n" --dir "$CA" --passphrase-file "$PASS" issue \
	    --out "$SUB/$_n.pem" "$@"
}
S_CLIENT="/C=JP/ST=Tokyo/L=Minato-ku/O=Example Corp/OU=Sales/OU=Tokyo Office/OU=Team 1/CN=Taro Yamada/serialNumber=EMP-0001"
issue client --policy client --csr "$SUB/rsa2048.csr" --subject "$S_CLIENT" \
    --email taro@example.jp --upn taro@example.jp
issue client-sha1 --policy client --sha1 --csr "$SUB/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/CN=Taro Yamada"
issue client-sc --policy client --csr "$SUB/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/CN=Taro Yamada" \
    --eku clientAuth --eku smartcardLogon --key-usage digitalSignature
issue document --policy document --csr "$SUB/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/CN=Hanako Sato"
issue document-sha1 --policy document --sha1 --csr "$SUB/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/CN=Hanako Sato"
issue smime --policy smime --csr "$SUB/rsa2048.csr" \
    --subject "/CN=taro@example.jp" --email taro@example.jp
issue smime-org --policy smime --csr "$SUB/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/organizationIdentifier=NTRJP-1234567890123/CN=taro@example.jp" \
    --email taro@example.jp
issue smime-multi --policy smime --generation multipurpose \
    --csr "$SUB/rsa2048.csr" --subject "/CN=taro@example.jp" \
    --email taro@example.jp
issue smime-825 --policy smime --csr "$SUB/rsa2048.csr" \
    --subject "/CN=taro@example.jp" --email taro@example.jp --days 825
issue codesign --policy codesign --csr "$SUB/rsa3072.csr" \
    --subject "/C=JP/ST=Tokyo/L=Minato-ku/O=Example Corp/CN=Example Corp"
issue codesign-460 --policy codesign --csr "$SUB/rsa3072.csr" \
    --subject "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp" --days 460
issue greedy --policy client --csr "$SUB/greedy.csr" \
    --subject "/C=JP/O=Example Corp/CN=Greedy Requester"
issue generated --policy client --generate-key \
    --subject "/C=JP/O=Example Corp/CN=Jiro Suzuki" \
    --p12 "$SUB/generated.p12" --pin-out "$SUB/generated.pin"
T1=$(date +%s)

# issuing CA certificate of a policy, as published (its SKI is the key's).
ca_cert_of() {
	_i=$(conf_get "$CONF" "policy:$1" issuer)
	echo "$REPO/$_i.$(conf_get "$CONF" "issuing:$_i" roots | awk '{ print $1 }').pem"
}

# check_sub NAME POLICY TABLE SIGALG BITS SUBJECT EXTS KU_HEX EKU CP SAN DAYS PROFILE OID
check_sub() {
	_n=$1 _pol=$2 _table=$3
	_f=$SUB/$_n.pem _w="$_n (table $_table)"
	_ca=$(ca_cert_of "$_pol")
	_i=$(conf_get "$CONF" "policy:$_pol" issuer)
	check_basics "$_f" "$_w" "$4" "$5" "$(cert_dn "$_ca" subject)" "$6"
	check_exts "$_f" "$_w" "$7"
	check_aki "$_f" "$_w" "$_ca"
	expect "$_w: KeyUsage" "$(ext_hex "$_f" ku)" "$8"
	expect "$_w: EKU" "$(one_line "$_f" extendedKeyUsage)" "$9"
	expect "$_w: certificatePolicies" "$(cp_summary "$_f")" "${10}"
	expect "$_w: subjectAltName" "$(one_line "$_f" subjectAltName)" "${11}"
	[ -z "$(ext_hex "$_f" bc)" ] || fail "$_w: BasicConstraints in a subscriber certificate"
	# CRL DP: HTTP always; LDAP beside it for client/document (table
	# 7.1-5), never for S/MIME (SBR 7.1.2.3(b)) and code signing (CSBR).
	_crl=$(crldp_summary "$_f")
	_http=$(conf_get "$CONF" "issuing:$_i" crl_url)
	case $_pol in
	client|document)
		expect "$_w: CRL DP (HTTP)" "${_crl%% *}" "$_http"
		check_ldap_url "${_crl#* }" "$_ca" "$_w" ;;
	*)
		expect "$_w: CRL DP (HTTP only)" "$_crl" "$_http" ;;
	esac
	if [ "$_table" = 7.1-4 ]; then
		expect "$_w: AIA (none in table 7.1-4)" "$(aia_summary "$_f")" ""
	else
		expect "$_w: AIA" "$(aia_summary "$_f")" \
		    "OCSP - URI:$(conf_get "$CONF" "issuing:$_i" ocsp_url) | CA Issuers - URI:$(conf_get "$CONF" "issuing:$_i" ca_issuers_url)"
	fi
	check_validity "$_f" "$_w" $((${12} * 86400 - 1))
	# CP-4.3.1: notBefore is the time of issuance, never backdated.
	_nb=$(cert_epoch "$_f" start)
	[ "$_nb" -ge "$T0" ] && [ "$_nb" -le "$T1" ] ||
	    fail "$_w: notBefore $_nb is outside the issuance window $T0..$T1"
	ok "$_w: KU, EKU, policies+CPS, SAN, CRL DP, AIA, AKI, not backdated"
	check_lint "$_f" "$_w" "${13}" "${14}"
}

SUB_EXTS="aki ski ku cp eku crldp aia"
days=$(conf_get "$CONF" policy:client validity_days)
check_sub client client 7.1-5 sha256WithRSAEncryption 2048 "$S_CLIENT" \
    "$SUB_EXTS san" $KU_DS_KE "TLS Web Client Authentication" \
    "$OID_CLIENT cps=$CPS" "email:taro@example.jp, othername: UPN::taro@example.jp" \
    "$days" client $OID_CLIENT
# The UPN otherName is a UTF8String (MS-WCCE), the mailbox an IA5String.
san=$(ext_hex "$SUB/client.pem" san)
case $san in
*810F7461726F406578616D706C652E6A70*060A2B060104018237140203A0110C0F7461726F406578616D706C652E6A70*) ;;
*) fail "client: SAN is not rfc822Name + UPN UTF8String: $san" ;;
esac
ok "client: rfc822Name IA5String and UPN otherName UTF8String"

check_sub client-sc client 7.1-5 sha256WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/CN=Taro Yamada" "$SUB_EXTS" $KU_DS \
    "TLS Web Client Authentication, Microsoft Smartcard Login" \
    "$OID_CLIENT cps=$CPS" "" "$days" client $OID_CLIENT
check_sub generated client 7.1-5 sha256WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/CN=Jiro Suzuki" "$SUB_EXTS" $KU_DS_KE \
    "TLS Web Client Authentication" "$OID_CLIENT cps=$CPS" "" "$days" client $OID_CLIENT

# Nothing of the CSR but its key: no CA:TRUE, no keyCertSign, no SAN, no
# serverAuth, the subject from --subject.
check_sub greedy client 7.1-5 sha256WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/CN=Greedy Requester" "$SUB_EXTS" $KU_DS_KE \
    "TLS Web Client Authentication" "$OID_CLIENT cps=$CPS" "" "$days" client $OID_CLIENT
ok "greedy CSR: none of its requested extensions or its subject was copied"

# Table 7.1-4 (sha1) has no AIA row: its certificates carry exactly AKI,
# SKI, KU, CP, (SAN), EKU, CRL DP (and optionally Netscape cert type).
for n in client-sha1 document-sha1; do
	must "$n: no AIA extension (table 7.1-4 lists none)" \
	    [ -z "$(ext_hex "$SUB/$n.pem" aia)" ]
done
SUB_EXTS_SHA1="aki ski ku cp eku crldp"
check_sub client-sha1 client 7.1-4 sha1WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/CN=Taro Yamada" "$SUB_EXTS_SHA1" $KU_DS_KE \
    "TLS Web Client Authentication" "$OID_CLIENT_SHA1 cps=$CPS" "" "$days" \
    client-sha1 $OID_CLIENT_SHA1

days=$(conf_get "$CONF" policy:document validity_days)
check_sub document document 7.1-5 sha256WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/CN=Hanako Sato" "$SUB_EXTS" $KU_DS_NR \
    "1.2.840.113583.1.1.5, 1.3.6.1.4.1.311.10.3.12" "$OID_DOCUMENT cps=$CPS" "" \
    "$days" document $OID_DOCUMENT
check_sub document-sha1 document 7.1-4 sha1WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/CN=Hanako Sato" "$SUB_EXTS_SHA1" $KU_DS_NR \
    "1.2.840.113583.1.1.5, 1.3.6.1.4.1.311.10.3.12" "$OID_DOCUMENT_SHA1 cps=$CPS" "" \
    "$days" document-sha1 $OID_DOCUMENT_SHA1

# S/MIME (SBR 7.1.2.3): emailProtection (strict) or + clientAuth
# (multipurpose), the CP's client policy plus exactly one SBR reserved
# policy of the type and generation, rfc822Name required, HTTP CRL only.
days=$(conf_get "$CONF" policy:smime validity_days)
check_sub smime smime 7.1-5 sha256WithRSAEncryption 2048 "/CN=taro@example.jp" \
    "$SUB_EXTS san" $KU_DS_KE "E-mail Protection" \
    "$OID_CLIENT cps=$CPS | $OID_SBR_MAILBOX_STRICT" "email:taro@example.jp" \
    "$days" smime-strict $OID_CLIENT
check_sub smime-org smime 7.1-5 sha256WithRSAEncryption 2048 \
    "/C=JP/O=Example Corp/organizationIdentifier=NTRJP-1234567890123/CN=taro@example.jp" \
    "$SUB_EXTS san" $KU_DS_KE "E-mail Protection" \
    "$OID_CLIENT cps=$CPS | $OID_SBR_ORG_STRICT" "email:taro@example.jp" \
    "$days" smime-strict $OID_CLIENT
check_sub smime-multi smime 7.1-5 sha256WithRSAEncryption 2048 "/CN=taro@example.jp" \
    "$SUB_EXTS san" $KU_DS_KE "E-mail Protection, TLS Web Client Authentication" \
    "$OID_CLIENT cps=$CPS | $OID_SBR_MAILBOX_MULTI" "email:taro@example.jp" \
    "$days" smime-multipurpose $OID_CLIENT
# SBR 6.3.2: 825 days at most; 825 itself is accepted.
check_sub smime-825 smime 7.1-5 sha256WithRSAEncryption 2048 "/CN=taro@example.jp" \
    "$SUB_EXTS san" $KU_DS_KE "E-mail Protection" \
    "$OID_CLIENT cps=$CPS | $OID_SBR_MAILBOX_STRICT" "email:taro@example.jp" \
    825 smime-strict $OID_CLIENT

# Code signing (CSBR 7.1.2.3, CP-7.1): digitalSignature alone, codeSigning
# alone, .381.8 + 2.23.140.1.4.1, no SAN, no OU, HTTP CRL, OCSP + caIssuers,
# RSA 3072/4096 (CSBR 6.1.5), at most 460 days (CSBR 6.3.2).
days=$(conf_get "$CONF" policy:codesign validity_days)
check_sub codesign codesign 7.1-5 sha256WithRSAEncryption 3072 \
    "/C=JP/ST=Tokyo/L=Minato-ku/O=Example Corp/CN=Example Corp" "$SUB_EXTS" $KU_DS \
    "Code Signing" "$OID_CODESIGN cps=$CPS | $OID_CSBR" "" "$days" codesign $OID_CODESIGN
check_sub codesign-460 codesign 7.1-5 sha256WithRSAEncryption 3072 \
    "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp" "$SUB_EXTS" $KU_DS \
    "Code Signing" "$OID_CODESIGN cps=$CPS | $OID_CSBR" "" 460 codesign $OID_CODESIGN

# --- CP-3.1.5: serials are unique across everything made --------------------
while read -r f; do
	field "$f" serial | awk '{ print $2 }'
done < "$ALL_CERTS" > "$TMP/serials"
n=$(wc -l < "$TMP/serials")
[ "$n" -ge 20 ] || fail "only $n serials collected"
dups=$(LC_ALL=C sort "$TMP/serials" | uniq -d)
[ -z "$dups" ] || fail "CP-3.1.5: serial numbers repeat: $dups"
# With >= 64 random bits, no two of them share their first 8 octets.
dups=$(cut -c1-16 "$TMP/serials" | LC_ALL=C sort | uniq -d)
[ -z "$dups" ] || fail "CP-3.1.5: serials share their leading 64 bits: $dups"
ok "CP-3.1.5: $n serial numbers, all distinct, no shared leading 64 bits"
