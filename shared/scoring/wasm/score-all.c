// Exact scores of every item for the widget's re-rank: out[j] = <items[j], user>, row-major float32 items.
// Built by build.sh (clang --target=wasm32 -Os -msimd128) into score-all.wasm.ts; no libc, no stack, memory imported.
#include <wasm_simd128.h>

__attribute__((export_name("score_all")))
void score_all(const float *items, int n, int dim, const float *user, float *out) {
  for (int j = 0; j < n; j++) {
    const float *row = items + j * dim;
    v128_t a0 = wasm_f32x4_splat(0.0f), a1 = a0, a2 = a0, a3 = a0;
    int d = 0;
    for (; d + 16 <= dim; d += 16) {
      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(row + d), wasm_v128_load(user + d)));
      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load(row + d + 4), wasm_v128_load(user + d + 4)));
      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load(row + d + 8), wasm_v128_load(user + d + 8)));
      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load(row + d + 12), wasm_v128_load(user + d + 12)));
    }
    for (; d + 4 <= dim; d += 4) a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load(row + d), wasm_v128_load(user + d)));
    v128_t a = wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3));
    float s = wasm_f32x4_extract_lane(a, 0) + wasm_f32x4_extract_lane(a, 1) + wasm_f32x4_extract_lane(a, 2) + wasm_f32x4_extract_lane(a, 3);
    for (; d < dim; d++) s += row[d] * user[d];
    out[j] = s;
  }
}
