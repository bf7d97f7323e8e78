// Part of the sampler program's GPU half (DESIGN §2): one register file `regs` (all particle buffers, f32,
// row-major [particle][dim] per register); each op's parameters sit in their own 256-byte slot of one uniform
// buffer (dynamic offset), so a whole program is one compute pass with no CPU work between steps.
// Coefficients, α and σ come from src/core in float64.
// Needs common/rng.wgsl prepended.

struct NoiseParams {
  out_offset: u32,
  n: u32,
  dim: u32,
  seed: u32,
  stream: u32,
  step: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> noise_params: NoiseParams;
@group(0) @binding(1) var<storage, read_write> regs: array<f32>;

// out ← standard normal noise from the counter-based RNG (x_T, or per-step noise of stochastic solvers)
@compute @workgroup_size(64)
fn fill_normal(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= noise_params.n) {
    return;
  }
  let d = noise_params.dim;
  for (var j = 0u; j < d; j += 2u) {
    let z = normal_pair(noise_params.seed, noise_params.stream, p, noise_params.step, j / 2u);
    regs[noise_params.out_offset + p * d + j] = z.x;
    if (j + 1u < d) {
      regs[noise_params.out_offset + p * d + j + 1u] = z.y;
    }
  }
}
