// The exact GMM denoiser of gmm_fused.wgsl with the mixture read from its buffer (any mixture up to MAX_DIM
// dimensions). Small mixtures get a generated twin instead, with their parameters written into the code
// (src/engine/gmmInline.ts): the same operations in the same order, without the loads.

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
