#!/bin/sh
# OCSP requests/s: inkand against 'openssl ocsp -port' and against nginx
# serving the same pre-signed responses as static files, all measured with
# wrk in the same run (docs/performance.md, "The OCSP benchmark").
#
# Set-up: 'inkan init' (rootca2 and pubca1, RSA-2048, responder RSA-2048),
# N client certificates issued through ca_issue_batch and every 100th
# revoked (bench_ocsp issue), 'inkan ocsp refresh' (every certificate gets
# its pre-signed responses), 'inkan ocsp export', then bench_ocsp prepare:
# M GET paths, one per certificate spread over the N (RFC 6960 A.1: the
# URL-encoded base64 of a DER request, one SHA-1 CertID, no nonce), the
# openssl index.txt of the same store, and an nginx root in which each of
# those paths is the file 'inkan ocsp export' wrote for that certificate.
#
# The servers, on 127.0.0.1 only (openssl ocsp binds every address of its
# port, and is sent nothing but loopback traffic):
#   inkand  --threads = CPUs (its default), responses from memory
#   openssl ocsp -port: one request at a time, signs every response with
#           the same responder certificate and key (decrypted for it)
#   nginx   worker_processes = CPUs, sendfile, open_file_cache, buffered
#           access log (inkand logs every OCSP request too, buffered)
# Each is measured ROUNDS times, in turn, with the same wrk command:
# keep-alive, THREADS threads, CONNS connections, DURATION seconds, the
# M paths in a cycle (bench/ocsp.lua). openssl's responder closes the
# connection after each answer (HTTP/1.0), so wrk reconnects for it.
#
# Bars: inkand >= 20x openssl ocsp, inkand >= 0.5x nginx (medians).
#
# Environment: N (10000), M (1000), ROUNDS (3), DURATION (10), THREADS (1),
# CONNS (16), PORT (18480: PORT, PORT+1, PORT+2 are used), BASE
# (/var/tmp), KEEP=1, BUILD_DIR (build). Exit 0 when both bars are met, 1
# when one is missed or a check fails, 2 for a set-up error.
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
build_dir=${BUILD_DIR:-build}
N=${N:-10000}
M=${M:-1000}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
THREADS=${THREADS:-1}
CONNS=${CONNS:-16}
PORT=${PORT:-18480}
BASE=${BASE:-/var/tmp}
BAR_OPENSSL=20
BAR_NGINX=0.5

[ -f "$build_dir/CMakeCache.txt" ] || BUILD_DIR=$build_dir ./scripts/build.sh
cmake --build "$build_dir" --target inkan inkand bench_ocsp -j"$(nproc)" \
    >/dev/null
inkan=$root/$build_dir/inkan
inkand=$root/$build_dir/inkand
helper=$root/$build_dir/bench_ocsp
lua=$root/bench/ocsp.lua
for tool in wrk nginx openssl curl timeout; do
	command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
		{ echo "bench/ocsp: $tool missing (scripts/install-deps.sh)" >&2; exit 2; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
p_inkand=$PORT
p_openssl=$((PORT + 1))
p_nginx=$((PORT + 2))
# Whether something listens on TCP port $1 (from /proc: a probe connection
# would hang openssl ocsp, see bench/ocsp.lua).
listening() {
	hex=$(printf ':%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
	    awk -v h="$hex" '$4 == "0A" && substr($2, length($2) - 4) == h { f = 1 }
		END { exit !f }'
}
for p in $p_inkand $p_openssl $p_nginx; do
	if listening "$p"; then
		echo "bench/ocsp: port $p is in use; set PORT" >&2
		exit 2
	fi
done

tmp=$(mktemp -d "$BASE/inkan-ocspbench.XXXXXX")
pids=""
stop() {	# stops the servers this script started, by their PIDs
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $pids; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -9 "$pid" 2>/dev/null || true
	done
	pids=""
}
cleanup() {
	stop
	if [ "${KEEP:-0}" = 1 ]; then echo "kept: $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM

ca=$tmp/ca
out=$tmp/out
pass=$tmp/passphrase
mkdir -p "$out" "$tmp/log"
openssl rand -hex 24 >"$pass"
chmod 600 "$pass"
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

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "machine: $(nproc) CPUs ($cpu), $(openssl version | cut -d' ' -f1-2)," \
    "$($nginx_bin -v 2>&1 | sed 's/.*: //'), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "folder: $tmp"

# --- the CA, its certificates and their pre-signed responses ----------------
t0=$(date +%s)
"$inkan" --dir "$ca" --passphrase-file "$pass" -q init --config "$tmp/inkan.conf"
timeout 1800 "$helper" issue --dir "$ca" --passphrase-file "$pass" -n "$N" \
    --revoke 100
t1=$(date +%s)
timeout 1800 "$inkan" --dir "$ca" --passphrase-file "$pass" -q ocsp refresh
"$inkan" --dir "$ca" -q ocsp export --out "$tmp/export"
echo "  set-up: $N certificates in $((t1 - t0)) s, their OCSP responses" \
    "signed in $(($(date +%s) - t1)) s, $(ls "$tmp/export/pubca1" | wc -l)" \
    "files exported"
"$helper" prepare --dir "$ca" -m "$M" --export "$tmp/export" --out "$out"
echo "unique_subject = no" >"$out/index.txt.attr"
cacert=$ca/repository/pfm20pub/ca1/pubca1.pem
cat "$ca/repository/SC-Root2/SCRoot2ca.pem" "$cacert" >"$tmp/cafile.pem"
openssl pkey -in "$ca/keys/pubca1-ocsp.key" -passin "file:$pass" \
    -out "$tmp/responder.key"
chmod 600 "$tmp/responder.key"

# --- the servers --------------------------------------------------------------
# Waits until URL answers (any HTTP status), at most 20 s.
wait_http() {
	i=0
	until curl -s -o /dev/null --max-time 1 "$1"; do
		i=$((i + 1))
		if [ $i -ge 40 ]; then
			echo "bench/ocsp: $1 does not answer" >&2
			return 1
		fi
		sleep 0.5
	done
}

start_inkand() {
	"$inkand" --dir "$ca" --passphrase-file "$pass" --foreground -q \
	    --listen "127.0.0.1:$p_inkand" >"$tmp/log/inkand.log" 2>&1 &
	pids="$pids $!"
	wait_http "http://127.0.0.1:$p_inkand/healthz"
}

start_nginx() {
	mkdir -p "$tmp/nginx"
	cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes $(nproc);
daemon off;
master_process on;
pid $tmp/nginx/nginx.pid;
error_log $tmp/log/nginx-error.log warn;
events { worker_connections 4096; }
http {
	access_log $tmp/log/nginx-access.log combined buffer=64k flush=1s;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	keepalive_timeout 60s;
	open_file_cache max=4096 inactive=60s;
	open_file_cache_valid 60s;
	merge_slashes off;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	server {
		listen 127.0.0.1:$p_nginx;
		root $out/docroot;
		location /ocsp/ {
			default_type application/ocsp-response;
		}
	}
}
EOF
	# As root nginx would hand its workers to 'nobody', who cannot read
	# the private folder; let them read the files to serve.
	if [ "$(id -u)" = 0 ]; then
		sed -i '1i user root;' "$tmp/nginx/nginx.conf"
	fi
	"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" \
	    >"$tmp/log/nginx.out" 2>&1 &
	pids="$pids $!"
	wait_http "http://127.0.0.1:$p_nginx/"
}

start_openssl() {
	(cd "$out" && exec openssl ocsp -port "$p_openssl" -index index.txt \
	    -CA "$cacert" -rsigner "$ca/ocsp/pubca1-ocsp.pem" \
	    -rkey "$tmp/responder.key" -ndays 4) \
	    >"$tmp/log/openssl.log" 2>&1 &
	pids="$pids $!"
	# No probe with curl: an empty connection hangs it (bench/ocsp.lua).
	i=0
	until listening "$p_openssl"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "bench/ocsp: openssl ocsp does not listen" >&2; return 1; }
		sleep 0.1
	done
}

start_inkand
start_nginx
inkand_pids=$pids

# --- the same request to each: the answers must agree --------------------------
path=$(head -1 "$out/paths.txt")
b64=${path#/ocsp/pubca1/}
curl -s -o "$tmp/r-inkand.der" "http://127.0.0.1:$p_inkand$path"
curl -s -o "$tmp/r-nginx.der" "http://127.0.0.1:$p_nginx$path"
pids=""
start_openssl
curl -s --max-time 10 -o "$tmp/r-openssl.der" "http://127.0.0.1:$p_openssl/$b64"
stop
pids=$inkand_pids
check=ok
for who in inkand nginx openssl; do
	openssl ocsp -respin "$tmp/r-$who.der" -issuer "$cacert" \
	    -CAfile "$tmp/cafile.pem" -resp_text >"$tmp/v.out" 2>"$tmp/v.err" ||
	    true
	status=$(grep -E "^ +Cert Status:" "$tmp/v.out" | tr -s ' ' | head -1)
	verified=$(grep -o "Response verify OK" "$tmp/v.err" || echo "NOT VERIFIED")
	echo "  $who answers the first path:$status; $verified"
	case "$status $verified" in *"Cert Status: good Response verify OK") ;;
	*) check=FAIL ;; esac
done
if cmp -s "$tmp/r-inkand.der" "$tmp/r-nginx.der"; then
	echo "  inkand and nginx send the same pre-signed response (byte for byte)"
else
	echo "  inkand and nginx send different responses"
	check=FAIL
fi
[ "$check" = ok ] || { echo "bench/ocsp: the servers do not agree" >&2; exit 1; }

# --- measurements ----------------------------------------------------------------
# One wrk run: "req/s p50 p99 errors" (latency in ms) into a file.
measure() {	# name url [strip]
	name=$1
	url=$2
	strip=${3:-}
	timeout $((DURATION + 30)) wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" \
	    --timeout 10s --latency -s "$lua" "$url" -- "$out/paths.txt" $strip \
	    >"$tmp/wrk.out" 2>&1 || true
	awk -v name="$name" '
		function ms(v) {
			if (v ~ /us$/) return v / 1000
			if (v ~ /ms$/) return v + 0
			if (v ~ /s$/) return v * 1000
			return v
		}
		/Requests\/sec:/ { rps = $2 }
		/^ +50%/ { p50 = ms($2) }
		/^ +99%/ { p99 = ms($2) }
		/Non-2xx/ { bad += $NF }
		/Socket errors/ { gsub(",", ""); bad += $4 + $6 + $8 + $10 }
		END {
			if (rps == "") rps = 0
			printf "%s %s %.3f %.3f %d\n", name, rps, p50, p99, bad
		}' "$tmp/wrk.out" >>"$tmp/results"
	tail -1 "$tmp/results" | awk '{ printf "    %-8s %10.1f req/s  p50 %8.3f ms  p99 %8.3f ms  errors %d\n", $1, $2, $3, $4, $5 }'
}

: >"$tmp/results"
# Warm-up, not counted: caches, connections, page faults.
DURATION_SAVED=$DURATION
DURATION=2
measure warm "http://127.0.0.1:$p_inkand" >/dev/null
measure warm "http://127.0.0.1:$p_nginx" >/dev/null
DURATION=$DURATION_SAVED
: >"$tmp/results"
r=1
while [ $r -le "$ROUNDS" ]; do
	echo "  round $r: wrk -t$THREADS -c$CONNS -d${DURATION}s," \
	    "$(wc -l <"$out/paths.txt") paths"
	measure inkand "http://127.0.0.1:$p_inkand"
	measure nginx "http://127.0.0.1:$p_nginx"
	# A fresh responder each round: wrk leaves it looping on the
	# connections it closes at the end (bench/ocsp.lua).
	saved=$pids
	pids=""
	start_openssl
	measure openssl "http://127.0.0.1:$p_openssl" /ocsp/pubca1
	stop
	pids=$saved
	r=$((r + 1))
done
stop
grep -c '"code":200' "$ca/log/ocsp-access.log" 2>/dev/null |
    sed 's/^/  inkand access log: /; s/$/ requests answered 200/' || true

# --- the table ----------------------------------------------------------------------
median() {	# column of name
	awk -v n="$1" -v c="$2" '$1 == n { print $c }' "$tmp/results" | sort -g |
	    awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : 0 }'
}
errors=$(awk '{ s += $5 } END { print s + 0 }' "$tmp/results")
echo
printf '%-18s %12s %10s %10s %14s %8s  %s\n' server "req/s" "p50 ms" "p99 ms" \
    "inkand ratio" bar result
fail=0
ri=$(median inkand 2)
for who in inkand openssl nginx; do
	rps=$(median "$who" 2)
	p50=$(median "$who" 3)
	p99=$(median "$who" 4)
	case $who in
	inkand) ratio=-; bar=-; verdict="" ;;
	openssl)
		ratio=$(awk -v a="$ri" -v b="$rps" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }')
		bar=">= ${BAR_OPENSSL}x"
		verdict=$(awk -v a="$ri" -v b="$rps" -v t="$BAR_OPENSSL" \
		    'BEGIN { print ((b > 0 && a / b >= t) ? "PASS" : "FAIL") }') ;;
	nginx)
		ratio=$(awk -v a="$ri" -v b="$rps" 'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')
		bar=">= ${BAR_NGINX}x"
		verdict=$(awk -v a="$ri" -v b="$rps" -v t="$BAR_NGINX" \
		    'BEGIN { print ((b > 0 && a / b >= t) ? "PASS" : "FAIL") }') ;;
	esac
	[ "$verdict" != FAIL ] || fail=1
	case $who in
	inkand) label="inkand" ;;
	openssl) label="openssl ocsp" ;;
	nginx) label="nginx static" ;;
	esac
	printf '%-18s %12.1f %10.3f %10.3f %14s %8s  %s\n' "$label" "$rps" "$p50" \
	    "$p99" "$ratio" "$bar" "$verdict"
done
echo "medians of $ROUNDS rounds; ratio = inkand req/s / that server's;" \
    "errors (non-2xx, socket) over all runs: $errors"
if [ "$errors" -ne 0 ]; then
	echo "bench/ocsp: some requests failed (see the rows above)" >&2
	fail=1
fi
exit $fail
