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
  brownian: u32,   // 1: the noise is the Brownian-tree increment over [tau_from, tau_to] (noise_coef holds 1/√|Δτ|)
  tau_from: f32,
  tau_to: f32,
}

@group(0) @binding(0) var<uniform> combine_params: CombineParams;
@group(0) @binding(1) var<storage, read_write> regs: array<f32>;

// out ← Σ_j coef_j · reg_j (+ noise_coef · z), elementwise; reading and writing the same register is safe (one
// element per thread). z for element (particle p, coordinate c) is the same draw as fillNormal on the CPU.
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
  if (combine_params.noise_coef != 0.0) {
    let p = i / combine_params.dim;
    let c = i % combine_params.dim;
    if (combine_params.brownian == 1u) {
      v += combine_params.noise_coef * brownian_increment(BrownianKey(combine_params.seed, p, c), combine_params.tau_from, combine_params.tau_to);
    } else {
      let z = normal_pair(combine_params.seed, STEP_NOISE_STREAM, p, combine_params.noise_step, c / 2u);
      v += combine_params.noise_coef * select(z.x, z.y, c % 2u == 1u);
    }
  }
  regs[combine_params.out_offset + i] = v;
}
