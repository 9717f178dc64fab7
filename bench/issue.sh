#!/bin/sh
# Issuance throughput against the raw RSA signing rate (docs/performance.md).
# Builds if needed, prints the machine and, for context, openssl speed,
# then runs bench_issue for an RSA-2048 and an RSA-4096 issuing key.
# Arguments go to bench_issue (e.g. -n 4000 -b 128, --bits 2048, --keep);
# SPEED=0 skips openssl speed. Exit status: bench_issue's (1: below the bar).
set -eu
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
# Only the bench and the library: a broken test elsewhere must not stop it.
[ -f "$build_dir/CMakeCache.txt" ] || BUILD_DIR=$build_dir ./scripts/build.sh
cmake --build "$build_dir" --target bench_issue -j"$(nproc)" >/dev/null

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "machine: $(nproc) CPUs ($cpu), $(openssl version | cut -d' ' -f1-2)"
if [ "${SPEED:-1}" = 1 ]; then
	echo "context: openssl speed -seconds 3 (one core, sign/s is column 6)"
	openssl speed -seconds 3 rsa2048 rsa4096 2>/dev/null |
		awk '/sign\/s/ || /^rsa/ { print "  " $0 }'
fi
exec "$build_dir/bench_issue" "$@"
