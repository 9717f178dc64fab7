#!/bin/sh
# test_crl_shards: partitioned CRLs ([issuing:] crl_shards, issue 4). Each
# certificate's CRL distribution point names its partition's URL, fixed by
# its serial; each partition's CRL lists exactly the revoked certificates
# of that partition, carries a critical issuingDistributionPoint naming
# the same URL (RFC 5280 §5.2.5), verifies, and relying parties using it
# refuse the revoked certificates it lists. CP-7.2, CP-4.9.7, CP-2.3.

. "$(dirname "$0")/lib.sh"
setup
need openssl

CA=$TMP/ca
SUB=$TMP/sub
CONF=$TMP/shards.conf
mkdir -p "$SUB"
SHARDS=4
sed -e 's|^crl_url = ${base_url}/repository/shortca/full.crl|crl_url = ${base_url}/repository/shortca/part-{shard}.crl\ncrl_shards = 4|' \
    "$CLI_DATA/short-lived-ca.conf" > "$CONF"
grep -q '^crl_shards = 4' "$CONF" || fail "could not derive the partitioned config"
init_ca "$CA" "$CONF"

# A config that names {shard} without crl_shards is refused, and the reverse.
sed -e '/^crl_shards/d' "$CONF" > "$TMP/bad1.conf"
inkan_refuses "{shard} without crl_shards" 1 "crl_shards is not above 1" \
    --dir "$TMP/bad1" --passphrase-file "$PASS" init --config "$TMP/bad1.conf"
sed -e 's|part-{shard}.crl|full.crl|' "$CONF" > "$TMP/bad2.conf"
inkan_refuses "crl_shards without {shard}" 1 "it must contain {shard}" \
    --dir "$TMP/bad2" --passphrase-file "$PASS" init --config "$TMP/bad2.conf"

make_csr "$SUB/k" 2048
i=0
while [ $i -lt 12 ]; do
	inkan_ok "issue $i" --dir "$CA" --passphrase-file "$PASS" issue \
	    --policy client --csr "$SUB/k.csr" --subject "/C=JP/O=Example/CN=U$i" \
	    --out "$SUB/c$i.pem"
	i=$((i + 1))
done
ok "12 certificates issued"

serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
crldp_of() {
	openssl x509 -in "$1" -noout -ext crlDistributionPoints |
	    sed -n 's/^ *URI:\(http.*\)$/\1/p' | head -1
}

# Revoke every other certificate.
i=0
while [ $i -lt 12 ]; do
	if [ $((i % 2)) = 0 ]; then
		inkan_ok "revoke $i" --dir "$CA" --passphrase-file "$PASS" revoke \
		    "$(serial_of "$SUB/c$i.pem")" --reason superseded
	fi
	i=$((i + 1))
done
ok "6 certificates revoked"

CACERT=$CA/repository/shortca/shortca.pem
ROOT=$CA/repository/root/root.pem
[ -f "$CACERT" ] && [ -f "$ROOT" ] || fail "CA certificates not published"

used=""
i=0
while [ $i -lt 12 ]; do
	url=$(crldp_of "$SUB/c$i.pem")
	case $url in
	http://127.0.0.1:8080/repository/shortca/part-[0-3].crl) ;;
	*) fail "c$i: CRL DP '$url' is not a partition URL" ;;
	esac
	part=${url##*part-}
	part=${part%.crl}
	used="$used $part"
	crl=$CA/repository/shortca/part-$part.crl
	[ -f "$crl" ] || fail "c$i: partition $part CRL not published"
	openssl crl -inform DER -in "$crl" -out "$TMP/p$part.pem"
	openssl crl -in "$TMP/p$part.pem" -noout -CAfile "$CACERT" -verify 2>&1 |
	    grep -q "verify OK" || fail "partition $part CRL does not verify"
	# The CRL's scope is this partition: a critical IDP naming its URL.
	idp=$(openssl crl -in "$TMP/p$part.pem" -noout -text |
	    sed -n '/Issuing Distribution Point: critical/,/URI/p')
	echo "$idp" | grep -q "URI:$url" ||
	    fail "partition $part: no critical issuingDistributionPoint naming $url"
	sn=$(serial_of "$SUB/c$i.pem")
	listed=0
	openssl crl -in "$TMP/p$part.pem" -noout -text | grep -q "Serial Number: $sn" && listed=1
	if [ $((i % 2)) = 0 ]; then
		[ $listed = 1 ] || fail "c$i (revoked) missing from partition $part"
		if openssl verify -crl_check -CRLfile "$TMP/p$part.pem" \
		    -CAfile "$ROOT" -untrusted "$CACERT" "$SUB/c$i.pem" >/dev/null 2>&1; then
			fail "c$i: revoked, yet verifies with its partition's CRL"
		fi
	else
		[ $listed = 0 ] || fail "c$i (good) listed in partition $part"
		openssl verify -crl_check -CRLfile "$TMP/p$part.pem" \
		    -CAfile "$ROOT" -untrusted "$CACERT" "$SUB/c$i.pem" >/dev/null 2>&1 ||
		    fail "c$i: good, yet refused with its partition's CRL"
	fi
	i=$((i + 1))
done
ok "every certificate names its partition; revoked ones are listed there only and refused"

# Every partition's CRL exists and the entries add up to the revocations.
total=0
p=0
while [ $p -lt $SHARDS ]; do
	crl=$CA/repository/shortca/part-$p.crl
	[ -f "$crl" ] || fail "partition $p CRL not published"
	n=$(openssl crl -inform DER -in "$crl" -noout -text | grep -c "Serial Number:" || true)
	total=$((total + n))
	p=$((p + 1))
done
[ "$total" = 6 ] || fail "partitions list $total entries, want 6"
case "$used" in *" "*" "*) ;; *) fail "all certificates fell into one partition" ;; esac
ok "the $SHARDS partitions list the 6 revocations once each"
