#!/bin/sh
# Configures and builds inkan into BUILD_DIR (default: build).
# INKAN_SANITIZE=1 builds with AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
sanitize=${INKAN_SANITIZE:-0}
if [ "$sanitize" = 1 ]; then san=ON; else san=OFF; fi
cmake -S . -B "$build_dir" -DINKAN_SANITIZE="$san" \
	-DCMAKE_BUILD_TYPE="${CMAKE_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
