// Part of the sampler program's GPU half (DESIGN §2): one register file `regs` (all particle buffers, f32,
// row-major [particle][dim] per register); each op's parameters sit in their own 256-byte slot of one uniform
// buffer (dynamic offset), so a whole program is one compute pass with no CPU work between steps.
// Coefficients, α and σ come from src/core in float64.

const MAX_DIM: u32 = 16u;

struct EvalParams {
  x_offset: u32,
  out_offset: u32,
  n: u32,
  dim: u32,
  alpha: f32,
  sigma: f32,
  components: u32,
  prediction: u32, // 0: data prediction D, 1: noise prediction ε̂
}

@group(0) @binding(0) var<uniform> eval_params: EvalParams;
@group(0) @binding(1) var<storage, read> mixture: array<f32>;
@group(0) @binding(2) var<storage, read_write> regs: array<f32>;

// Exact GMM denoiser D(x, t) (specs/samplers.md §15.1) in the eigen form prepared by src/core/sampling/gmm.ts.
// Mixture layout per component k (stride 1 + 2d + d²): [log π_k, μ_k (d), U_k row-major (d²), e_k (d)].
// Responsibilities by streaming log-sum-exp over components. With prediction = 1 it returns the noise prediction
// in its stable form ε̂ = σ Σ_k w_k U_k diag(1/c) y (specs §15.1), not (x − αD)/σ.
@compute @workgroup_size(64)
fn gmm_denoise(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= eval_params.n) {
    return;
  }
  let d = eval_params.dim;
  let a = eval_params.alpha;
  let s2 = eval_params.sigma * eval_params.sigma;
  var x: array<f32, MAX_DIM>;
  var scaled: array<f32, MAX_DIM>;
  var acc: array<f32, MAX_DIM>;
  for (var i = 0u; i < d; i++) {
    x[i] = regs[eval_params.x_offset + p * d + i];
    acc[i] = 0.0;
  }
  let stride = 1u + 2u * d + d * d;
  var max_log = -3.0e38;
  var norm = 0.0;
  for (var k = 0u; k < eval_params.components; k++) {
    let base = k * stride;
    let mu = base + 1u;
    let u = mu + d;
    let e = u + d * d;
    var quad = 0.0;
    var log_det = 0.0;
    for (var j = 0u; j < d; j++) {
      var y = 0.0;
      for (var i = 0u; i < d; i++) {
        y += mixture[u + i * d + j] * (x[i] - a * mixture[mu + i]);
      }
      let c = a * a * mixture[e + j] + s2;
      quad += y * y / c;
      log_det += log(c);
      scaled[j] = select(y * mixture[e + j] / c, y / c, eval_params.prediction == 1u);
    }
    let log_w = mixture[base] - 0.5 * quad - 0.5 * log_det;
    if (log_w > max_log) {
      let rescale = exp(max_log - log_w);
      norm *= rescale;
      for (var i = 0u; i < d; i++) {
        acc[i] *= rescale;
      }
      max_log = log_w;
    }
    let w = exp(log_w - max_log);
    norm += w;
    for (var i = 0u; i < d; i++) {
      var v = 0.0;
      for (var j = 0u; j < d; j++) {
        v += mixture[u + i * d + j] * scaled[j];
      }
      acc[i] += w * select(mixture[mu + i] + a * v, eval_params.sigma * v, eval_params.prediction == 1u);
    }
  }
  for (var i = 0u; i < d; i++) {
    regs[eval_params.out_offset + p * d + i] = acc[i] / norm;
  }
}

