#!/bin/sh
# Writes the lint corpus (tests/lint/test_corpus.c) to DIR, default
# ./lint-corpus: one DER file per case and a MANIFEST line
# "file expected-rule profile issuer when" each, then lints every file
# with the CLI as a cross-check. Needs a built tree (scripts/build.sh).
#   sh tests/data/lint/generate.sh [DIR]
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
build=${INKAN_BUILD_DIR:-$top/build}
dir=${1:-lint-corpus}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
INKAN_LINT_CORPUS_DIR=$dir INKAN_TEST_DATA=$top/tests/data \
    INKAN_SOURCE_DIR=$top "$build/tests/unit_lint_test_corpus" >/dev/null
n=0
while read -r file rule profile issuer when; do
	case $file in '#'*) continue ;; esac
	case $file in *.pub) continue ;; esac	# keys: lint_key, no CLI form
	set -- --profile "$profile"
	case $file in *.crl) set -- --type crl ;; *.ocsp) set -- --type ocsp ;; esac
	out=$("$build/inkan" lint "$@" "$dir/$file" 2>&1) || :
	if [ "$rule" != - ] && ! printf '%s\n' "$out" | grep -q " $rule "; then
		echo "note: $file: $rule needs the test's context ($issuer, $when)"
	fi
	n=$((n + 1))
done < "$dir/MANIFEST"
echo "$n artifacts in $dir (MANIFEST lists the rule each breaks)"
