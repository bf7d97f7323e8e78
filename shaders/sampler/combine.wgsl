// Part of the sampler program's GPU half (DESIGN §2): one register file `regs` (all particle buffers, f32,
// row-major [particle][dim] per register); each op's parameters sit in their own 256-byte slot of one uniform
// buffer (dynamic offset), so a whole program is one compute pass with no CPU work between steps.
// Coefficients, α and σ come from src/core in float64. Needs common/rng.wgsl and common/brownian.wgsl prepended (stochastic solvers).

const STEP_NOISE_STREAM: u32 = 1u; // RngStream.stepNoise in src/core/util/rng.ts

struct CombineParams {
  out_offset: u32,
  count: u32,
  terms: u32,
  _pad: u32,
  offsets: array<vec4u, 2>,
  coefs: array<vec4f, 2>,
  noise_coef: f32, // 0: deterministic
  noise_step: u32, // the RNG step index of this draw
  seed: u32,
  dim: u32,
  _brownian_pad: u32,
  tau_from: f32,
  tau_to: f32,
}

@group(0) @binding(0) var<uniform> combine_params: CombineParams;
@group(0) @binding(1) var<storage, read_write> regs: array<f32>;

fn linear_terms(i: u32) -> f32 {
  var v = 0.0;
  for (var j = 0u; j < combine_params.terms; j++) {
    v += combine_params.coefs[j / 4u][j % 4u] * regs[combine_params.offsets[j / 4u][j % 4u] + i];
  }
  return v;
}

// out ← Σ_j coef_j · reg_j (+ noise_coef · z), elementwise; reading and writing the same register is safe (one
// element per thread). z for element (particle p, coordinate c) is the same draw as fillNormal on the CPU.
@compute @workgroup_size(64)
fn combine(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= combine_params.count) {
    return;
  }
  var v = linear_terms(i);
  if (combine_params.noise_coef != 0.0) {
    let z = normal_pair(combine_params.seed, STEP_NOISE_STREAM, i / combine_params.dim, combine_params.noise_step, (i % combine_params.dim) / 2u);
    v += combine_params.noise_coef * select(z.x, z.y, i % combine_params.dim % 2u == 1u);
  }
  regs[combine_params.out_offset + i] = v;
}

// The same with the Brownian tree's increment over [tau_from, tau_to] as the noise (noise_coef holds 1/√|Δτ|).
// A separate entry point: compiled into the plain combine, the tree's loops made every combine about 2× slower on
// SwiftShader (bench: 1.1e5 against 2.3–2.5e5 particle-evaluations/s) although the branch was never taken.
@compute @workgroup_size(64)
fn combine_brownian(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= combine_params.count) {
    return;
  }
  let key = BrownianKey(combine_params.seed, i / combine_params.dim, i % combine_params.dim);
  let v = linear_terms(i) + combine_params.noise_coef * brownian_increment(key, combine_params.tau_from, combine_params.tau_to);
  regs[combine_params.out_offset + i] = v;
}
