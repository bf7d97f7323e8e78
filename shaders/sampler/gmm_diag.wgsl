// One model evaluation of a Gaussian mixture with DIAGONAL covariances Σ_k = diag(s²_k) (specs/samplers.md §15.1,
// diagonal variant) and the combines after it, in one dispatch (issue 9's minimum), for any dimension d: no private
// arrays of size d (the eigen-form kernel gmm_fused.wgsl needs d ≤ 16). One workgroup per particle p (grid-stride
// over particles: n may exceed the 65 535 workgroups of one dispatch dimension); its THREADS invocations split the
// coordinates, invocation t owning i ≡ t (mod THREADS) (adjacent invocations read adjacent floats):
//   1. log w̃_k = log_norm[k] − ½ Σ_i (x_i − αμ_{k,i})² / c_{k,i},   c_{k,i} = α² s²_{k,i} + σ²
//      each invocation sums its own coordinates, the THREADS partial sums are added in workgroup memory (BLOCK
//      components per round). log_norm[k] = log π_k − ½ Σ_i log c_{k,i} is computed per eval op in float64 by the CPU
//      and uploaded (a 256-term f32 sum of logs would cost ~1e−4 in log w̃; the CPU's is exact to f32 rounding).
//   2. w_k = exp(log w̃_k − max_k log w̃_k), one invocation per component, shared through workgroup memory.
//   3. per owned coordinate, components in order k = 0 … K−1:
//        D_i = Σ_k w_k (μ_{k,i} + α s²_{k,i} r_i / c_{k,i}) / Σ_k w_k   or   ε̂_i = σ Σ_k w_k r_i / c_{k,i} / Σ_k w_k,
//      r = x − αμ_k; then the combines after the eval (chain.wgsl) on the same coordinates: they are elementwise,
//      so after step 2 no invocation reads another's coordinates and the chain needs no further barrier.
// Barriers per particle: 2 per round of BLOCK components + 1. THREADS is set per device (gpuSampler.ts,
// barrierWorkgroupSize): SwiftShader runs a workgroup as SIMD-4 fibers and parks every one at each barrier, so 4 there.
// Mixture layout: [μ (K·d), s² (K·d)], component-major (packDiagonalMixture in src/engine/gpuSampler.ts).

override THREADS: u32 = 64u;
/** components per reduction round: partial sums take THREADS·BLOCK floats of workgroup memory (4 KiB at 64) */
const BLOCK: u32 = 16u;
/** MAX_COMPONENTS in src/core/spec/spec.ts */
const MAX_COMPONENTS: u32 = 256u;
/** terms per partial sum: chunked accumulation keeps the f32 rounding of a long quadratic form small */
const CHUNK: u32 = 16u;

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
  chain_first: u32, // the combines run after this eval (chain.wgsl)
  chain_count: u32,
  seed: u32,
}

@group(0) @binding(0) var<uniform> diag_params: DiagParams;
@group(0) @binding(1) var<storage, read> mixture: array<f32>;
@group(0) @binding(2) var<storage, read_write> regs: array<f32>;
@group(0) @binding(3) var<storage, read> log_norm: array<f32>;

var<workgroup> partial: array<f32, THREADS * BLOCK>;
var<workgroup> log_w: array<f32, MAX_COMPONENTS>;
var<workgroup> weight: array<f32, MAX_COMPONENTS>;

@compute @workgroup_size(THREADS)
fn diag_eval_chain(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let d = diag_params.dim;
  let K = diag_params.components;
  let a = diag_params.alpha;
  let sigma = diag_params.sigma;
  let s2 = sigma * sigma;
  let noise_prediction = diag_params.prediction == 1u;
  // the loop bound and step are workgroup-uniform, so every invocation reaches every barrier
  for (var p = wid.x; p < diag_params.n; p += groups.x) {
    let x = diag_params.x_offset + p * d;
    // 1. log w̃_k, BLOCK components per round
    for (var k0 = 0u; k0 < K; k0 += BLOCK) {
      let round = min(BLOCK, K - k0);
      for (var b = 0u; b < round; b++) {
        let mu = (k0 + b) * d;
        let var_base = K * d + mu;
        var quad = 0.0;
        var chunk = 0.0;
        var terms = 0u;
        for (var i = lid; i < d; i += THREADS) {
          let r = regs[x + i] - a * mixture[mu + i];
          chunk += r * r / (a * a * mixture[var_base + i] + s2);
          terms++;
          if (terms == CHUNK) {
            quad += chunk;
            chunk = 0.0;
            terms = 0u;
          }
        }
        partial[lid * BLOCK + b] = quad + chunk;
      }
      workgroupBarrier();
      for (var b = lid; b < round; b += THREADS) {
        var quad = 0.0;
        for (var t = 0u; t < THREADS; t++) {
          quad += partial[t * BLOCK + b];
        }
        log_w[k0 + b] = log_norm[diag_params.log_norm_offset + k0 + b] - 0.5 * quad;
      }
      // log_w complete; partial free for the next round
      workgroupBarrier();
    }
    // 2. unnormalised responsibilities, max-subtracted
    var max_log = -3.0e38;
    for (var k = 0u; k < K; k++) {
      max_log = max(max_log, log_w[k]);
    }
    for (var k = lid; k < K; k += THREADS) {
      weight[k] = exp(log_w[k] - max_log);
    }
    workgroupBarrier();
    var norm = 0.0;
    for (var k = 0u; k < K; k++) {
      norm += weight[k];
    }
    // 3. D (or ε̂) on this invocation's coordinates, then the chain on the same ones
    for (var i = lid; i < d; i += THREADS) {
      let xi = regs[x + i];
      var acc = 0.0;
      for (var k = 0u; k < K; k++) {
        let mu = mixture[k * d + i];
        let v = mixture[K * d + k * d + i];
        let c = a * a * v + s2;
        // one division per term: r/c is shared by both predictions
        let q = (xi - a * mu) / c;
        acc += weight[k] * select(mu + a * v * q, sigma * q, noise_prediction);
      }
      regs[diag_params.out_offset + p * d + i] = acc / norm;
    }
    run_chain(p, lid, d, THREADS, d, diag_params.seed, diag_params.chain_first, diag_params.chain_count);
  }
}
