# Shared helpers of the tests/cli/test_*.sh integration tests (sourced).
#
# ctest runs each test as `sh FILE` with INKAN (the binary),
# INKAN_SOURCE_DIR, INKAN_BUILD_DIR and INKAN_TEST_DATA set. By hand:
#   INKAN=build/inkan sh tests/cli/test_hierarchy.sh
# INKAN_KEEP_TMP=1 keeps the scratch directory for a post-mortem.
# INKAN_TEST_STRICT=1 turns the known inkan bugs (see xfail) into failures.
#
# The helpers only use POSIX sh, awk, sed, grep, GNU date and the
# verifiers named in the scripts; they never assert that stderr is empty,
# so the same scripts run against an ASan/UBSan build.

set -eu

CLI_TEST=$(basename "$0" .sh)
CLI_DIR=$(cd "$(dirname "$0")" && pwd)
INKAN_SOURCE_DIR=${INKAN_SOURCE_DIR:-$(cd "$CLI_DIR/../.." && pwd)}
INKAN_BUILD_DIR=${INKAN_BUILD_DIR:-$INKAN_SOURCE_DIR/build}
INKAN=${INKAN:-$INKAN_BUILD_DIR/inkan}
INKAN_TEST_DATA=${INKAN_TEST_DATA:-$INKAN_SOURCE_DIR/tests/data}
# shellcheck disable=SC2034 # used by the test scripts
CLI_DATA=$INKAN_TEST_DATA/cli
EXAMPLE_CONF=$INKAN_SOURCE_DIR/etc/inkan.conf.example
# The verifiers print in English; never let a locale change that.
LC_ALL=C
export LC_ALL
unset INKAN_DIR INKAN_PASSPHRASE_FILE || :

CLI_START=$(date +%s)
CLI_CHECKS=0
CLI_XFAILS=0
TMP=
CLI_EXTRA_DIRS=	# more scratch directories to remove on exit

# --- reporting ------------------------------------------------------------

fail() {
	printf 'FAIL: %s: %s\n' "$CLI_TEST" "$*" >&2
	exit 1
}

ok() {
	CLI_CHECKS=$((CLI_CHECKS + 1))
	printf 'ok %d - %s\n' "$CLI_CHECKS" "$*"
}

note() {
	printf '# %s\n' "$*"
}

# xfail ID DESCRIPTION COMMAND...: a check that a known inkan bug makes
# fail. It must fail today: a failure is reported as XFAIL and tolerated
# (unless INKAN_TEST_STRICT=1); a pass is an XPASS and fails the test, so
# that whoever fixes the bug also removes the marker.
xfail() {
	_xf_id=$1 _xf_what=$2
	shift 2
	if "$@"; then
		fail "XPASS $_xf_id: '$_xf_what' now holds; the bug seems fixed: remove the xfail marker"
	fi
	if [ "${INKAN_TEST_STRICT:-0}" = 1 ]; then
		fail "known inkan bug $_xf_id: $_xf_what"
	fi
	CLI_XFAILS=$((CLI_XFAILS + 1))
	printf 'XFAIL %s - %s (known inkan bug, see tests/cli/README.md)\n' \
	    "$_xf_id" "$_xf_what"
}

# must DESCRIPTION COMMAND...: a check that must hold (a fixed bug's
# former xfail keeps its test this way).
must() {
	_m_what=$1
	shift
	"$@" || fail "$_m_what"
	ok "$_m_what"
}

# Prints the summary line; called by the EXIT trap.
cli_finish() {
	_rc=$?
	for _x in $CLI_EXTRA_DIRS; do
		chmod -R u+rwX "$_x" 2>/dev/null || :
		rm -rf "$_x"
	done
	if [ -n "$TMP" ] && [ -d "$TMP" ]; then
		if [ "${INKAN_KEEP_TMP:-0}" = 1 ]; then
			note "scratch directory kept: $TMP"
		else
			# Key files are 0600 and directories 0700: root or not, rm works.
			chmod -R u+rwX "$TMP" 2>/dev/null || :
			rm -rf "$TMP"
		fi
	fi
	if [ "$_rc" = 0 ]; then
		printf '# %s: %d checks passed, %d known bugs, %ds\n' "$CLI_TEST" \
		    "$CLI_CHECKS" "$CLI_XFAILS" $(($(date +%s) - CLI_START))
	else
		printf '# %s: FAILED after %d checks, %ds\n' "$CLI_TEST" \
		    "$CLI_CHECKS" $(($(date +%s) - CLI_START)) >&2
	fi
	exit "$_rc"
}

# --- set-up ---------------------------------------------------------------

need() {
	for _n in "$@"; do
		command -v "$_n" >/dev/null 2>&1 ||
		    fail "needs '$_n' (scripts/install-deps.sh installs it)"
	done
}

# Makes TMP, installs the clean-up trap and the passphrase file PASS.
setup() {
	[ -x "$INKAN" ] || fail "INKAN=$INKAN is not an executable"
	need openssl awk sed grep date
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/inkan-$CLI_TEST.XXXXXX")
	trap cli_finish EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM
	PASS=$TMP/passphrase
	make_passphrase "$PASS" "correct horse battery staple $$"
	note "inkan: $INKAN; scratch: $TMP"
}

# make_passphrase FILE TEXT: a 0600 passphrase file (the CA key custodian's).
make_passphrase() {
	( umask 077 && printf '%s\n' "$2" > "$1" )
	chmod 600 "$1"
}

# run_inkan ARGS...: runs inkan, leaving stdout/stderr in $TMP/out, $TMP/err
# and the exit status in RC. Never fails by itself.
run_inkan() {
	RC=0
	"$INKAN" "$@" > "$TMP/out" 2> "$TMP/err" || RC=$?
	sanitizer_check "inkan $*" "$TMP/err"
}

# sanitizer_check WHAT FILE: under an ASan/UBSan build a report on stderr
# fails the test even when inkan's exit status was the expected one (a
# refusal that leaks or overflows is still a bug).
sanitizer_check() {
	if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$2"; then
		sed 's/^/#   stderr: /' "$2" >&2
		fail "$1: sanitizer report on stderr"
	fi
}

show_err() {
	sed 's/^/#   stderr: /' "$TMP/err" >&2
}

# inkan_ok WHAT ARGS...: inkan must succeed.
inkan_ok() {
	_what=$1
	shift
	run_inkan "$@"
	if [ "$RC" != 0 ]; then
		show_err
		fail "$_what: inkan exited $RC (expected 0): inkan $*"
	fi
}

# inkan_refuses WHAT RC PHRASE ARGS...: inkan must exit with RC ("nz": any
# non-zero status) and say PHRASE (fixed string) on stderr.
inkan_refuses() {
	_what=$1 _want=$2 _phrase=$3
	shift 3
	run_inkan "$@"
	if [ "$RC" = 0 ]; then
		fail "$_what: inkan succeeded but must refuse: inkan $*"
	fi
	if [ "$_want" != nz ] && [ "$RC" != "$_want" ]; then
		show_err
		fail "$_what: inkan exited $RC, expected $_want"
	fi
	if ! grep -qF -- "$_phrase" "$TMP/err"; then
		show_err
		fail "$_what: stderr lacks '$_phrase'"
	fi
}

# audited WHAT ERE: the audit log of $CA (inkan audit show --json, which
# opens the store read-only) has a record matching the extended regular
# expression ERE.
audited() {
	"$INKAN" --dir "$CA" audit show --json > "$TMP/audit.jsonl" \
	    2> "$TMP/audit.err" ||
	    fail "$1: inkan audit show failed: $(cat "$TMP/audit.err")"
	if ! grep -Eq -- "$2" "$TMP/audit.jsonl"; then
		tail -n 5 "$TMP/audit.jsonl" | sed 's/^/#   audit: /' >&2
		fail "$1 not audited"
	fi
}

# init_ca DIR [CONFIG]: creates a hierarchy (the expensive step: once per
# script). Uses $PASS.
init_ca() {
	_t0=$(date +%s)
	inkan_ok "init $1" --dir "$1" --passphrase-file "$PASS" init \
	    --config "${2:-$EXAMPLE_CONF}"
	note "init of $1 took $(($(date +%s) - _t0))s"
}

# make_csr OUTBASE BITS [SUBJECT]: an RSA key OUTBASE.key and a PEM CSR
# OUTBASE.csr, made by openssl as a subscriber would.
make_csr() {
	openssl req -new -newkey "rsa:$2" -nodes -keyout "$1.key" \
	    -subj "${3:-/CN=csr-subject-ignored}" -out "$1.csr" 2>/dev/null ||
	    fail "openssl req cannot make $1.csr"
}

# rows DIR: number of certificate rows `inkan list` shows.
rows() {
	"$INKAN" --dir "$1" list > "$TMP/list.out" 2> "$TMP/list.err" ||
	    fail "inkan list $1 failed: $(cat "$TMP/list.err")"
	sanitizer_check "inkan list" "$TMP/list.err"
	awk 'NR > 1 && NF > 0' "$TMP/list.out" | wc -l | tr -d ' '
}

# --- configuration (read independently of inkan) -------------------------

# conf_get FILE SECTION KEY: the value, ${base_url}/${ldap_url} expanded.
conf_get() {
	awk -v want_sec="$2" -v want_key="$3" '
	function trim(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
	/^[ \t]*[;#]/ || /^[ \t]*$/ { next }
	/^[ \t]*\[/ { sec = trim($0); sub(/^\[/, "", sec); sub(/\]$/, "", sec); next }
	{
		i = index($0, "=")
		if (i == 0) next
		v[sec SUBSEP trim(substr($0, 1, i - 1))] = trim(substr($0, i + 1))
	}
	END {
		x = v[want_sec SUBSEP want_key]
		b = v["ca" SUBSEP "base_url"]; l = v["ca" SUBSEP "ldap_url"]
		while ((i = index(x, "${base_url}")) > 0)
			x = substr(x, 1, i - 1) b substr(x, i + 11)
		while ((i = index(x, "${ldap_url}")) > 0)
			x = substr(x, 1, i - 1) l substr(x, i + 11)
		print x
	}' "$1"
}

# conf_sections FILE KIND: the NAMEs of the [KIND:NAME] sections, in order.
conf_sections() {
	sed -n "s/^[ 	]*\[$2:\([^]]*\)\][ 	]*\$/\1/p" "$1"
}

# --- certificate parsing --------------------------------------------------
# Built on `openssl asn1parse` so that criticality, string types and the
# raw extension values come from the DER itself, not from a pretty-printer.

# Every parsed form of a certificate is cached per path under
# $TMP/cache (certificates are never rewritten in place; a tampered copy
# gets a new name): OpenSSL 3 takes ~50 ms to start, and the checks would
# otherwise spend most of their time starting it.

# cert_cache FILE: prints the cache stem of FILE, creating STEM.der (the
# DER), STEM.asn1 (asn1parse), STEM.dump (cert_dump) and STEM.txt
# (openssl x509 -text) on first use.
cert_cache() {
	_stem=$TMP/cache/$(printf '%s' "$1" | tr '/ ' '__')
	if [ ! -f "$_stem.dump" ]; then
		mkdir -p "$TMP/cache"
		if grep -q -- '-----BEGIN' "$1" 2>/dev/null; then
			openssl x509 -in "$1" -outform DER -out "$_stem.der"
		else
			openssl x509 -inform DER -in "$1" -outform DER -out "$_stem.der"
		fi || fail "$1: not a certificate"
		openssl x509 -inform DER -in "$_stem.der" -noout -text \
		    > "$_stem.txt" || fail "$1: openssl x509 -text failed"
		openssl asn1parse -inform DER -in "$_stem.der" > "$_stem.asn1" ||
		    fail "$1: openssl asn1parse failed"
		cert_dump_awk "$_stem.asn1" > "$_stem.dump.tmp"
		mv "$_stem.dump.tmp" "$_stem.dump"
	fi
	printf '%s\n' "$_stem"
}

# cert_der FILE: the DER of a PEM or DER certificate on stdout.
cert_der() {
	_s=$(cert_cache "$1")
	cat "$_s.der"
}

# cert_dump FILE: one record per line, in DER order:
#   serial OCTETS HEX            (content octets of the INTEGER, value)
#   tbsalg NAME PARAMS           (PARAMS: NULL or absent)
#   issuer ATTR STRINGTYPE VALUE
#   time NAME TYPE VALUE         (NAME notBefore / notAfter)
#   subject ATTR STRINGTYPE VALUE
#   spki ALG PARAMS
#   ext KEY CRIT HEX             (KEY: aki ski ku cp san eku crldp aia bc
#                                 nocheck or the OpenSSL name; CRIT: critical,
#                                 - (absent), false (explicit DEFAULT, a DER
#                                 error) or non-DER-TRUE; HEX: extnValue)
#   sigalg NAME PARAMS
cert_dump() {
	_s=$(cert_cache "$1")
	cat "$_s.dump"
}

cert_dump_awk() {
	awk '
	function name(s) { sub(/.*prim: OBJECT +:/, "", s); return s }
	function typ(s) { sub(/.*prim: /, "", s); sub(/ *:.*/, "", s); return s }
	function len(s) { sub(/.* l= */, "", s); sub(/ .*/, "", s); return s }
	function extkey(n) {
		if (n == "X509v3 Authority Key Identifier") return "aki"
		if (n == "X509v3 Subject Key Identifier") return "ski"
		if (n == "X509v3 Key Usage") return "ku"
		if (n == "X509v3 Certificate Policies") return "cp"
		if (n == "X509v3 Subject Alternative Name") return "san"
		if (n == "X509v3 Extended Key Usage") return "eku"
		if (n == "X509v3 CRL Distribution Points") return "crldp"
		if (n == "Authority Information Access") return "aia"
		if (n == "X509v3 Basic Constraints") return "bc"
		if (n == "OCSP No Check") return "nocheck"
		gsub(/ /, "_", n); return n
	}
	function flush() { if (ek != "") print "ext", ek, crit, hex; ek = "" }
	/:d=1 / {
		d1++
		if (d1 == 2) {
			flush()
			if (!spkdone) { print "spki", spkalg, spkpar; spkdone = 1 }
			sig = 1
		}
		next
	}
	d1 == 1 && /:d=2 / {
		d2++
		if (d2 == 2 && / INTEGER /) {
			v = $0; sub(/.*INTEGER +:/, "", v); print "serial", len($0), v
		}
		next
	}
	d1 == 1 && d2 == 3 && /:d=3 / {
		if (/OBJECT/) { alg = name($0); params = "absent" }
		else if (/NULL/) params = "NULL"
		next
	}
	d1 == 1 && d2 == 4 && !tbsdone { print "tbsalg", alg, params; tbsdone = 1 }
	d1 == 1 && (d2 == 4 || d2 == 6) && /:d=5 / {
		if (/OBJECT/) { attr = name($0); next }
		v = $0; sub(/^[^:]*:[^:]*:/, "", v)
		t = typ($0); sub(/^[^:]*:/, "", v)
		print (d2 == 4 ? "issuer" : "subject"), attr, t, v
		next
	}
	d1 == 1 && d2 == 5 && /:d=3 / && /TIME/ {
		tn = (tn == "notBefore") ? "notAfter" : "notBefore"
		v = $0; sub(/.*TIME +:/, "", v)
		print "time", tn, typ($0), v
		next
	}
	d1 == 1 && d2 == 7 && /:d=4 / {
		if (/OBJECT/) { spkalg = name($0); spkpar = "absent" }
		else if (/NULL/) spkpar = "NULL"
		next
	}
	d1 == 1 && d2 == 8 && !spkdone { print "spki", spkalg, spkpar; spkdone = 1 }
	d1 == 1 && /:d=5 / && d2 >= 8 {
		if (/OBJECT/) { flush(); ek = extkey(name($0)); crit = "-"; hex = "" }
		else if (/BOOLEAN/) crit = $0 ~ /:255 *$/ ? "critical" : \
		    $0 ~ /:0 *$/ ? "false" : "non-DER-TRUE"
		else if (/OCTET STRING/) { hex = $0; sub(/.*HEX DUMP\]:/, "", hex) }
		next
	}
	sig && /:d=2 / {
		if (/OBJECT/) { salg = name($0); spar = "absent" }
		else if (/NULL/) spar = "NULL"
		next
	}
	END { flush(); print "sigalg", salg, spar }
	' "$1"
}

# field FILE KEY: the rest of the first cert_dump record with that key.
field() {
	cert_dump "$1" | awk -v k="$2" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'
}

# ext_list FILE: "key crit" of every extension, in order, one a line.
ext_list() {
	cert_dump "$1" | awk '$1 == "ext" { print $2, $3 }'
}

# ext_hex FILE KEY: the extnValue contents of extension KEY, upper-case hex.
ext_hex() {
	cert_dump "$1" | awk -v k="$2" '$1 == "ext" && $2 == k { print $4; exit }'
}

# ext_text FILE OPENSSL_EXT_NAME: OpenSSL's rendering of one extension's
# value (from `openssl x509 -text`), leading blanks removed, empty if absent.
ext_text() {
	case $2 in
	keyUsage) _h="X509v3 Key Usage" ;;
	extendedKeyUsage) _h="X509v3 Extended Key Usage" ;;
	certificatePolicies) _h="X509v3 Certificate Policies" ;;
	subjectAltName) _h="X509v3 Subject Alternative Name" ;;
	crlDistributionPoints) _h="X509v3 CRL Distribution Points" ;;
	authorityInfoAccess) _h="Authority Information Access" ;;
	basicConstraints) _h="X509v3 Basic Constraints" ;;
	noCheck) _h="OCSP No Check" ;;
	*) fail "ext_text: unknown extension name $2" ;;
	esac
	_s=$(cert_cache "$1")
	awk -v h="$_h" '
	/^            [^ ]/ {	# an extension header (12 blanks)
		on = 0
		x = $0; sub(/^ +/, "", x); sub(/: *(critical)? *$/, "", x)
		if (x == h) on = 1
		next
	}
	/^    [^ ]/ { on = 0 }	# the signature after the extensions
	on { sub(/^ +/, ""); if ($0 != "") print }' "$_s.txt"
}

# cp_summary FILE: certificatePolicies as "OID cps=URL | OID ..." (any
# other qualifier appears as other=...).
cp_summary() {
	ext_text "$1" certificatePolicies | awk '
	/^Policy: / { if (s != "") s = s " | "; s = s substr($0, 9); next }
	/^CPS: / { s = s " cps=" substr($0, 6); next }
	{ s = s " other=" $0 }
	END { print s }'
}

# crldp_summary FILE: the CRL DP URIs, space-separated (anything but
# full-name URIs appears as other=...).
crldp_summary() {
	ext_text "$1" crlDistributionPoints | awk '
	/^Full Name:$/ { next }
	/^URI:/ { s = s (s == "" ? "" : " ") substr($0, 5); next }
	{ s = s " other=" $0 }
	END { print s }'
}

# aia_summary FILE: "OCSP - URI:... | CA Issuers - URI:..." in order.
aia_summary() {
	ext_text "$1" authorityInfoAccess | awk '
	{ s = s (s == "" ? "" : " | ") $0 }
	END { print s }'
}

# one_line FILE OPENSSL_EXT_NAME: an extension's rendering on one line.
one_line() {
	ext_text "$1" "$2" | awk '{ s = s (s == "" ? "" : " ") $0 } END { print s }'
}

# url_decode STRING: %XX sequences decoded (ASCII).
url_decode() {
	printf '%s\n' "$1" | awk '
	function hexval(c) { return index("0123456789ABCDEF", toupper(c)) - 1 }
	{
		out = ""; s = $0
		while ((i = index(s, "%")) > 0) {
			out = out substr(s, 1, i - 1)
			out = out sprintf("%c", hexval(substr(s, i + 1, 1)) * 16 + \
			    hexval(substr(s, i + 2, 1)))
			s = substr(s, i + 3)
		}
		print out s
	}'
}

# dn_rfc4514 FILE subject|issuer: the DN as an RFC 4514 string (OpenSSL's
# RFC2253 output: most specific first, ',' inside values escaped).
dn_rfc4514() {
	openssl x509 -in "$1" -noout "-$2" -nameopt RFC2253 | sed 's/^[^=]*=//'
}

# add_months EPOCH N: EPOCH plus N calendar months, the day clamped to the
# target month's last day (as "4 months" in table 7.3-1 is read).
add_months() {
	# shellcheck disable=SC2046 # split into fields on purpose
	set -- $(date -u -d "@$1" '+%Y %m %d %H:%M:%S') "$2"
	_y=$1 _m=${2#0} _d=${3#0} _t=$4 _n=$5
	_m=$((_m + _n))
	while [ "$_m" -gt 12 ]; do
		_m=$((_m - 12))
		_y=$((_y + 1))
	done
	_last=$(date -u -d "$_y-$_m-01 +1 month -1 day" +%d)
	[ "$_d" -le "${_last#0}" ] || _d=${_last#0}
	date -u -d "$_y-$_m-$_d $_t" +%s
}

# cert_dn FILE subject|issuer: the DN as /C=JP/O=.../CN=... (the config's
# syntax), from the DER attributes in order.
cert_dn() {
	cert_dump "$1" | awk -v w="$2" '
	BEGIN {
		sn["countryName"] = "C"; sn["stateOrProvinceName"] = "ST"
		sn["localityName"] = "L"; sn["organizationName"] = "O"
		sn["organizationalUnitName"] = "OU"; sn["commonName"] = "CN"
		sn["serialNumber"] = "serialNumber"
		sn["organizationIdentifier"] = "organizationIdentifier"
	}
	$1 == w {
		a = ($2 in sn) ? sn[$2] : $2
		v = $0; sub(/^[^ ]+ [^ ]+ [^ ]+ /, "", v); gsub(/\//, "\\/", v)
		s = s "/" a "=" v
	}
	END { print s }'
}

# cert_epoch FILE start|end: notBefore/notAfter in seconds since the epoch
# (UTCTime YYMMDDhhmmssZ or GeneralizedTime YYYYMMDDhhmmssZ).
cert_epoch() {
	case $2 in start) _t=notBefore ;; *) _t=notAfter ;; esac
	_v=$(cert_dump "$1" | awk -v t="$_t" '$1 == "time" && $2 == t { print $4 }')
	case $_v in
	?????????????) _y=${_v%???????????}
		[ "$_y" -ge 50 ] && _v=19$_v || _v=20$_v ;;
	???????????????) ;;
	*) fail "$1: cannot read $_t '$_v'" ;;
	esac
	date -u -d "$(echo "$_v" | sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)Z$/\1-\2-\3 \4:\5:\6/')" +%s
}

# cert_key_bits FILE: the RSA modulus size.
cert_key_bits() {
	_s=$(cert_cache "$1")
	sed -n 's/.*Public-Key: (\([0-9]*\) bit).*/\1/p' "$_s.txt" | head -n 1
}

# ski_computed FILE: SHA-1 of the subjectPublicKey BIT STRING contents
# (RFC 5280 4.2.1.2 method 1), computed without inkan: the SPKI is
# re-encoded by openssl pkey and its BIT STRING extracted by asn1parse.
ski_computed() {
	_s=$(cert_cache "$1")
	if [ ! -f "$_s.ski" ]; then
		openssl x509 -inform DER -in "$_s.der" -noout -pubkey |
		    openssl pkey -pubin -outform DER -out "$_s.spki" ||
		    fail "$1: cannot extract the public key"
		_off=$(openssl asn1parse -inform DER -in "$_s.spki" |
		    awk '/:d=1 .*BIT STRING/ { sub(/:.*/, "", $1); print $1; exit }')
		[ -n "$_off" ] || fail "$1: no BIT STRING in the SPKI"
		openssl asn1parse -inform DER -in "$_s.spki" -strparse "$_off" \
		    -noout -out "$_s.keybits" || fail "$1: asn1parse -strparse"
		sha1sum "$_s.keybits" | awk '{ print toupper($1) }' > "$_s.ski"
	fi
	cat "$_s.ski"
}

# ski_of FILE: the keyIdentifier inside the certificate's SKI extension.
ski_of() {
	_h=$(ext_hex "$1" ski)
	case $_h in
	0414????????????????????????????????????????) echo "${_h#0414}" ;;
	*) echo "bad-ski:$_h" ;;
	esac
}

# aki_of FILE: the keyIdentifier of the AKI, if the AKI holds only that.
aki_of() {
	_h=$(ext_hex "$1" aki)
	case $_h in
	30168014????????????????????????????????????????) echo "${_h#30168014}" ;;
	*) echo "bad-aki:$_h" ;;
	esac
}

# fingerprint FILE: SHA-256 fingerprint of the certificate's DER.
fingerprint() {
	_s=$(cert_cache "$1")
	sha256sum "$_s.der" | awk '{ print toupper($1) }'
}

# pem_split FILE PREFIX: writes PREFIX1.pem, PREFIX2.pem... and prints the
# number of certificates.
pem_split() {
	awk -v p="$2" '
	/-----BEGIN CERTIFICATE-----/ { n++; f = p n ".pem" }
	f != "" { print > f }
	/-----END CERTIFICATE-----/ { close(f); f = "" }
	END { print n + 0 }' "$1"
}

# --- the three verifiers --------------------------------------------------

# verify_openssl WHAT ROOT INTERMEDIATE|- LEAF [OPTIONS...]
verify_openssl() {
	_what=$1 _root=$2 _inter=$3 _leaf=$4
	shift 4
	if [ "$_inter" = - ]; then
		set -- -CAfile "$_root" "$@"
	else
		set -- -CAfile "$_root" -untrusted "$_inter" "$@"
	fi
	if ! openssl verify -x509_strict "$@" "$_leaf" > "$TMP/v.out" 2>&1 ||
	    ! grep -q ': OK$' "$TMP/v.out"; then
		sed 's/^/#   openssl: /' "$TMP/v.out" >&2
		fail "$_what: openssl verify refuses the chain"
	fi
	ok "$_what: openssl verify"
}

# verify_gnutls WHAT ROOT "OPTIONS" CERT... (leaf first, then intermediates)
# certtool --verify checks the PEM chain in --infile against the trusted
# --load-ca-certificate; its exit status and its summary line must agree.
verify_gnutls() {
	_what=$1 _root=$2 _opts=$3
	shift 3
	cat "$@" > "$TMP/gnutls-chain.pem"
	# shellcheck disable=SC2086 # _opts is a word list on purpose
	if ! certtool --verify --load-ca-certificate "$_root" \
	    --infile "$TMP/gnutls-chain.pem" $_opts > "$TMP/v.out" 2>&1 ||
	    ! grep -q '^Chain verification output: Verified\.' "$TMP/v.out"; then
		sed 's/^/#   certtool: /' "$TMP/v.out" >&2
		fail "$_what: GnuTLS certtool --verify $_opts refuses the chain"
	fi
	ok "$_what: GnuTLS certtool --verify $_opts"
}

# gnutls_refuses WHAT ROOT "OPTIONS" PHRASE CERT...: the documented refusal.
gnutls_refuses() {
	_what=$1 _root=$2 _opts=$3 _phrase=$4
	shift 4
	cat "$@" > "$TMP/gnutls-chain.pem"
	# shellcheck disable=SC2086
	if certtool --verify --load-ca-certificate "$_root" \
	    --infile "$TMP/gnutls-chain.pem" $_opts > "$TMP/v.out" 2>&1; then
		fail "$_what: GnuTLS accepted what it is documented to refuse"
	fi
	grep -qF "$_phrase" "$TMP/v.out" || {
		sed 's/^/#   certtool: /' "$TMP/v.out" >&2
		fail "$_what: GnuTLS refused, but not with '$_phrase'"
	}
	ok "$_what: GnuTLS refuses as documented ($_phrase)"
}

# nss_init DB ROOT...: an NSS database trusting the roots.
# Trust "CT,C,C": C = trusted CA for SSL servers, S/MIME and object signing;
# T is needed on top for SSL *client* certificates (certUsageSSLClient
# checks the CA's client-auth trust), which plain "C,C,C" does not give.
nss_init() {
	_db=$1
	shift
	mkdir -p "$_db"
	certutil -N -d "sql:$_db" --empty-password ||
	    fail "certutil -N cannot create the NSS database"
	for _r in "$@"; do
		certutil -A -d "sql:$_db" -n "$(basename "$_r" .pem)" \
		    -t "CT,C,C" -a -i "$_r" ||
		    fail "certutil cannot add $_r"
	done
}

# verify_nss WHAT DB USAGE CERT... (leaf first): vfychain with the PKIX
# library (-pp); usages: 0 SSL client, 3 SSL CA, 4 email signer, 5 email
# recipient, 6 object signer, 10 OCSP responder, 11 any CA.
verify_nss() {
	_what=$1 _db=$2 _usage=$3
	shift 3
	_args=
	for _c in "$@"; do
		_args="$_args -a $_c"
	done
	# shellcheck disable=SC2086 # paths are made by us, without blanks
	if ! vfychain -d "sql:$_db" -pp -u "$_usage" $_args > "$TMP/v.out" 2>&1 ||
	    ! grep -q '^Chain is good!' "$TMP/v.out"; then
		sed 's/^/#   vfychain: /' "$TMP/v.out" >&2
		fail "$_what: NSS vfychain -u $_usage refuses the chain"
	fi
	ok "$_what: NSS vfychain -u $_usage"
}

# --- files ----------------------------------------------------------------

# snapshot DIR...: every regular file (path, size, checksum) under the
# directories, except the SQLite database and its journals.
# A refusal is itself recorded and sealed in the audit log (CP-5.4): the
# newest checkpoint's copy (audit/last-checkpoint.*) changes like the store.
snapshot() {
	find "$@" -type f ! -name 'inkan.db*' ! -name 'last-checkpoint.*' \
	    -exec cksum {} + 2>/dev/null |
	    LC_ALL=C sort -k3
}

# flip_byte FILE OFFSET: inverts every bit of the byte at OFFSET.
flip_byte() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d ' ')
	[ -n "$_b" ] || fail "flip_byte: $1 has no byte at $2"
	# shellcheck disable=SC2059 # the octal escape is built on purpose
	printf "\\$(printf %o $((_b ^ 255)))" |
	    dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# file_mode FILE: the permission bits in octal, e.g. 600.
file_mode() {
	stat -c %a "$1"
}
