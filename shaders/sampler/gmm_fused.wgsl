// One model evaluation and the combines after it in one dispatch (issue 9's minimum; chain.wgsl explains why this is
// exact): thread p computes the exact GMM denoiser D(x_p, t) (or ε̂) of a full-covariance mixture, writes it to its
// register, then runs the op's chain of combines on particle p. The register file `regs` holds every particle
// buffer (f32, row-major [particle][dim] per register); each eval's parameters sit in their own 256-byte slot of one
// uniform buffer (dynamic offset), so a whole program is one compute pass (src/engine/gpuSampler.ts). The dimension
// is a compile-time constant (DIM, substituted by gpuSampler.ts: one pipeline per dimension, and one per mixture with
// the generated eval) so the per-coordinate loops unroll and the private arrays hold exactly d values: with a runtime
// d ≤ 16 every access was a dynamically indexed 16-float array.

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

// fn gmm_eval(p: u32): D(x_p, t) (or ε̂) into register out_offset: gmm_eval.wgsl, or the generated twin of a small
// mixture (src/engine/gmmInline.ts)

@compute @workgroup_size(64)
fn gmm_eval_chain(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= fused_params.n) {
    return;
  }
  gmm_eval(p);
  run_chain(p, 0u, DIM, 1u, DIM, fused_params.seed, fused_params.chain_first, fused_params.chain_count);
}
