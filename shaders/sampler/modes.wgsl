// Mode-mass counts and the exact NLL on the GPU (specs/samplers.md §15.1, §17.3a diagnostics), twin of
// src/core/metrics/density.ts. Per point: the component of largest responsibility under p_t (atomic count per
// component) and log p_t(x) without the −(d/2) log 2π constant, summed per workgroup in workgroup memory. Only the
// K counts and the per-workgroup sums are read back; the CPU adds the constant and the sums in float64.
// Mixture layout as in gmm_fused.wgsl (packMixture in src/engine/gpuSampler.ts): per component k (stride 1 + 2d + d²) [log π_k, μ_k (d), U_k row-major (d²), e_k (d)].

const THREADS: u32 = 64u;

struct ModeParams {
  x_offset: u32,
  m: u32,
  dim: u32,
  components: u32,
  alpha: f32,
  sigma: f32,
  degenerate: u32, // 1: some α²e + σ² = 0 (point masses at σ = 0): nearest αμ_k, no density
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: ModeParams;
@group(0) @binding(1) var<storage, read> points: array<f32>;
@group(0) @binding(2) var<storage, read> mixture: array<f32>;
@group(0) @binding(3) var<storage, read_write> counts: array<atomic<u32>>;
@group(0) @binding(4) var<storage, read_write> log_density_sums: array<f32>;

var<workgroup> partial: array<f32, THREADS>;

@compute @workgroup_size(64)
fn mode_counts(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let p = gid.x;
  var log_p = 0.0;
  if (p < params.m) {
    let d = params.dim;
    let a = params.alpha;
    let s2 = params.sigma * params.sigma;
    let stride = 1u + 2u * d + d * d;
    var best = -3.4e38;
    var arg = 0u;
    // streaming log-sum-exp of the component log-densities (for log p) alongside the argmax
    var max_log = -3.4e38;
    var norm = 0.0;
    for (var k = 0u; k < params.components; k++) {
      let base = k * stride;
      let mu = base + 1u;
      let u = mu + d;
      let e = u + d * d;
      var score = 0.0;
      if (params.degenerate == 1u) {
        var dist2 = 0.0;
        for (var i = 0u; i < d; i++) {
          let diff = points[params.x_offset + p * d + i] - a * mixture[mu + i];
          dist2 += diff * diff;
        }
        score = -dist2;
      } else {
        var quad = 0.0;
        var log_det = 0.0;
        for (var j = 0u; j < d; j++) {
          var y = 0.0;
          for (var i = 0u; i < d; i++) {
            y += mixture[u + i * d + j] * (points[params.x_offset + p * d + i] - a * mixture[mu + i]);
          }
          let c = a * a * mixture[e + j] + s2;
          quad += y * y / c;
          log_det += log(c);
        }
        score = mixture[base] - 0.5 * quad - 0.5 * log_det;
        if (score > max_log) {
          norm *= exp(max_log - score);
          max_log = score;
        }
        norm += exp(score - max_log);
      }
      // strict >: ties go to the lowest k, as in the float64 twin
      if (score > best) {
        best = score;
        arg = k;
      }
    }
    atomicAdd(&counts[arg], 1u);
    if (params.degenerate == 0u) {
      log_p = max_log + log(norm);
    }
  }
  partial[lid] = log_p;
  workgroupBarrier();
  for (var half = THREADS / 2u; half > 0u; half >>= 1u) {
    if (lid < half) {
      partial[lid] += partial[lid + half];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    log_density_sums[wid.x] = partial[0];
  }
}
