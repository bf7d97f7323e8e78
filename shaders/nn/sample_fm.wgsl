// nn sample flow matching: batch `step` of core's flowMatchingBatch (src/core/train/losses.ts, training.md §3.3) drawn
// on the GPU from the same counter-based streams (rng.wgsl, prepended), one invocation per row i:
//   component k by inverse CDF of the dataComponent draw (block 0, word 0), x₁ = μ_k + F_k z with F_k = U_k diag(√e_k)
//   and z from the dataGaussian pairs; x₀ from the noise pairs; t = ε + (1 − ε)·u from the time draw; then
//   x_t = t·x₁ + (1 − t)·x₀ and u = x₁ − x₀.
// The component is chosen on the 24-bit grid of uniform_open: the CPU turns core's float64 CDF into integer
// thresholds M_c (the first 24-bit value m with ((m + ½)·2⁻²⁴)·total > cdf_c), so GPU and core pick the same
// component for every draw; the rest differs from core's float64 values by float32 rounding only.
// Writes the network input row Ā₀ = [x_t | emb(t) | 1] (time embedding as core's embedTime) and the target u.
// The step index is the trainer's GPU-side step counter (state word 0), so a run of steps needs no upload.
struct Sample {
  seed: u32,
  batch: u32,
  dim: u32,
  components: u32,
  // d₀ + 1
  in_stride: u32,
  // 0 none, 1 linear, 2 sinusoidal
  embedding: u32,
  frequencies: u32,
  include_linear: u32,
  groups_x: u32,
  stream_component: u32,
  stream_gaussian: u32,
  stream_noise: u32,
  stream_time: u32,
  embedding_scale: f32,
  epsilon: f32,
  _pad: u32,
}

const MAX_DIM: u32 = 16u;

@group(0) @binding(0) var<uniform> cfg: Sample;
// [components − 1 thresholds (integers, exact in f32)][components·d means][components·d·d factors F_k, row-major]
@group(0) @binding(1) var<storage, read> mixture: array<f32>;
@group(0) @binding(2) var<storage, read> state: array<u32>;
@group(0) @binding(3) var<storage, read_write> acts: array<f32>;
@group(0) @binding(4) var<storage, read_write> targets: array<f32>;

fn normal_rows(stream: u32, i: u32, step: u32) -> array<f32, MAX_DIM> {
  var z: array<f32, MAX_DIM>;
  for (var b = 0u; 2u * b < cfg.dim; b++) {
    let pair = normal_pair(cfg.seed, stream, i, step, b);
    z[2u * b] = pair.x;
    if (2u * b + 1u < cfg.dim) {
      z[2u * b + 1u] = pair.y;
    }
  }
  return z;
}

@compute @workgroup_size(64)
fn nn_sample_fm(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * cfg.groups_x * 64u;
  if (i >= cfg.batch) {
    return;
  }
  let step = state[0];
  let d = cfg.dim;
  let k_count = cfg.components;
  let m = f32(random_bits(cfg.seed, cfg.stream_component, i, step, 0u).x >> 8u);
  var k = 0u;
  for (var c = 0u; c + 1u < k_count; c++) {
    if (m >= mixture[c]) {
      k += 1u;
    }
  }
  let z = normal_rows(cfg.stream_gaussian, i, step);
  let x0 = normal_rows(cfg.stream_noise, i, step);
  let t = cfg.epsilon + (1.0 - cfg.epsilon) * uniform_open(random_bits(cfg.seed, cfg.stream_time, i, step, 0u).x);
  let means = k_count - 1u;
  let factors = means + k_count * d;
  let row = i * cfg.in_stride;
  for (var r = 0u; r < d; r++) {
    var x1 = mixture[means + k * d + r];
    for (var c = 0u; c < d; c++) {
      x1 += mixture[factors + (k * d + r) * d + c] * z[c];
    }
    acts[row + r] = t * x1 + (1.0 - t) * x0[r];
    targets[i * d + r] = x1 - x0[r];
  }
  var o = row + d;
  if (cfg.embedding == 1u) {
    acts[o] = cfg.embedding_scale * t;
  } else if (cfg.embedding == 2u) {
    if (cfg.include_linear == 1u) {
      acts[o] = t;
      o += 1u;
    }
    let kf = cfg.frequencies;
    for (var f = 1u; f <= kf; f++) {
      // (cos, sin)(2π f t) reduced in turns (rng.wgsl): WGSL's own sin/cos only promise an absolute 2^−11
      let cs = cos_sin_turns(f32(f) * t);
      acts[o + f - 1u] = cs.y;
      acts[o + kf + f - 1u] = cs.x;
    }
  }
  acts[row + cfg.in_stride - 1u] = 1.0;
}
