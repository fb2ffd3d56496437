#!/usr/bin/env bash
# Builds shared/ann/wasm/hnsw.wasm from hnswlib's headers (npm package hnswlib-node) with Debian's emscripten.
# Usage: build.sh [OUT.wasm]   (default: shared/ann/wasm/hnsw.wasm). Deterministic: same inputs, same bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=${1:-$here/hnsw.wasm}
src=$root/node_modules/hnswlib-node/src/hnswlib
[ -f "$src/hnswalg.h" ] || { echo "build.sh: hnswlib headers not found at $src (npm ci first)" >&2; exit 1; }
command -v emcc >/dev/null || { echo "build.sh: emcc not found (apt-get install emscripten)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src"/*.h "$work/"
# x86-64 layout: hnswlib files hold 8-byte labels, but size_t is 4 bytes in wasm32.
sed -i 's/^typedef size_t labeltype;$/typedef unsigned long long labeltype;/' "$work/hnswlib.h"
grep -q '^typedef unsigned long long labeltype;$' "$work/hnswlib.h" || { echo "build.sh: labeltype patch did not apply" >&2; exit 1; }
cp "$here/hnsw_api.cpp" "$here/simd_space.h" "$here/hnsw_format.h" "$work/"

exports=_hnsw_last_error,_hnsw_create,_hnsw_deserialize,_hnsw_destroy,_hnsw_add,_hnsw_mark_deleted,_hnsw_set_ef,_hnsw_get_ef,_hnsw_get_m,_hnsw_get_ef_construction,_hnsw_capacity,_hnsw_size,_hnsw_search,_hnsw_distances,_hnsw_serialized_size,_hnsw_serialize,_malloc,_free
cd "$work"
emcc hnsw_api.cpp -o hnsw.wasm -I. \
  -std=c++17 -O3 -g0 -DNDEBUG -msimd128 -fwasm-exceptions \
  -ffile-prefix-map="$work"=. \
  -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB -sINITIAL_MEMORY=2MB -sTOTAL_STACK=1MB \
  -sERROR_ON_UNDEFINED_SYMBOLS=0 \
  -sEXPORTED_FUNCTIONS="$exports"
cp hnsw.wasm "$out"
echo "built $out ($(wc -c <"$out") bytes)" >&2
