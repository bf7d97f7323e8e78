// One model evaluation and the combines after it in one dispatch (issue 9's minimum; chain.wgsl explains why this is
// exact): thread p computes the exact GMM denoiser D(x_p, t) (or ε̂) of a full-covariance mixture, writes it to its
// register, then runs the op's chain of combines on particle p. The register file `regs` holds every particle
// buffer (f32, row-major [particle][dim] per register); each eval's parameters sit in their own 256-byte slot of one
// uniform buffer (dynamic offset), so a whole program is one compute pass (src/engine/gpuSampler.ts). The dimension
// is a compile-time constant (DIM, substituted by gpuSampler.ts, one pipeline per dimension) so the per-coordinate
// loops unroll and the private arrays hold exactly d values: with a runtime d ≤ 16 every access was a dynamically
// indexed 16-float array.

const DIM: u32 = DIM_VALUEu;

struct FusedParams {
  x_offset: u32,
  out_offset: u32,
  n: u32,
  dim: u32,
  alpha: f32,
  sigma: f32,
  components: u32,
  prediction: u32, // 0: data prediction D, 1: noise prediction ε̂
  log_norm_offset: u32, // unused here (the diagonal kernel's); same layout as DiagParams
  chain_first: u32,
  chain_count: u32,
  seed: u32,
}

@group(0) @binding(0) var<uniform> fused_params: FusedParams;
@group(0) @binding(1) var<storage, read> mixture: array<f32>;
@group(0) @binding(2) var<storage, read_write> regs: array<f32>;

// Exact GMM denoiser (specs/samplers.md §15.1) in the eigen form of src/core/sampling/gmm.ts; per component k
// (stride 1 + 2d + d²): [log π_k, μ_k (d), U_k row-major (d²), e_k (d)]. Streaming log-sum-exp over components;
// with prediction = 1 the stable ε̂ = σ Σ_k w_k U_k diag(1/c) y.
fn gmm_eval(p: u32) {
  let a = fused_params.alpha;
  let s2 = fused_params.sigma * fused_params.sigma;
  let noise_prediction = fused_params.prediction == 1u;
  var x: array<f32, DIM>;
  var scaled: array<f32, DIM>;
  var acc: array<f32, DIM>;
  for (var i = 0u; i < DIM; i++) {
    x[i] = regs[fused_params.x_offset + p * DIM + i];
    acc[i] = 0.0;
  }
  let stride = 1u + 2u * DIM + DIM * DIM;
  var max_log = -3.0e38;
  var norm = 0.0;
  for (var k = 0u; k < fused_params.components; k++) {
    let base = k * stride;
    let mu = base + 1u;
    let u = mu + DIM;
    let e = u + DIM * DIM;
    var quad = 0.0;
    var log_det = 0.0;
    for (var j = 0u; j < DIM; j++) {
      var y = 0.0;
      for (var i = 0u; i < DIM; i++) {
        y += mixture[u + i * DIM + j] * (x[i] - a * mixture[mu + i]);
      }
      let c = a * a * mixture[e + j] + s2;
      quad += y * y / c;
      log_det += log(c);
      scaled[j] = select(y * mixture[e + j] / c, y / c, noise_prediction);
    }
    let log_w = mixture[base] - 0.5 * quad - 0.5 * log_det;
    if (log_w > max_log) {
      let rescale = exp(max_log - log_w);
      norm *= rescale;
      for (var i = 0u; i < DIM; i++) {
        acc[i] *= rescale;
      }
      max_log = log_w;
    }
    let w = exp(log_w - max_log);
    norm += w;
    for (var i = 0u; i < DIM; i++) {
      var v = 0.0;
      for (var j = 0u; j < DIM; j++) {
        v += mixture[u + i * DIM + j] * scaled[j];
      }
      acc[i] += w * select(mixture[mu + i] + a * v, fused_params.sigma * v, noise_prediction);
    }
  }
  for (var i = 0u; i < DIM; i++) {
    regs[fused_params.out_offset + p * DIM + i] = acc[i] / norm;
  }
}

@compute @workgroup_size(64)
fn gmm_eval_chain(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= fused_params.n) {
    return;
  }
  gmm_eval(p);
  run_chain(p, 0u, DIM, 1u, DIM, fused_params.seed, fused_params.chain_first, fused_params.chain_count);
}
