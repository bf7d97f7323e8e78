// The combine step with per-dimension coefficients (DESIGN §2: "per-dimension coefficients are vector registers";
// DPM-Solver-v3's EMS updates, specs §6.5): out ← Σ_j coef_j · vec_j[c] · reg_j (+ constant_coef · vec_k[c]) for
// coordinate c = i mod dim. The vectors (f32, computed in float64 in src/core) are uploaded once per program;
// NO_VECTOR marks a scalar term. One op's parameters per 256-byte slot, as the plain combine.

const NO_VECTOR: u32 = 0xffffffffu;

struct VectorCombineParams {
  out_offset: u32,
  count: u32,
  terms: u32,
  dim: u32,
  offsets: array<vec4u, 2>,
  coefs: array<vec4f, 2>,
  vectors: array<vec4u, 2>,
  constant_vector: u32,
  constant_coef: f32,
}

@group(0) @binding(0) var<uniform> vector_params: VectorCombineParams;
@group(0) @binding(1) var<storage, read_write> regs: array<f32>;
@group(0) @binding(2) var<storage, read> coefficient_vectors: array<f32>;

@compute @workgroup_size(64)
fn combine_vector(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= vector_params.count) {
    return;
  }
  let c = i % vector_params.dim;
  var v = 0.0;
  for (var j = 0u; j < vector_params.terms; j++) {
    var coef = vector_params.coefs[j / 4u][j % 4u];
    let vector = vector_params.vectors[j / 4u][j % 4u];
    if (vector != NO_VECTOR) {
      coef *= coefficient_vectors[vector + c];
    }
    v += coef * regs[vector_params.offsets[j / 4u][j % 4u] + i];
  }
  if (vector_params.constant_vector != NO_VECTOR) {
    v += vector_params.constant_coef * coefficient_vectors[vector_params.constant_vector + c];
  }
  regs[vector_params.out_offset + i] = v;
}
