#!/bin/sh
# CRL generation: 'inkan crl' against 'openssl ca -gencrl' on the same
# revocations (docs/performance.md, "The CRL benchmark").
#
# Makes a CA with 'inkan init' (root rootca2, issuing CA pubca1, RSA-2048),
# writes N revoked certificates of pubca1 into its store and the same N
# revocations into an openssl ca index.txt (bench_crl populate), then times
# both whole commands, in turn, RUNS times each, on the same CA
# certificate and encrypted key file: the sizes of SIZES grow one store,
# so each size only adds the difference. Then checks that both CRLs have
# the same entries, that both verify, and that 'openssl crl -verify'
# accepts inkan's.
#
# Bars: the largest size (1,000,000) in under 5 s, and inkan at least 5x
# faster than openssl ca -gencrl at every size.
#
# Environment: SIZES (default "100000 1000000"), RUNS (default 3, odd:
# the median is quoted), BASE (default /var/tmp, a folder on disk),
# KEEP=1 keeps the folder, BUILD_DIR (default build), LIMIT (seconds one
# timed command may take, default 300). Exit 0 when every bar is met,
# 1 when one is missed or a check fails, 2 for a set-up error.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build_dir=${BUILD_DIR:-build}
SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
BASE=${BASE:-/var/tmp}
LIMIT=${LIMIT:-300}
BAR_SECONDS=5
BAR_RATIO=5
BAR_SIZE=1000000

[ -f "$build_dir/CMakeCache.txt" ] || BUILD_DIR=$build_dir ./scripts/build.sh
cmake --build "$build_dir" --target inkan bench_crl -j"$(nproc)" >/dev/null
inkan=$root/$build_dir/inkan
helper=$root/$build_dir/bench_crl
for tool in openssl /usr/bin/time timeout; do
	command -v "$tool" >/dev/null ||
		{ echo "bench/crl: $tool missing (scripts/install-deps.sh)" >&2; exit 2; }
done

tmp=$(mktemp -d "$BASE/inkan-crlbench.XXXXXX")
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

ca=$tmp/ca
ossl=$tmp/openssl
pass=$tmp/passphrase
mkdir -p "$ossl"
openssl rand -hex 24 >"$pass"
chmod 600 "$pass"

# etc/inkan.conf.example cut down as in bench/issue.c: rootca2 and pubca1.
cat >"$tmp/inkan.conf" <<'EOF'
[ca]
base_url = http://127.0.0.1:8080
ldap_url = ldap://127.0.0.1:3890
cps_url = ${base_url}/repository/

[root:rootca2]
subject = /C=JP/O=SECOM Trust Systems CO.,LTD./OU=Security Communication RootCA2
key_bits = 2048
digest = sha256
validity_days = 7305
policy_oid = 1.2.392.200091.100.901.4
cps_url = ${base_url}/repository/SC-Root2/
crl_url = ${base_url}/repository/SC-Root2/SCRoot2CRL.crl
ca_issuers_url = ${base_url}/repository/SC-Root2/SCRoot2ca.cer

[issuing:pubca1]
subject = /C=JP/O=SECOM Trust Systems CO.,LTD./OU=SECOM Passport for Member 2.0 PUB/CN=SECOM Passport for Member PUB CA1
key_bits = 2048
validity_days = 3652
roots = rootca2
eku = clientAuth smartcardLogon adobeAuthenticDocumentsTrust msDocumentSigning
policies = client document
crl_url = ${base_url}/repository/pfm20pub/ca1/fullCRL.crl
ocsp_url = ${base_url}/ocsp/pubca1
ca_issuers_url = ${base_url}/repository/pfm20pub/ca1/pubca1.cer
responder_subject = /C=JP/O=SECOM Trust Systems CO.,LTD./OU=SECOM Passport for Member 2.0 PUB Service/CN=SECOM Passport for Member PUB CA1 OCSP Responder
responder_key_bits = 2048

[policy:client]
oid = 1.2.392.200091.100.381.4
sha1_oid = 1.2.392.200091.100.381.1
issuer = pubca1
validity_days = 365

[policy:document]
oid = 1.2.392.200091.100.381.5
sha1_oid = 1.2.392.200091.100.381.2
issuer = pubca1
validity_days = 365

[policy:ocsp]
oid = 1.2.392.200091.100.381.9
validity_months = 4
EOF

cacert=$ca/repository/pfm20pub/ca1/pubca1.pem
ours=$ca/repository/pfm20pub/ca1/fullCRL.crl
theirs=$ossl/crl.pem

# openssl ca with the same CA certificate and the same encrypted key file:
# a v2 CRL with AKI and CRL Number, SHA-256, nextUpdate + 96 h, as inkan's.
cat >"$ossl/openssl.cnf" <<EOF
[ca]
default_ca = bench

[bench]
dir = $ossl
database = \$dir/index.txt
crlnumber = \$dir/crlnumber
certificate = $cacert
private_key = $ca/keys/pubca1.key
default_md = sha256
default_crl_hours = 96
crl_extensions = crl_ext
unique_subject = no

[crl_ext]
authorityKeyIdentifier = keyid:always
EOF
echo 01 >"$ossl/crlnumber"
: >"$ossl/index.txt"

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "machine: $(nproc) CPUs ($cpu), $(openssl version | cut -d' ' -f1-2)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "folder: $tmp"
t0=$(date +%s)
"$inkan" --dir "$ca" --passphrase-file "$pass" -q init --config "$tmp/inkan.conf"
echo "  set-up: CA made in $(($(date +%s) - t0)) s"

# One timed run of a whole command: wall seconds, or "fail".
timed() {
	out=$1
	shift
	if /usr/bin/time -f '%e %M' -o "$tmp/time" timeout "$LIMIT" "$@" \
	    >"$out" 2>&1; then
		cut -d' ' -f1 "$tmp/time" | tail -1
	else
		echo fail
	fi
}

median() {
	tr ' ' '\n' | grep -v '^$' | sort -g | awk '
		{ v[NR] = $1 }
		END { if (NR == 0) print "fail"; else print v[int((NR + 1) / 2)] }'
}

have=0
seed=1
results=""
fail=0
for n in $SIZES; do
	echo "N=$n revoked certificates"
	if [ "$n" -lt "$have" ]; then
		echo "bench/crl: SIZES must grow" >&2
		exit 2
	fi
	if [ "$n" -gt "$have" ]; then
		"$helper" populate --dir "$ca" -n $((n - have)) \
		    --index "$tmp/part.txt" --seed "$seed"
		cat "$tmp/part.txt" >>"$ossl/index.txt"
		rm -f "$tmp/part.txt"
		have=$n
		seed=$((seed + 1))
	fi
	ti=""
	to=""
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		a=$(timed "$tmp/inkan.out" "$inkan" --dir "$ca" \
		    --passphrase-file "$pass" crl --issuer pubca1)
		b=$(timed "$tmp/openssl.out" openssl ca -gencrl \
		    -config "$ossl/openssl.cnf" -passin "file:$pass" \
		    -out "$theirs")
		echo "  run $((i + 1)): inkan crl ${a} s, openssl ca -gencrl ${b} s"
		[ "$a" != fail ] || { cat "$tmp/inkan.out" >&2; }
		[ "$b" != fail ] || { cat "$tmp/openssl.out" >&2; }
		ti="$ti $a"
		to="$to $b"
		i=$((i + 1))
	done
	mi=$(echo "$ti" | tr ' ' '\n' | grep -v fail | median)
	mo=$(echo "$to" | tr ' ' '\n' | grep -v fail | median)
	case "$ti$to" in *fail*) mi=fail ;; esac
	check=ok
	if [ "$mi" = fail ] || [ "$mo" = fail ]; then
		# Nothing new to compare: the files are from an earlier size.
		check=FAIL
	else
		"$helper" compare --ours "$ours" --theirs "$theirs" \
		    --cacert "$cacert" --dir "$ca" || check=FAIL
		v=$(openssl crl -in "$ours" -inform DER -CAfile "$cacert" \
		    -noout -verify 2>&1 || true)
		echo "  openssl crl -verify (inkan's CRL): $v"
		case $v in *"verify OK"*) ;; *) check=FAIL ;; esac
		echo "  sizes: inkan $(wc -c <"$ours") bytes (DER)," \
		    "openssl $(wc -c <"$theirs") bytes (PEM)"
	fi
	results="$results$n $mi $mo $check
"
done

echo
printf '%9s %10s %12s %7s  %-28s %s\n' entries "inkan s" "openssl s" ratio \
    "bars" result
echo "$results" | while read -r n mi mo check; do
	[ -n "$n" ] || continue
	if [ "$mi" = fail ] || [ "$mo" = fail ] || [ "$check" != ok ]; then
		printf '%9s %10s %12s %7s  %-28s %s\n' "$n" "$mi" "$mo" - \
		    "" "FAIL (run or check)"
		echo 1 >>"$tmp/failed"
		continue
	fi
	ratio=$(awk -v a="$mi" -v b="$mo" 'BEGIN { printf "%.1f", b / a }')
	bars="ratio >= $BAR_RATIO"
	verdict=$(awk -v r="$ratio" -v br="$BAR_RATIO" 'BEGIN {
		print ((r >= br) ? "PASS" : "FAIL") }')
	if [ "$n" -ge "$BAR_SIZE" ]; then
		bars="$bars, < $BAR_SECONDS s"
		verdict=$(awk -v r="$ratio" -v br="$BAR_RATIO" -v s="$mi" \
		    -v bs="$BAR_SECONDS" 'BEGIN {
			print ((r >= br && s < bs) ? "PASS" : "FAIL") }')
	fi
	[ "$verdict" = PASS ] || echo 1 >>"$tmp/failed"
	printf '%9s %10s %12s %7s  %-28s %s\n' "$n" "$mi" "$mo" "${ratio}x" \
	    "$bars" "$verdict"
done
echo "medians of $RUNS runs, wall seconds of the whole command (key" \
    "decryption, store, signing, writing the CRL); ratio = openssl / inkan"
[ ! -f "$tmp/failed" ] || fail=1
exit $fail
