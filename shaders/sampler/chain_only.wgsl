// Combines with no evaluation before them (a program's leading combines, e.g. recording x_T into the trajectory),
// as one chain (chain.wgsl): one thread per particle, all its coordinates. Parameters in FusedParams' layout.

struct ChainParams {
  x_offset: u32,
  out_offset: u32,
  n: u32,
  dim: u32,
  alpha: f32,
  sigma: f32,
  components: u32,
  prediction: u32,
  log_norm_offset: u32,
  chain_first: u32,
  chain_count: u32,
  seed: u32,
}

@group(0) @binding(0) var<uniform> chain_params: ChainParams;
@group(0) @binding(1) var<storage, read_write> regs: array<f32>;

@compute @workgroup_size(64)
fn chain_only(@builtin(global_invocation_id) gid: vec3u) {
  let p = gid.x;
  if (p >= chain_params.n) {
    return;
  }
  run_chain(p, 0u, chain_params.dim, 1u, chain_params.dim, chain_params.seed, chain_params.chain_first, chain_params.chain_count);
}
