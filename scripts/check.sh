#!/bin/sh
# Installs what the tests need, then builds and runs every test twice:
# once in a normal build and once under AddressSanitizer and
# UndefinedBehaviorSanitizer. ctest prints the closing summary.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
jobs=$(nproc)

echo "== build (RelWithDebInfo, -Werror)"
BUILD_DIR=build ./scripts/build.sh
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== build (ASan + UBSan)"
BUILD_DIR=build-asan INKAN_SANITIZE=1 CMAKE_BUILD_TYPE=Debug ./scripts/build.sh
echo "== tests under ASan + UBSan"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build-asan --output-on-failure -j"$jobs"
