// Part of the sampler program's GPU half (DESIGN §2): the exact denoiser of a Gaussian mixture with DIAGONAL
// covariances Σ_k = diag(s²_k) (specs/samplers.md §15.1, diagonal variant), for any dimension: no private
// arrays of size d (the eigen-form kernel gmm.wgsl needs d ≤ 16). One eval is two dispatches in the same pass:
//   1. diag_log_weights, one thread per (particle p, component k):
//        log w̃[p, k] = log_norm[k] − ½ Σ_i (x_i − αμ_{k,i})² / c_{k,i},   c_{k,i} = α² s²_{k,i} + σ²
//      where log_norm[k] = log π_k − ½ Σ_i log c_{k,i} is computed per eval op in float64 by the CPU and uploaded
//      (a 256-term f32 sum of logs would cost ~1e−4 in log w̃; the CPU's is exact to f32 rounding).
//   2. diag_denoise, one thread per particle p and block of coordinates i: w = softmax_k(log w̃[p, ·]) (max-subtracted), then
//        D_i = Σ_k w_k (μ_{k,i} + α s²_{k,i} r_i / c_{k,i})   or   ε̂_i = σ Σ_k w_k r_i / c_{k,i},   r = x − αμ_k.
// Storage writes of dispatch 1 are visible to dispatch 2 (WebGPU orders dispatches of a pass).
// Mixture layout: [μ (K·d), s² (K·d)], component-major.

struct DiagParams {
  x_offset: u32,
  out_offset: u32,
  n: u32,
  dim: u32,
  alpha: f32,
  sigma: f32,
  components: u32,
  prediction: u32, // 0: data prediction D, 1: noise prediction ε̂
  log_norm_offset: u32, // where this op's K values of log_norm start
  chain_first: u32, // the combines run after this eval (gmm_diag_chain.wgsl; 0 of them for diag_denoise)
  chain_count: u32,
  seed: u32,
  has_eval: u32, // FusedParams' layout (gmm_fused.wgsl); always 1 here
}

@group(0) @binding(0) var<uniform> diag_params: DiagParams;
@group(0) @binding(1) var<storage, read> mixture: array<f32>;
@group(0) @binding(2) var<storage, read_write> regs: array<f32>;
@group(0) @binding(3) var<storage, read_write> log_w: array<f32>;
@group(0) @binding(4) var<storage, read> log_norm: array<f32>;

/** terms per partial sum: chunked accumulation keeps the f32 rounding of the 256-term quadratic form small */
const CHUNK: u32 = 16u;

@compute @workgroup_size(64)
fn diag_log_weights(@builtin(global_invocation_id) gid: vec3u) {
  let K = diag_params.components;
  let index = gid.x;
  if (index >= diag_params.n * K) {
    return;
  }
  let p = index / K;
  let k = index % K;
  let d = diag_params.dim;
  let a = diag_params.alpha;
  let s2 = diag_params.sigma * diag_params.sigma;
  let mu = k * d;
  let var_base = K * d + k * d;
  let x = diag_params.x_offset + p * d;
  var quad = 0.0;
  var chunk = 0.0;
  for (var i = 0u; i < d; i++) {
    let r = regs[x + i] - a * mixture[mu + i];
    chunk += r * r / (a * a * mixture[var_base + i] + s2);
    if (i % CHUNK == CHUNK - 1u) {
      quad += chunk;
      chunk = 0.0;
    }
  }
  quad += chunk;
  log_w[index] = log_norm[diag_params.log_norm_offset + k] - 0.5 * quad;
}

// one thread per (particle, block of COORDS coordinates): the softmax over components is computed once per thread
// and shared by its coordinates (n·d/COORDS threads: enough parallelism for n ≥ a few hundred, and 1/COORDS of
// the exp() calls of one thread per coordinate)
const COORDS: u32 = 8u;

// the denoiser at thread `index`'s (particle, block) (the caller checks index < n·blocks)
fn diag_denoise_block(index: u32) {
  let d = diag_params.dim;
  let blocks = (d + COORDS - 1u) / COORDS;
  let p = index / blocks;
  let first = (index % blocks) * COORDS;
  let last = min(first + COORDS, d);
  let K = diag_params.components;
  let a = diag_params.alpha;
  let sigma = diag_params.sigma;
  let s2 = sigma * sigma;
  var max_log = -3.0e38;
  for (var k = 0u; k < K; k++) {
    max_log = max(max_log, log_w[p * K + k]);
  }
  // components outer, this thread's ≤ COORDS coordinates inner: one exp() per (particle, component, thread)
  var acc: array<f32, COORDS>;
  var norm = 0.0;
  for (var k = 0u; k < K; k++) {
    let w = exp(log_w[p * K + k] - max_log);
    norm += w;
    for (var j = 0u; j < COORDS; j++) {
      let i = first + j;
      if (i < last) {
        let x = regs[diag_params.x_offset + p * d + i];
        let mu = mixture[k * d + i];
        let v = mixture[K * d + k * d + i];
        let c = a * a * v + s2;
        let r = x - a * mu;
        acc[j] += w * select(mu + a * v * r / c, sigma * r / c, diag_params.prediction == 1u);
      }
    }
  }
  for (var j = 0u; j < COORDS; j++) {
    let i = first + j;
    if (i < last) {
      regs[diag_params.out_offset + p * d + i] = acc[j] / norm;
    }
  }
}

@compute @workgroup_size(64)
fn diag_denoise(@builtin(global_invocation_id) gid: vec3u) {
  let blocks = (diag_params.dim + COORDS - 1u) / COORDS;
  if (gid.x >= diag_params.n * blocks) {
    return;
  }
  diag_denoise_block(gid.x);
}
