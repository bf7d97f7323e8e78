// The diagonal denoiser's second pass followed by the combines after the eval (chain.wgsl), for the thread's own
// block of coordinates: an eval of a diagonal mixture is two dispatches (log-responsibilities need every
// coordinate of x_p before any D_i), its combines none. Appended to gmm_diag.wgsl and chain.wgsl.

@compute @workgroup_size(64)
fn diag_denoise_chain(@builtin(global_invocation_id) gid: vec3u) {
  let d = diag_params.dim;
  let blocks = (d + COORDS - 1u) / COORDS;
  if (gid.x >= diag_params.n * blocks) {
    return;
  }
  diag_denoise_block(gid.x);
  let p = gid.x / blocks;
  let first = (gid.x % blocks) * COORDS;
  run_chain(p, first, min(first + COORDS, d), d, diag_params.seed, diag_params.chain_first, diag_params.chain_count);
}
