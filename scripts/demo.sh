#!/bin/sh
# The main job: installs what is needed, builds, creates a demo CA
# hierarchy in ./demo (SQLite store) and issues one certificate of every
# policy, then says where everything is.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD_DIR=build ./scripts/build.sh

demo=${DEMO_DIR:-demo}
inkan=./build/inkan
if [ -e "$demo/ca/inkan.db" ]; then
	echo "demo: $demo already holds a CA; remove it to start again"
	exit 1
fi
mkdir -p "$demo/subscribers"
umask 077
# Demo only: a real CA keeps its passphrase with its key custodians.
[ -f "$demo/passphrase" ] || openssl rand -base64 24 > "$demo/passphrase"
umask 022
export INKAN_PASSPHRASE_FILE="$demo/passphrase"

$inkan --dir "$demo/ca" init --config etc/inkan.conf.example

sub="$demo/subscribers"
csr() {	# csr NAME BITS: a subscriber key pair and request, made by openssl
	openssl req -new -newkey "rsa:$2" -nodes -keyout "$sub/$1.key" \
		-subj "/CN=$1" -out "$sub/$1.csr" 2>/dev/null
}
csr client 2048
csr document 2048
csr smime 2048
csr codesign 3072

$inkan --dir "$demo/ca" issue --policy client --csr "$sub/client.csr" \
	--subject "/C=JP/O=Example Corp/OU=Sales/CN=Taro Yamada" \
	--email taro@example.jp --upn taro@example.jp \
	--out "$sub/client.pem" --chain-out "$sub/client-chain.pem"
$inkan --dir "$demo/ca" issue --policy document --csr "$sub/document.csr" \
	--subject "/C=JP/O=Example Corp/CN=Hanako Sato" \
	--out "$sub/document.pem" --chain-out "$sub/document-chain.pem"
$inkan --dir "$demo/ca" issue --policy smime --csr "$sub/smime.csr" \
	--subject "/CN=taro@example.jp" --email taro@example.jp \
	--out "$sub/smime.pem" --chain-out "$sub/smime-chain.pem"
$inkan --dir "$demo/ca" issue --policy codesign --csr "$sub/codesign.csr" \
	--subject "/C=JP/ST=Tokyo/O=Example Corp/CN=Example Corp" \
	--out "$sub/codesign.pem" --chain-out "$sub/codesign-chain.pem"
$inkan --dir "$demo/ca" issue --policy client --generate-key \
	--subject "/C=JP/O=Example Corp/CN=Jiro Suzuki" \
	--p12 "$sub/generated.p12" --pin-out "$sub/generated.pin" \
	--out "$sub/generated.pem"

echo
echo "demo: CA directory          $demo/ca (store: $demo/ca/inkan.db)"
echo "demo: CA certificates       $demo/ca/repository/certs/"
echo "demo: OCSP responder certs  $demo/ca/ocsp/"
echo "demo: subscriber certs      $sub/{client,document,smime,codesign}.pem"
echo "demo: CA-generated key      $sub/generated.p12 (PIN in $sub/generated.pin)"
echo
$inkan --dir "$demo/ca" list
