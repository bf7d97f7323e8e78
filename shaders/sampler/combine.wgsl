// Part of the sampler program's GPU half (DESIGN §2): one register file `regs` (all particle buffers, f32,
// row-major [particle][dim] per register); each op's parameters sit in their own 256-byte slot of one uniform
// buffer (dynamic offset), so a whole program is one compute pass with no CPU work between steps.
// Coefficients, α and σ come from src/core in float64.

struct CombineParams {
  out_offset: u32,
  count: u32,
  terms: u32,
  _pad: u32,
  offsets: array<vec4u, 2>,
  coefs: array<vec4f, 2>,
}

@group(0) @binding(0) var<uniform> combine_params: CombineParams;
@group(0) @binding(1) var<storage, read_write> regs: array<f32>;

// out ← Σ_j coef_j · reg_j, elementwise (reading and writing the same register is safe: one element per thread)
@compute @workgroup_size(64)
fn combine(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= combine_params.count) {
    return;
  }
  var v = 0.0;
  for (var j = 0u; j < combine_params.terms; j++) {
    v += combine_params.coefs[j / 4u][j % 4u] * regs[combine_params.offsets[j / 4u][j % 4u] + i];
  }
  regs[combine_params.out_offset + i] = v;
}

