#!/bin/sh
# test_bad_input: every refusal gives a clear message on stderr (a key
# phrase of it is asserted), a non-zero exit status, and NOTHING is signed
# or stored: `inkan list` shows as many rows as before, no file changes in
# the CA directory (database aside) and no certificate file appears.
# Covers bad requests (CP-3.2.1 proof of possession, CP-6.1.5 key sizes,
# CP-1.4/6.1.7 EKU and KeyUsage per use, CP-7.1 subject and SAN rules,
# SBR/CSBR narrowing and validity caps, CP-6.2.7 no CA-made code-signing
# keys, CP-5.6 key changeover), bad configurations (CP-6.1.5, CABF: no
# sha1 root above a CABF-governed CA), the wrong passphrase, a second
# init, and the command-line surface (--help, --version, usage errors).

. "$(dirname "$0")/lib.sh"
setup

CA=$TMP/ca
IN=$TMP/in	# requests and other input
OUT=$TMP/out-certs	# where refused certificates would land
mkdir -p "$IN" "$OUT"

init_ca "$CA"

make_csr "$IN/rsa2048" 2048
make_csr "$IN/rsa3072" 3072
S="/C=JP/O=Example Corp/CN=Taro Yamada"
S_CS="/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp"

# A sanity check that the inputs below differ from good ones only in the
# way each case says: these succeed.
inkan_ok "good client" --dir "$CA" --passphrase-file "$PASS" issue \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --out "$TMP/good-client.pem"
inkan_ok "good codesign" --dir "$CA" --passphrase-file "$PASS" issue \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --out "$TMP/good-codesign.pem"
ok "a good client and a good code-signing request are issued"

# state DIR: rows of `inkan list` and a snapshot of every file of the CA
# directory (database aside) and of $OUT, into $TMP/state.
state() {
	{
		echo "rows $(rows "$1")"
		snapshot "$1" "$OUT"
	} > "$TMP/state"
}

# unchanged WHAT DIR: the state is what `state` saved.
unchanged() {
	cp "$TMP/state" "$TMP/state.before"
	state "$2"
	if ! cmp -s "$TMP/state.before" "$TMP/state"; then
		diff "$TMP/state.before" "$TMP/state" >&2 || :
		fail "$1: refused, but something was stored or written"
	fi
}

# refused WHAT RC PHRASE ISSUE_ARGS...: `inkan issue` must refuse and leave
# everything as it was.
refused() {
	_w=$1 _rc=$2 _p=$3
	shift 3
	state "$CA"
	inkan_refuses "$_w" "$_rc" "$_p" --dir "$CA" --passphrase-file "$PASS" \
	    issue --out "$OUT/cert.pem" --chain-out "$OUT/chain.pem" "$@"
	unchanged "$_w" "$CA"
	[ ! -e "$OUT/cert.pem" ] && [ ! -e "$OUT/chain.pem" ] ||
	    fail "$_w: a certificate file was written"
	[ ! -d "$CA/unrecorded" ] || fail "$_w: $CA/unrecorded appeared"
	ok "$_w: exit $RC, '$_p', nothing stored"
}

# --- CP-3.2.1: the request itself -----------------------------------------
openssl req -in "$IN/rsa2048.csr" -outform DER -out "$IN/good.der"
size=$(wc -c < "$IN/good.der")
cp "$IN/good.der" "$IN/badsig.der"
flip_byte "$IN/badsig.der" $((size - 20))	# inside the signature BIT STRING
openssl asn1parse -inform DER -in "$IN/badsig.der" > /dev/null ||
    fail "the broken-signature CSR must still parse"
refused "CSR with a broken signature (DER)" 1 \
    "CSR signature does not verify with its own public key" \
    --policy client --csr "$IN/badsig.der" --subject "$S"
openssl req -inform DER -in "$IN/badsig.der" -out "$IN/badsig.pem"
refused "CSR with a broken signature (PEM)" 1 "no proof of possession" \
    --policy client --csr "$IN/badsig.pem" --subject "$S"
head -c $((size / 2)) "$IN/good.der" > "$IN/truncated.der"
refused "truncated DER CSR" 1 "truncated" \
    --policy client --csr "$IN/truncated.der" --subject "$S"
head -c 500 "$IN/rsa2048.csr" > "$IN/truncated.pem"
refused "truncated PEM CSR" 1 "truncated" \
    --policy client --csr "$IN/truncated.pem" --subject "$S"
cp "$IN/good.der" "$IN/trailing.der"
printf 'junk' >> "$IN/trailing.der"
refused "DER CSR with trailing bytes" 1 "trailing data" \
    --policy client --csr "$IN/trailing.der" --subject "$S"
# Fixed garbage (not random: a failure must be reproducible).
awk 'BEGIN { for (i = 0; i < 700; i++) printf "%c", 33 + (i * 7919) % 90 }' \
    > "$IN/garbage"
refused "garbage bytes as CSR" 1 "not a DER PKCS#10 certificate request" \
    --policy client --csr "$IN/garbage" --subject "$S"
: > "$IN/empty"
refused "empty CSR file" 1 "CSR is empty" \
    --policy client --csr "$IN/empty" --subject "$S"
refused "missing CSR file" 1 "No such file" \
    --policy client --csr "$IN/no-such.csr" --subject "$S"

# --- CP-6.1.5 / CP-7.1.3 / CSBR 6.1.5-6.1.6: the key ----------------------
refused "RSA-2048 for code signing" 1 "RSA-2048 key not allowed for the codesign profile" \
    --policy codesign --csr "$IN/rsa2048.csr" --subject "$S_CS"
make_csr "$IN/rsa1024" 1024
refused "RSA-1024 for client (sha256)" 1 "RSA-1024 key not allowed" \
    --policy client --csr "$IN/rsa1024.csr" --subject "$S"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$IN/ec.key" -subj /CN=ec -out "$IN/ec.csr" 2>/dev/null
refused "EC key" 1 "only RSA keys are issued" \
    --policy client --csr "$IN/ec.csr" --subject "$S"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -pkeyopt rsa_keygen_pubexp:3 -out "$IN/e3.key" 2>/dev/null
openssl req -new -key "$IN/e3.key" -subj /CN=e3 -out "$IN/e3.csr"
refused "RSA public exponent 3" 1 "RSA public exponent must be odd and between" \
    --policy client --csr "$IN/e3.csr" --subject "$S"

# --- policies, EKUs, key usages (CP-1.2, CP-1.4, CP-6.1.7) ---------------
refused "unknown policy" nz "--policy bogus: unknown" \
    --policy bogus --csr "$IN/rsa2048.csr" --subject "$S"
refused "OCSP policy is not issuable" nz "--policy ocsp: unknown" \
    --policy ocsp --csr "$IN/rsa2048.csr" --subject "$S"
refused "client: smartcardLogon alone" 1 "the client profile needs EKU clientAuth" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --eku smartcardLogon
refused "client: codeSigning" 1 "EKU codeSigning is not allowed in the client profile" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --eku codeSigning
refused "client: clientAuth + codeSigning" 1 "EKU codeSigning is not allowed" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --eku clientAuth \
    --eku codeSigning
refused "codesign: clientAuth" 1 "EKU clientAuth is not allowed in the codesign profile" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --eku clientAuth
refused "codesign: codeSigning + clientAuth" 1 "EKU clientAuth is not allowed" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" \
    --eku codeSigning --eku clientAuth
refused "document: clientAuth" 1 "EKU clientAuth is not allowed in the document profile" \
    --policy document --csr "$IN/rsa2048.csr" --subject "$S" --eku clientAuth
refused "smime strict: clientAuth" 1 "EKU clientAuth is not allowed in the smime-strict profile" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp \
    --email taro@example.jp --eku emailProtection --eku clientAuth
refused "EKU given twice" 1 "given twice" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --eku clientAuth \
    --eku clientAuth
refused "client: keyCertSign" 1 "is not a combination the client profile allows" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" \
    --key-usage digitalSignature,keyCertSign
refused "codesign: keyEncipherment" 1 "is not a combination the codesign profile allows" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" \
    --key-usage digitalSignature,keyEncipherment
refused "unknown KeyUsage bit" 1 "unknown bit name" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --key-usage bogusBit

# --- SAN (CP-7.1; SBR 7.1.2.3(h); no SAN in code signing) -----------------
refused "S/MIME without --email (mailbox CN)" 1 "--email" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp
refused "S/MIME without --email (no CN)" 1 "needs at least one --email" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /serialNumber=1234
refused "S/MIME: CN not one of the mailboxes" 1 "CN must be one of the --email mailboxes" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=bob@example.jp \
    --email taro@example.jp
refused "--email on codesign" 1 "--email is not allowed in the codesign profile" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --email a@example.jp
refused "--upn on codesign" 1 "--upn is not allowed in the codesign profile" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --upn a@example.jp
refused "--upn on S/MIME strict" 1 "--upn is not allowed in the smime-strict profile" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp \
    --email taro@example.jp --upn taro@example.jp
refused "malformed mailbox" 1 "not a valid mailbox address" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --email not-an-address

# --- validity (SBR 6.3.2: 825 days; CSBR 6.3.2: 460 days) -----------------
refused "S/MIME --days 900" 1 "validity of 900 days exceeds the 825 days" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp \
    --email taro@example.jp --days 900
refused "S/MIME --days 826" 1 "exceeds the 825 days" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp \
    --email taro@example.jp --days 826
refused "codesign --days 500" 1 "validity of 500 days exceeds the 460 days" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --days 500
refused "codesign --days 461" 1 "exceeds the 460 days" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --days 461
refused "--days 0" 2 "expected a number from 1" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --days 0
refused "--days not a number" 2 "expected a number" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --days 1y

# --- subject (CP-7.1 tables, CSBR/SBR 7.1.4.2.2) --------------------------
# The message today also claims that "the profile allows C, ST, L, O, OU,
# CN, serialNumber" while refusing OU: see the report (BUG-OU-MESSAGE).
refused "OU on codesign" 1 "attribute 'OU' is not allowed" \
    --policy codesign --csr "$IN/rsa3072.csr" \
    --subject "/C=JP/ST=Tokyo/O=Example Corp/OU=Development/CN=Example Corp"
refused "codesign without ST or L" 1 "code signing needs ST or L" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "/C=JP/O=Example Corp/CN=Example Corp"
refused "organization S/MIME without organizationIdentifier" 1 \
    "needs organizationIdentifier" \
    --policy smime --csr "$IN/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/CN=taro@example.jp" --email taro@example.jp
refused "mailbox S/MIME with C" 1 "a mailbox-validated S/MIME subject holds only CN and serialNumber" \
    --policy smime --csr "$IN/rsa2048.csr" --subject "/C=JP/CN=taro@example.jp" \
    --email taro@example.jp
refused "client without O" 1 "O is required in the client profile" \
    --policy client --csr "$IN/rsa2048.csr" --subject "/C=JP/CN=Taro Yamada"
refused "four OUs" 1 "at most 3" \
    --policy client --csr "$IN/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/OU=a/OU=b/OU=c/OU=d/CN=Taro Yamada"
refused "emailAddress in the subject" 1 "attribute 'emailAddress' is not allowed" \
    --policy client --csr "$IN/rsa2048.csr" \
    --subject "/C=JP/O=Example Corp/CN=Taro Yamada/emailAddress=taro@example.jp"
refused "subject not in /A=B form" 1 "must start with '/'" \
    --policy client --csr "$IN/rsa2048.csr" --subject "CN=Taro Yamada"
refused "no --subject" nz "--subject is required" \
    --policy client --csr "$IN/rsa2048.csr"

# --- legacy sha1 and S/MIME generations -------------------------------------
refused "codesign --sha1" 1 "policy codesign has no sha1 profile" \
    --policy codesign --csr "$IN/rsa3072.csr" --subject "$S_CS" --sha1
refused "--generation legacy" 1 "legacy is no longer issued" \
    --policy smime --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp \
    --email taro@example.jp --generation legacy
refused "--generation on client" 1 "--generation applies to S/MIME only" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --generation strict
# S/MIME has no sha1 profile either; today inkan gets as far as building the
# certificate and fails with an internal message (nothing is stored).
state "$CA"
run_inkan --dir "$CA" --passphrase-file "$PASS" issue --policy smime --sha1 \
    --csr "$IN/rsa2048.csr" --subject /CN=taro@example.jp --email taro@example.jp \
    --out "$OUT/cert.pem"
[ "$RC" != 0 ] || fail "smime --sha1 was issued"
unchanged "smime --sha1" "$CA"
ok "smime --sha1: refused (exit $RC), nothing stored"
must "smime --sha1 is refused with a clear message naming sha1" \
    grep -q "no sha1 profile" "$TMP/err"

# --- a key of the hierarchy is never certified for a subscriber ------------
# The operator can unlock the CA's own key file; a CSR made with it proves
# possession, and must still be refused.
openssl pkey -in "$CA/keys/pubca1.key" -passin "file:$PASS" -out "$TMP/cakey.pem" 2>/dev/null ||
    fail "cannot unlock pubca1's key with the passphrase"
openssl req -new -key "$TMP/cakey.pem" -subj /CN=x -out "$IN/cakey.csr"
rm -f "$TMP/cakey.pem"
refused "CSR carrying the issuing CA's own key" 1 "a CA key is never certified" \
    --policy client --csr "$IN/cakey.csr" --subject "$S"

# --- CP-6.2.7 / 6.1.2: the CA does not make code-signing keys ---------------
refused "--generate-key for codesign" 2 "--generate-key is refused for codesign" \
    --policy codesign --generate-key --subject "$S_CS" \
    --p12 "$OUT/cs.p12" --pin-out "$OUT/cs.pin"
[ ! -e "$OUT/cs.p12" ] && [ ! -e "$OUT/cs.pin" ] || fail "--generate-key codesign wrote a file"
refused "--generate-key without --pin-out" 2 "needs --p12 FILE and --pin-out FILE" \
    --policy client --generate-key --subject "$S" --p12 "$OUT/x.p12"
refused "--csr and --generate-key together" 2 "give exactly one of --csr FILE and --generate-key" \
    --policy client --generate-key --csr "$IN/rsa2048.csr" --subject "$S" \
    --p12 "$OUT/x.p12" --pin-out "$OUT/x.pin"
refused "unknown issue option" 2 "unrecognized option" \
    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --bogus

# --- output that cannot be written --------------------------------------------
# "Nothing is signed or stored if any check fails" (issue --help): an --out,
# --p12 or --pin-out that cannot be written is only discovered after the
# certificate was signed and stored, and the command then fails: a valid
# certificate nobody received (with --generate-key: whose key is lost).
for what in "--out" "--p12" "--pin-out"; do
	state "$CA"
	case $what in
	--out) run_inkan --dir "$CA" --passphrase-file "$PASS" issue --policy client \
	    --csr "$IN/rsa2048.csr" --subject "$S" --out "$TMP/no-such-dir/cert.pem" ;;
	--p12) run_inkan --dir "$CA" --passphrase-file "$PASS" issue --policy client \
	    --generate-key --subject "$S" --p12 "$TMP/no-such-dir/x.p12" \
	    --pin-out "$OUT/x.pin" --out "$OUT/x.pem" ;;
	--pin-out) run_inkan --dir "$CA" --passphrase-file "$PASS" issue --policy client \
	    --generate-key --subject "$S" --p12 "$OUT/x.p12" \
	    --pin-out "$TMP/no-such-dir/x.pin" --out "$OUT/x.pem" ;;
	esac
	[ "$RC" != 0 ] || fail "unwritable $what: inkan succeeded"
	grep -q 'no-such-dir' "$TMP/err" || fail "unwritable $what: the message does not name the path"
	ok "unwritable $what: exit $RC, the path is named"
	cp "$TMP/state" "$TMP/state.before"
	state "$CA"
	must "unwritable $what: nothing signed or stored" \
	    cmp -s "$TMP/state.before" "$TMP/state"
	rm -f "$OUT"/x.*
done

# --- the passphrase -----------------------------------------------------------
make_passphrase "$TMP/wrong-pass" "this is not the passphrase"
state "$CA"
inkan_refuses "wrong passphrase" 1 "wrong passphrase" --dir "$CA" \
    --passphrase-file "$TMP/wrong-pass" issue --policy client \
    --csr "$IN/rsa2048.csr" --subject "$S" --out "$OUT/cert.pem"
[ ! -e "$OUT/cert.pem" ] || fail "wrong passphrase: a certificate was written"
ok "wrong passphrase: exit $RC, 'wrong passphrase', no certificate"
cp "$TMP/state" "$TMP/state.before"
state "$CA"
# The intent row is recorded before the signer first touches the key, so a
# wrong passphrase leaves an 'aborted' row behind.
must "wrong passphrase: nothing stored (inkan list unchanged)" \
    cmp -s "$TMP/state.before" "$TMP/state"
make_passphrase "$TMP/short-pass" "short"
refused_pass() {	# WHAT PHRASE PASSFILE
	state "$CA"
	inkan_refuses "$1" 1 "$2" --dir "$CA" --passphrase-file "$3" issue \
	    --policy client --csr "$IN/rsa2048.csr" --subject "$S" --out "$OUT/cert.pem"
	unchanged "$1" "$CA"
	[ ! -e "$OUT/cert.pem" ] || fail "$1: a certificate was written"
	ok "$1: exit $RC, '$2', nothing stored"
}
refused_pass "passphrase shorter than 8 bytes" "passphrase shorter than 8 bytes" \
    "$TMP/short-pass"
refused_pass "missing passphrase file" "cannot read the passphrase" "$TMP/no-such-pass"
# A passphrase file others can read works, with a warning.
cp "$PASS" "$TMP/open-pass"
chmod 644 "$TMP/open-pass"
inkan_ok "world-readable passphrase file" --dir "$CA" --passphrase-file \
    "$TMP/open-pass" issue --policy client --csr "$IN/rsa2048.csr" \
    --subject "$S" --out "$TMP/open-pass.pem"
grep -q "readable by others" "$TMP/err" || fail "no warning for a world-readable passphrase file"
ok "a world-readable passphrase file draws a warning"

# --- CP-5.6: no certificate outlives its issuing CA's certificate -----------
SHORT=$TMP/short
init_ca "$SHORT" "$CLI_DATA/short-lived-ca.conf"
state "$SHORT"
inkan_refuses "validity past the CA certificate" 1 "a key changeover is due" \
    --dir "$SHORT" --passphrase-file "$PASS" issue --policy client \
    --csr "$IN/rsa2048.csr" --subject "$S" --days 365 --out "$OUT/cert.pem"
unchanged "validity past the CA certificate" "$SHORT"
ok "CP-5.6: a 365-day certificate under a 200-day CA is refused, nothing stored"
inkan_ok "within the CA certificate" --dir "$SHORT" --passphrase-file "$PASS" \
    issue --policy client --csr "$IN/rsa2048.csr" --subject "$S" --days 100 \
    --out "$TMP/short-100.pem"
ok "CP-5.6: a 100-day certificate under the same CA is issued"

# --- configurations that init must refuse, creating nothing ------------------
# init_refused WHAT PHRASE CONFIG [RUNNER...]
init_refused() {
	_w=$1 _p=$2 _c=$3
	shift 3
	_d=$TMP/bad-init
	rm -rf "$_d"
	RC=0
	"$@" "$INKAN" --dir "$_d" --passphrase-file "$PASS" init --config "$_c" \
	    > "$TMP/out" 2> "$TMP/err" || RC=$?
	sanitizer_check "$_w" "$TMP/err"
	[ "$RC" != 0 ] || fail "$_w: init succeeded"
	grep -qF -- "$_p" "$TMP/err" || { show_err; fail "$_w: stderr lacks '$_p'"; }
	[ ! -e "$_d" ] || fail "$_w: init left $_d behind"
	ok "$_w: init refused (exit $RC), '$_p', nothing created"
}
init_refused "missing configuration" "cannot open: No such file" "$TMP/no-such.conf"
mkdir "$TMP/conf-is-a-dir"
init_refused "configuration is a directory" "not a regular file" "$TMP/conf-is-a-dir"
{ sed -n '1,12p' "$EXAMPLE_CONF"; echo "this line is neither a section nor a key"; \
    sed '1,12d' "$EXAMPLE_CONF"; } > "$TMP/syntax.conf"
init_refused "configuration syntax error" "syntax.conf:13: syntax error" "$TMP/syntax.conf"
sed 's/^key_bits = 2048$/key_bits = 1000/' "$EXAMPLE_CONF" > "$TMP/bits1000.conf"
init_refused "key_bits = 1000" "key_bits: invalid value '1000'" "$TMP/bits1000.conf"
sed 's/^key_bits = 2048$/key_bits = 1024/' "$EXAMPLE_CONF" > "$TMP/bits1024.conf"
init_refused "CA key_bits = 1024 (CP-6.1.5)" "CA keys are 2048 or 4096 bits" "$TMP/bits1024.conf"
sed 's/^digest = sha384$/digest = md5/' "$EXAMPLE_CONF" > "$TMP/md5.conf"
init_refused "digest = md5" "digest: invalid value 'md5'" "$TMP/md5.conf"
# A code-signing CA cross-certified by the sha1 root (CSBR: no SHA-1).
awk '/^\[/ { cs = /^\[issuing:codesign-g1\]/ }
    cs && /^roots = / { $0 = "roots = rootca1 rootca3" } { print }' \
    "$EXAMPLE_CONF" > "$TMP/cs-sha1.conf"
grep -q '^roots = rootca1 rootca3$' "$TMP/cs-sha1.conf" || fail "cannot derive cs-sha1.conf"
init_refused "code-signing CA under the sha1 root" "a sha1 root cannot certify a CABF-governed CA" \
    "$TMP/cs-sha1.conf"
awk '/^\[/ { cs = /^\[policy:codesign\]/ }
    cs && /^validity_days = / { $0 = "validity_days = 500" } { print }' \
    "$EXAMPLE_CONF" > "$TMP/cs500.conf"
[ "$(grep -c '^validity_days = 500$' "$TMP/cs500.conf")" = 1 ] || fail "cannot derive cs500.conf"
init_refused "codesign validity_days = 500 (CSBR 6.3.2)" "certificates last at most 460 days" \
    "$TMP/cs500.conf"
sed 's#^base_url = .*#base_url = ftp://127.0.0.1#' "$EXAMPLE_CONF" > "$TMP/ftp.conf"
init_refused "non-http base_url" "must be an http:// or https:// URL" "$TMP/ftp.conf"
# Mode 000: tests run as root, who reads any file, so the read is done as
# the unprivileged user nobody (setpriv) from a world-searchable directory.
UNREAD=$(mktemp -d "${TMPDIR:-/tmp}/inkan-unreadable.XXXXXX")
CLI_EXTRA_DIRS="$CLI_EXTRA_DIRS $UNREAD"
chmod 755 "$UNREAD"
cp "$EXAMPLE_CONF" "$UNREAD/inkan.conf"
chmod 000 "$UNREAD/inkan.conf"
if [ "$(id -u)" != 0 ]; then
	init_refused "configuration of mode 000" "Permission denied" "$UNREAD/inkan.conf"
elif command -v setpriv >/dev/null 2>&1 &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$INKAN" --version \
    > /dev/null 2>&1; then
	_d=$UNREAD/newca
	RC=0
	setpriv --reuid=65534 --regid=65534 --clear-groups "$INKAN" --dir "$_d" \
	    --passphrase-file /dev/null init --config "$UNREAD/inkan.conf" \
	    > "$TMP/out" 2> "$TMP/err" || RC=$?
	sanitizer_check "mode 000" "$TMP/err"
	[ "$RC" != 0 ] || fail "mode 000 configuration: init succeeded"
	grep -q "Permission denied" "$TMP/err" || { show_err; fail "mode 000: no 'Permission denied'"; }
	[ ! -e "$_d" ] || fail "mode 000: init created $_d"
	ok "configuration of mode 000 (read as nobody): init refused, 'Permission denied'"
else
	note "SKIP mode 000: running as root without setpriv (or nobody cannot run $INKAN);" \
	    "the missing-file and directory cases above cover the read error path"
fi
rm -rf "$UNREAD"

# An issuing CA that lives shorter than its OCSP responder's 4 months
# (table 7.3-1): init must either cap the responder or refuse before
# creating anything. Today it stops half-way and leaves a CA directory
# from which `issue` still works (no responder, aborted row).
sed 's/^validity_days = 200$/validity_days = 30/' "$CLI_DATA/short-lived-ca.conf" \
    > "$TMP/ca30.conf"
rm -rf "$TMP/ca30"
run_inkan --dir "$TMP/ca30" --passphrase-file "$PASS" init --config "$TMP/ca30.conf"
init_complete_or_nothing() {
	if [ "$RC" = 0 ]; then
		[ -s "$TMP/ca30/ocsp/shortca-ocsp.pem" ] &&
		    ! "$INKAN" --dir "$TMP/ca30" list | grep -q aborted
	else
		[ ! -e "$TMP/ca30" ]
	fi
}
must "issuing CA shorter-lived than its responder: init complete or nothing created" \
    init_complete_or_nothing

# --- init twice ---------------------------------------------------------------
state "$CA"
inkan_refuses "second init" 1 "already exists and is not empty" --dir "$CA" \
    --passphrase-file "$PASS" init --config "$EXAMPLE_CONF"
unchanged "second init" "$CA"
ok "second init on the same directory: refused, nothing changed"

# --- the command-line surface -------------------------------------------------
inkan_ok "--help" --help
grep -q '^usage: inkan' "$TMP/out" || fail "--help prints no usage on stdout"
COMMANDS=$(awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' "$TMP/out")
[ "$(echo "$COMMANDS" | wc -w)" -ge 5 ] || fail "--help lists too few commands: $COMMANDS"
ok "inkan --help: exit 0, usage and $(echo "$COMMANDS" | wc -w) commands"
for c in $COMMANDS; do
	inkan_ok "$c --help" "$c" --help
	grep -q "^usage: inkan.* $c" "$TMP/out" || fail "inkan $c --help prints no usage for $c"
	ok "inkan $c --help: exit 0, usage on stdout"
done
inkan_ok "--version" --version
grep -Eq '^inkan [0-9]+\.[0-9]+\.[0-9]+' "$TMP/out" || fail "--version prints '$(cat "$TMP/out")'"
ok "inkan --version: $(cat "$TMP/out")"
inkan_refuses "unknown command" 2 "unknown command 'frobnicate'" frobnicate
ok "unknown command: exit 2"
inkan_refuses "no command" 2 "usage: inkan"
ok "no command: exit 2 with the usage on stderr"
inkan_refuses "unknown global option" 2 "unrecognized option" --frobnicate list
ok "unknown global option: exit 2"
inkan_refuses "list without a CA" 1 "no CA here" --dir "$TMP/nothing-here" list
[ ! -e "$TMP/nothing-here" ] || fail "list created $TMP/nothing-here"
ok "list on a directory without a CA: refused, nothing created"
