# Conveniences; the README's commands are scripts/demo.sh and
# scripts/check.sh, which also install what they need.
.PHONY: all demo check build asan bench clean

all: build
build:
	./scripts/build.sh
asan:
	BUILD_DIR=build-asan INKAN_SANITIZE=1 CMAKE_BUILD_TYPE=Debug ./scripts/build.sh
demo:
	./scripts/demo.sh
check:
	./scripts/check.sh
bench: build
	./bench/issue.sh
clean:
	rm -rf build build-asan demo
