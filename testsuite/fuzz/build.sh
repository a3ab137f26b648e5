#!/bin/bash
# build.sh OUT - build the pass-1 fuzz target with clang's libFuzzer, ASan
# and UBSan.  Needs clang-14 and libclang-rt-14-dev (scripts/install-deps)
# and a configured tree (config.h in TOP_BUILDDIR).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=${TOP_SRCDIR:-$(cd "$here/../.." && pwd)}
builddir=${TOP_BUILDDIR:-$top}
out=${1:?usage: build.sh OUT}
cc=${FUZZ_CC:-clang-14}
command -v "$cc" >/dev/null || { echo "build.sh: $cc not found: apt-get install clang-14 libclang-rt-14-dev" >&2; exit 1; }

# Pass 1 and what it needs; nothing that runs later passes.
srcs=(arena diag ast lexer preprocess macro parser parse_expr format unparse target pass1 paths compat examples)
files=()
for s in "${srcs[@]}"; do files+=("$top/translator/$s.c"); done
"$cc" -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DPKGDATADIR='"/nonexistent"' -DPKGLIBEXECDIR='"/nonexistent"' \
	-I"$builddir" -I"$top/translator" "${files[@]}" "$here/fuzz_pass1.c" -o "$out"
