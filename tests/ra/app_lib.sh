# Helpers of tests/ra/test_app_*.sh (sourced after lib.sh): a CA with an
# RA operator, two LRAs with their client certificates and operators, an
# applying organisation, a real SMTP sink (and with APP_DNS_LAB=1 a real
# signed DNS) and inkand with its TLS LRA listener; curl wrappers for both APIs; TOTP codes from oathtool that
# are always later than the account's last used step.

# post PATH JSON TOKEN: a JSON POST to the RA API.
post() {
	api POST "$1" -H 'Content-Type: application/json' \
	    -H "Authorization: Bearer $3" --data-binary "$2"
}

get() {
	api GET "$1" -H "Authorization: Bearer $2"
}

# lra WHO METHOD PATH [CURL ARGS...]: the LRA API with WHO's client
# certificate ($TMP/WHO.pem, $TMP/WHO.key); CODE, $TMP/b, $TMP/h.
lra() {
	_w=$1 _m=$2 _p=$3
	shift 3
	CODE=$(curl -s -S --max-time 60 --cacert "$TMP/tls.pem" \
	    --cert "$TMP/$_w.pem" --key "$TMP/$_w.key" -X "$_m" -o "$TMP/b" \
	    -D "$TMP/h" -w '%{http_code}' "$@" "$L$_p") || CODE=000
}

# lra_post WHO PATH JSON
lra_post() {
	lra "$1" POST "$2" -H 'Content-Type: application/json' \
	    --data-binary "$3"
}

has() {
	grep -qF -- "$1" "$TMP/b" || fail "$2: answer lacks $1: $(cat "$TMP/b")"
}

# jint NAME: an integer member of a compact JSON object (first one).
jint() {
	sed -n "s/.*\"$1\":\([0-9][0-9]*\).*/\1/p" "${2:-$TMP/b}" | head -n 1
}

login() {
	api POST /login -H 'Content-Type: application/json' \
	    --data-binary "{\"name\":\"$1\",\"password\":\"$2\"}"
	[ "$CODE" = 200 ] || fail "login $1: HTTP $CODE: $(cat "$TMP/b")"
	TOKEN=$(jfield token)
}

# enrol NAME: enrols TOTP for the session in TOKEN; the secret is kept
# in $TMP/NAME.totp and the step the confirmation used in $TMP/NAME.step.
enrol() {
	post /mfa/enrol '{}' "$TOKEN"
	[ "$CODE" = 200 ] || fail "enrol: HTTP $CODE: $(cat "$TMP/b")"
	jfield secret > "$TMP/$1.totp"
	_now=$(date +%s)
	post /mfa/confirm "{\"totp\":\"$(oathtool --totp -b "$(cat "$TMP/$1.totp")" \
	    --now "@$_now")\"}" "$TOKEN"
	[ "$CODE" = 200 ] || fail "confirm: HTTP $CODE: $(cat "$TMP/b")"
	echo $((_now / 30)) > "$TMP/$1.step"
}

# totp NAME: sets TOTP to a code of NAME's secret for a step later than
# the last one used (waiting if that step is not yet within the window).
totp() {
	_last=$(cat "$TMP/$1.step")
	_s=$(($(date +%s) / 30))
	[ "$_s" -gt "$_last" ] || _s=$((_last + 1))
	while [ "$_s" -gt $(($(date +%s) / 30 + 1)) ]; do
		sleep 1
	done
	TOTP=$(oathtool --totp -b "$(cat "$TMP/$1.totp")" --now "@$((_s * 30))")
	echo "$_s" > "$TMP/$1.step"
}

# json_pem FILE: the PEM file as the inside of a JSON string.
json_pem() {
	awk '{ printf "%s\\n", $0 }' "$1"
}

# app_count: how many applications the store holds.
app_count() {
	sqlite3 "$CA/inkan.db" 'SELECT count(*) FROM ra_applications'
}

# trust_from_repository: $TMP/roots.pem (self-signed) and $TMP/inter.pem
# (every other CA certificate) from DIR/repository, as relying parties get
# them.
trust_from_repository() {
	: > "$TMP/roots.pem"
	: > "$TMP/inter.pem"
	find "$CA/repository" -name '*.cer' | while read -r _f; do
		openssl x509 -inform DER -in "$_f" -out "$TMP/one.pem" \
		    2>/dev/null || continue
		if [ "$(openssl x509 -in "$TMP/one.pem" -noout -subject)" = \
		    "$(openssl x509 -in "$TMP/one.pem" -noout -issuer | \
		    sed 's/^issuer/subject/')" ]; then
			cat "$TMP/one.pem" >> "$TMP/roots.pem"
		else
			cat "$TMP/one.pem" >> "$TMP/inter.pem"
		fi
	done
	[ -s "$TMP/roots.pem" ] || fail "no root certificate in $CA/repository"
}

# app_world: the CA, accounts, organisations, certificates, SMTP sink,
# suspicious list and inkand (RA_TLS). Sets OP (RA operator token).
app_world() {
	FRESH=$(date -u -d '-20 days' +%F)
	init_ca "$CA"
	CONF=$CA/inkan.conf
	printf 'ra operator password\n' > "$TMP/op.pw"
	printf 'lra operator password\n' > "$TMP/lop.pw"
	printf 'beta lra operator pw\n' > "$TMP/bop.pw"
	printf 'auditor password 42\n' > "$TMP/aud.pw"
	inkan_ok "add RA operator" --dir "$CA" account add op --role ra \
	    --password-file "$TMP/op.pw"
	inkan_ok "add auditor" --dir "$CA" account add aud --role auditor \
	    --password-file "$TMP/aud.pw"
	for _o in acme-lra beta-lra; do
		inkan_ok "register $_o" --dir "$CA" org add "$_o" \
		    --display-name "$_o K.K." --kind lra \
		    --evidence "seal-certificate:$FRESH:Minato City Office"
		inkan_ok "approve $_o" --dir "$CA" org approve "$_o"
		inkan_ok "policies of $_o" --dir "$CA" org set "$_o" \
		    --policies client,document
	done
	inkan_ok "register gamma" --dir "$CA" org add gamma \
	    --display-name "Gamma Corp." --kind organisation \
	    --evidence "seal-certificate:$FRESH:Chiyoda City Office"
	inkan_ok "approve gamma" --dir "$CA" org approve gamma
	inkan_ok "policies of gamma" --dir "$CA" org set gamma \
	    --policies client,document,smime
	inkan_ok "add LRA operator of acme" --dir "$CA" account add lop \
	    --role lra --org acme-lra --password-file "$TMP/lop.pw"
	inkan_ok "add LRA operator of beta" --dir "$CA" account add bop \
	    --role lra --org beta-lra --password-file "$TMP/bop.pw"
	# The LRAs' client certificates, issued by inkan and bound.
	for _o in acme beta; do
		make_csr "$TMP/$_o" 2048
		inkan_ok "issue the $_o LRA certificate" --dir "$CA" \
		    --passphrase-file "$PASS" issue --policy client \
		    --csr "$TMP/$_o.csr" --subject "/C=JP/O=$_o K.K./CN=$_o LRA" \
		    --out "$TMP/$_o.pem"
		inkan_ok "bind the $_o certificate" --dir "$CA" org bind-cert \
		    "$_o-lra" --cert "$TMP/$_o.pem"
	done
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/tls.key" \
	    -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -days 2 \
	    -out "$TMP/tls.pem" 2>/dev/null || fail "openssl cannot make tls.pem"
	start_smtp
	printf '# CP-4.2.2 suspicious list\nMallory Evil\nevil.example\nfraud@example.org\n' \
	    > "$TMP/suspicious.txt"
	printf '\n[mail]\nsmtp_url = smtp://127.0.0.1:%s\nfrom = ra@inkan.example\n\n[ra]\nsuspicious_list = %s\n' \
	    "$SMTP_PORT" "$TMP/suspicious.txt" >> "$CONF"
	# APP_DNS_LAB=1: the signed lab DNS (tests/ra/dns_lab.sh) for e-mail
	# validations and CAA issuemail of secure.lab addresses.
	if [ "${APP_DNS_LAB:-0}" = 1 ]; then
		. "$INKAN_SOURCE_DIR/tests/ra/dns_lab.sh"
		dns_lab_start
		printf '\n[validation]\n%s\n' "$(dns_lab_conf)" >> "$CONF"
	fi
	RA_TLS=1
	start_inkand
	login op "ra operator password"
	enrol op
	OP=$TOKEN
	login aud "auditor password 42"
	AUD=$TOKEN
	login lop "lra operator password"
	enrol lop
	login bop "beta lra operator pw"
	enrol bop
	ok "operators enrolled TOTP (oathtool)"
}
