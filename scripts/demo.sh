#!/bin/sh
# The main job: installs what is needed, builds, creates a demo CA
# hierarchy in ./demo (SQLite store), issues one certificate of every
# policy, publishes the CP, CRLs and OCSP responses, then serves the
# repository, CRLs and OCSP on 127.0.0.1:8080 until Ctrl-C.
# Run it again to serve the same demo CA; remove ./demo to start anew.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD_DIR=build ./scripts/build.sh

demo=${DEMO_DIR:-demo}
listen=${DEMO_LISTEN:-127.0.0.1:8080}
inkan=./build/inkan
inkand=./build/inkand
ca=$demo/ca
sub=$demo/subscribers

mkdir -p "$demo"
umask 077
# Demo only: a real CA keeps its passphrase with its key custodians.
[ -f "$demo/passphrase" ] || openssl rand -base64 24 > "$demo/passphrase"
umask 022
export INKAN_PASSPHRASE_FILE="$demo/passphrase"

csr() {	# csr NAME BITS: a subscriber key pair and request, made by openssl
	openssl req -new -newkey "rsa:$2" -nodes -keyout "$sub/$1.key" \
		-subj "/CN=$1" -out "$sub/$1.csr" 2>/dev/null
}

create() {
	$inkan --dir "$ca" init --config etc/inkan.conf.example \
		--key-blocklist src/lint/blocklist.sha256
	mkdir -p "$sub"
	csr client 2048
	csr document 2048
	csr smime 2048
	csr codesign 3072
	$inkan --dir "$ca" issue --policy client --csr "$sub/client.csr" \
		--subject "/C=JP/O=Example Corp/OU=Sales/CN=Taro Yamada" \
		--email taro@example.jp --upn taro@example.jp \
		--out "$sub/client.pem" --chain-out "$sub/client-chain.pem"
	$inkan --dir "$ca" issue --policy document --csr "$sub/document.csr" \
		--subject "/C=JP/O=Example Corp/CN=Hanako Sato" \
		--out "$sub/document.pem" --chain-out "$sub/document-chain.pem"
	$inkan --dir "$ca" issue --policy smime --csr "$sub/smime.csr" \
		--subject "/CN=taro@example.jp" --email taro@example.jp \
		--out "$sub/smime.pem" --chain-out "$sub/smime-chain.pem"
	$inkan --dir "$ca" issue --policy codesign --csr "$sub/codesign.csr" \
		--subject "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp" \
		--out "$sub/codesign.pem" --chain-out "$sub/codesign-chain.pem"
	$inkan --dir "$ca" issue --policy client --generate-key \
		--subject "/C=JP/O=Example Corp/CN=Jiro Suzuki" \
		--p12 "$sub/generated.p12" --pin-out "$sub/generated.pin" \
		--out "$sub/generated.pem"
	# The repository: the CP (CC BY-ND 4.0, published unchanged) and a
	# CPS placeholder the operator replaces (CP-2.1).
	for cp in ../shared/cp/*.txt; do
		[ -f "$cp" ] && $inkan --dir "$ca" publish "$cp"
	done
	printf '%s\n' "Certification Practice Statement" "" \
	    "Placeholder: the operator publishes the CPS here with" \
	    "  inkan --dir DIR publish cps.pdf --as cps.pdf" > "$demo/cps.txt"
	$inkan --dir "$ca" publish "$demo/cps.txt"
}

[ -e "$ca/inkan.db" ] || create

base=http://$listen
echo
echo "demo: CA directory          $ca (store: $ca/inkan.db)"
echo "demo: CA certificates       $ca/repository/certs/"
echo "demo: subscriber certs      $sub/{client,document,smime,codesign}.pem"
echo "demo: CA-generated key      $sub/generated.p12 (PIN in $sub/generated.pin)"
echo "demo: repository            $base/repository/"
echo "demo: OCSP                  $base/ocsp/pubca1 (POST or GET)"
echo "demo: metrics, health       $base/metrics  $base/healthz"
echo "demo: try  openssl ocsp -issuer $ca/repository/certs/pubca1.rootca2.pem \\"
echo "             -cert $sub/client.pem -url $base/ocsp/pubca1 -resp_text"
echo "demo: serving until Ctrl-C"
exec $inkand --dir "$ca" --listen "$listen" --foreground
