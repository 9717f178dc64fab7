# The lab DNS of the tests/ra scripts (sourced after tests/ra/lib.sh): a
# real nsd on 127.0.0.1 serving a made-up lab. hierarchy signed with
# ldns-signzone, whose DS is the trust anchor libunbound is given:
#   lab.          signed, the anchor; ns.lab. is 127.0.0.1
#   secure.lab.   signed, DS in lab.; CAA issuemail for ca.inkan.test at
#                 the apex, and names that refuse (refuse., deny., crit.)
#   plain.lab.    unsigned (insecure)
#   broken.lab.   signed with expired signatures (bogus)
# SECURE_EXTRA, PLAIN_EXTRA and BROKEN_EXTRA add records (zone lines) to
# the next `zones`. dns_lab_start signs and serves them; dns_lab_conf
# prints the [validation] lines that point inkan at this DNS. nsd is
# stopped by PID (NSD_PID) in ra_finish.
#
# Needs: nsd ldns-keygen ldns-signzone drill.

DNS=$TMP/dns
mkdir -p "$DNS"
keygen() {
	(cd "$DNS" && ldns-keygen -a ECDSAP256SHA256 -k "$1")
}
KLAB=$(keygen lab)
KSEC=$(keygen secure.lab)
KBRK=$(keygen broken.lab)
# The trust anchor: the DS of lab. (libunbound reads DS or DNSKEY lines).
cp "$DNS/$KLAB.ds" "$DNS/ta.ds"
SERIAL=1
SECURE_EXTRA=
PLAIN_EXTRA=
BROKEN_EXTRA=

soa() {
	printf '$ORIGIN %s.\n$TTL 60\n@ IN SOA ns.lab. hostmaster.lab. %s 3600 600 86400 60\n@ IN NS ns.lab.\n' "$1" "$SERIAL"
}

# zones: writes and signs every zone from the *_EXTRA records.
zones() {
	SERIAL=$((SERIAL + 1))
	{
		soa lab
		printf 'ns IN A 127.0.0.1\n'
		for _z in secure plain broken; do
			printf '%s IN NS ns.lab.\n' "$_z"
		done
		cat "$DNS/$KSEC.ds" "$DNS/$KBRK.ds"
	} > "$DNS/lab.zone"
	{
		soa secure.lab
		# CAA issuemail (RFC 9495): ours at the apex, with a parameter.
		printf '@ IN CAA 0 issuemail "ca.inkan.test; account=42"\n'
		printf '@ IN CAA 0 iodef "mailto:security@secure.lab"\n'
		printf 'refuse IN CAA 0 issuemail "other-ca.example"\n'
		printf 'deny IN CAA 0 issuemail ";"\n'
		printf 'crit IN CAA 0 issuemail "ca.inkan.test"\n'
		printf 'crit IN CAA 128 tbs "unknown critical"\n'
		printf 'tlsonly IN CAA 0 issue "other-ca.example"\n'
		printf '%b' "$SECURE_EXTRA"
	} > "$DNS/secure.lab.zone"
	{
		soa plain.lab
		printf '@ IN CAA 0 issuemail "ca.inkan.test"\n'
		printf '%b' "$PLAIN_EXTRA"
	} > "$DNS/plain.lab.zone"
	{
		soa broken.lab
		printf '@ IN CAA 0 issuemail "ca.inkan.test"\n'
		printf '%b' "$BROKEN_EXTRA"
	} > "$DNS/broken.lab.zone"
	(
		cd "$DNS"
		ldns-signzone -e 20300101000000 lab.zone "$KLAB"
		ldns-signzone -e 20300101000000 secure.lab.zone "$KSEC"
		# Signatures that expired years ago: a bogus zone.
		ldns-signzone -i 20200101000000 -e 20200201000000 \
		    broken.lab.zone "$KBRK"
		cp plain.lab.zone plain.lab.zone.signed
	) || fail "ldns-signzone failed"
}

start_nsd() {
	_try=0
	while [ $_try -lt 10 ]; do
		_try=$((_try + 1))
		NSPORT=${NSPORT:-$(random_port)}
		cat > "$DNS/nsd.conf" <<EOF
server:
	ip-address: 127.0.0.1
	port: $NSPORT
	username: ""
	chroot: ""
	zonesdir: "$DNS"
	database: ""
	pidfile: "$DNS/nsd.pid"
	xfrdfile: "$DNS/xfrd.state"
	zonelistfile: "$DNS/zone.list"
	server-count: 1
	verbosity: 1
remote-control:
	control-enable: no
EOF
		for _z in lab secure.lab plain.lab broken.lab; do
			printf 'zone:\n\tname: %s\n\tzonefile: %s.zone.signed\n' \
			    "$_z" "$_z" >> "$DNS/nsd.conf"
		done
		timeout 600 nsd -d -c "$DNS/nsd.conf" > "$DNS/nsd.log" 2>&1 &
		NSD_PID=$!
		_t=0
		while [ $_t -lt 50 ]; do
			if drill -p "$NSPORT" @127.0.0.1 SOA secure.lab 2>/dev/null |
			    grep -q 'rcode: NOERROR' &&
			    drill -p "$NSPORT" @127.0.0.1 SOA lab 2>/dev/null |
			    grep -q "hostmaster.lab. $SERIAL "; then
				note "nsd (pid $NSD_PID) on 127.0.0.1:$NSPORT, serial $SERIAL"
				return 0
			fi
			kill -0 "$NSD_PID" 2>/dev/null || break
			sleep 0.1
			_t=$((_t + 1))
		done
		kill "$NSD_PID" 2>/dev/null || :
		wait "$NSD_PID" 2>/dev/null || :
		NSD_PID=
		grep -q 'in use' "$DNS/nsd.log" || break
		NSPORT=
	done
	cat "$DNS/nsd.log" >&2
	fail "nsd did not start"
}

restart_nsd() {
	_port=$NSPORT
	kill -TERM "$NSD_PID"
	wait "$NSD_PID" 2>/dev/null || :
	NSD_PID=
	start_nsd
	[ "$NSPORT" = "$_port" ] || fail "nsd could not take port $_port again"
}


# dns_lab_start: signs the zones and starts nsd; checks with drill that
# secure.lab. is served signed.
dns_lab_start() {
	zones
	start_nsd
	drill -D -p "$NSPORT" @127.0.0.1 CAA secure.lab | grep -q 'RRSIG' ||
	    fail "secure.lab is not served signed"
}

# dns_lab_conf: the [validation] DNS settings for this lab (no header).
dns_lab_conf() {
	printf 'dns_trust_anchor = %s
' "$DNS/ta.ds"
	printf 'dns_stub = lab@127.0.0.1@%s secure.lab@127.0.0.1@%s plain.lab@127.0.0.1@%s broken.lab@127.0.0.1@%s
' \
	    "$NSPORT" "$NSPORT" "$NSPORT" "$NSPORT"
	printf 'caa_identities = ca.inkan.test
'
}
