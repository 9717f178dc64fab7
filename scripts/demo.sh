#!/bin/sh
# The main job: installs what is needed, builds, creates a demo CA
# hierarchy in ./demo (SQLite store), issues one certificate of every
# policy, publishes the CP, CRLs and OCSP responses, then serves the
# repository, CRLs and OCSP on 127.0.0.1:8080, and the LDAP directory named
# in the certificates' CRL distribution points (slapd on 127.0.0.1:3890,
# filled by inkand), until Ctrl-C. The RA API is on the same port: the
# demo makes an RA operator account (password in demo/ra-operator.pw) and
# runs a local SMTP sink (tests/ra/smtp_sink.py, 127.0.0.1:2525) that keeps
# every mail the RA sends as demo/mail/NNNN.eml.
# Run it again to serve the same demo CA; remove ./demo to start anew.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
BUILD_DIR=build ./scripts/build.sh

demo=${DEMO_DIR:-demo}
listen=${DEMO_LISTEN:-127.0.0.1:8080}
# As ldap_url in etc/inkan.conf.example: the URL in the certificates.
ldap_port=3890
smtp_port=${DEMO_SMTP_PORT:-2525}
ra_user=demo-ra
inkan=./build/inkan
inkand=./build/inkand
ca=$demo/ca
sub=$demo/subscribers

mkdir -p "$demo"
demo_abs=$(cd "$demo" && pwd)
umask 077
# Demo only: a real CA keeps its passphrase with its key custodians.
[ -f "$demo/passphrase" ] || openssl rand -base64 24 > "$demo/passphrase"
[ -f "$demo/ldap.pw" ] || openssl rand -base64 24 > "$demo/ldap.pw"
[ -f "$demo/ra-operator.pw" ] ||
    openssl rand -base64 24 > "$demo/ra-operator.pw"
umask 022
export INKAN_PASSPHRASE_FILE="$demo/passphrase"

csr() {	# csr NAME BITS: a subscriber key pair and request, made by openssl
	openssl req -new -newkey "rsa:$2" -nodes -keyout "$sub/$1.key" \
		-subj "/CN=$1" -out "$sub/$1.csr" 2>/dev/null
}

create() {
	# The example configuration, publishing to the demo's directory.
	sed "/^\[ca\]/a\\
ldap_bind_dn = cn=inkan,c=JP\\
ldap_bind_password_file = $demo_abs/ldap.pw" etc/inkan.conf.example \
	    > "$demo/inkan.conf"
	# The RA's mail goes to the demo's SMTP sink (docs/configuration.md).
	printf '\n%s\n' "[mail]" "smtp_url = smtp://127.0.0.1:$smtp_port" \
	    "from = ra@example.jp" >> "$demo/inkan.conf"
	$inkan --dir "$ca" init --config "$demo/inkan.conf" \
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

# slapd holding c=JP, as the directory of the CRL DPs' LDAP URLs; inkand
# publishes the CA certificates and CRLs to it at start and on every CRL.
slapd_pid=
start_slapd() {
	mkdir -p "$demo/ldap/db"
	cat > "$demo/ldap/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
pidfile $demo_abs/ldap/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "c=JP"
rootdn "cn=inkan,c=JP"
rootpw $(/usr/sbin/slappasswd -s "$(head -n 1 "$demo/ldap.pw")")
directory $demo_abs/ldap/db
maxsize 1073741824
CONF
	/usr/sbin/slapd -d 0 -f "$demo/ldap/slapd.conf" \
	    -h "ldap://127.0.0.1:$ldap_port/" > "$demo/ldap/slapd.log" 2>&1 &
	slapd_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ldapsearch -x -H "ldap://127.0.0.1:$ldap_port" -b '' -s base \
		    > /dev/null 2>&1 && return 0
		kill -0 "$slapd_pid" 2>/dev/null || break
		sleep 0.5
	done
	echo "demo: slapd did not start (see $demo/ldap/slapd.log);" \
	    "serving without LDAP" >&2
	kill "$slapd_pid" 2>/dev/null || :
	slapd_pid=
}

# A real SMTP server (Debian's aiosmtpd) on 127.0.0.1 that writes every
# message it accepts as demo/mail/NNNN.eml: the RA's notices, PINs and
# validation values land there instead of leaving the machine.
smtp_pid=
start_smtp() {
	mkdir -p "$demo/mail"
	# The sink numbers from 0001 again: keep an earlier run's mails.
	if ls "$demo/mail"/*.eml > /dev/null 2>&1; then
		old=$demo/mail/run-$(date +%Y%m%dT%H%M%S)
		mkdir -p "$old" && mv "$demo/mail"/*.eml "$old/"
	fi
	: > "$demo/mail/sink.out"
	/usr/bin/python3 tests/ra/smtp_sink.py --port "$smtp_port" \
	    --dir "$demo_abs/mail" --max-seconds 31536000 \
	    > "$demo/mail/sink.out" 2> "$demo/mail/sink.log" &
	smtp_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		grep -q '^ready' "$demo/mail/sink.out" && return 0
		kill -0 "$smtp_pid" 2>/dev/null || break
		sleep 0.5
	done
	echo "demo: the SMTP sink did not start (see $demo/mail/sink.log);" \
	    "mails will fail and be recorded as failed" >&2
	kill "$smtp_pid" 2>/dev/null || :
	smtp_pid=
}

# The RA operator of the demo (CP-5.2): TOTP is mandatory for the role, so
# its first login gives an enrolment-only session until it enrols.
add_ra_operator() {
	$inkan --dir "$ca" account list 2>/dev/null |
	    grep -q "^$ra_user[[:space:]]" && return 0
	$inkan --dir "$ca" account add "$ra_user" --role ra \
	    --password-file "$demo/ra-operator.pw"
}

[ -e "$ca/inkan.db" ] || create
add_ra_operator
start_slapd
start_smtp
trap '[ -z "$slapd_pid" ] || kill "$slapd_pid" 2>/dev/null || :
[ -z "$smtp_pid" ] || kill "$smtp_pid" 2>/dev/null || :' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

base=http://$listen
echo
echo "demo: CA directory          $ca (store: $ca/inkan.db)"
echo "demo: CA certificates       $ca/repository/certs/"
echo "demo: subscriber certs      $sub/{client,document,smime,codesign}.pem"
echo "demo: CA-generated key      $sub/generated.p12 (PIN in $sub/generated.pin)"
echo "demo: repository            $base/repository/"
echo "demo: OCSP                  $base/ocsp/pubca1 (POST or GET)"
echo "demo: metrics, health       $base/metrics  $base/healthz"
[ -z "$slapd_pid" ] ||
echo "demo: LDAP directory        ldap://127.0.0.1:$ldap_port (c=JP; CRLs, CA certificates)"
echo "demo: try  openssl ocsp -issuer $ca/repository/certs/pubca1.rootca2.pem \\"
echo "             -cert $sub/client.pem -url $base/ocsp/pubca1 -resp_text"
echo "demo: RA API                $base/ra/v1 (docs/api.md)"
echo "demo: RA operator           $ra_user (role ra), password in $demo/ra-operator.pw"
echo "demo: problem reports       $base/problem-report (anyone, JSON)"
echo "demo: subscriber page       $base/subscriber/ (suspension, revocation)"
[ -z "$smtp_pid" ] ||
echo "demo: mail sink             smtp://127.0.0.1:$smtp_port -> $demo/mail/NNNN.eml"
# The first calls, as in docs/api.md: log in (enrolment-only session),
# enrol TOTP with oathtool, then the full session's first requests.
cat <<EOF
demo: first RA calls, from another terminal in $(pwd):
  U=$base/ra/v1
  printf '{"name":"$ra_user","password":"%s"}\\n' "\$(head -n 1 $demo/ra-operator.pw)" > login.json
  curl -sS -H 'Content-Type: application/json' -d @login.json "\$U/login"
  TOKEN=...   # the "token" member
  curl -sS -X POST -H "Authorization: Bearer \$TOKEN" "\$U/mfa/enrol"
  SECRET=...  # the "secret" member (or the otpauth:// URI in an app)
  CODE=\$(oathtool --totp -b "\$SECRET")
  curl -sS -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d "{\\"totp\\":\\"\$CODE\\"}" "\$U/mfa/confirm"
  curl -sS -H "Authorization: Bearer \$TOKEN" "\$U/me"
  curl -sS -H "Authorization: Bearer \$TOKEN" "\$U/orgs"
  curl -sS -H "Authorization: Bearer \$TOKEN" "\$U/revocations"
  curl -sS -H "Authorization: Bearer \$TOKEN" "\$U/reports"
  # later logins add "totp":"CODE" (a fresh oathtool code) to login.json
EOF
echo "demo: serving until Ctrl-C"
$inkand --dir "$ca" --listen "$listen" --foreground
