// Entry point of the lane FFT (fft_common.wgsl is prepended), the line kernel for software adapters (gpuFft.ts
// LINE_PROFILES.software): each invocation transforms whole lines on its own, loading the n values of its line
// into values, running a straight-line DFT program whose twiddles are literals (src/engine/pde/fftCodelet.ts writes
// it for this pipeline's n) and storing the n results. No workgroup memory, no barriers, no twiddle
// loads: on SwiftShader, where an invocation is one lane of a SIMD-4 group and every per-lane address costs four
// scalar accesses, that leaves 2 accesses per value and pass (the Stockham tile kernel makes about 12).
// Placeholders: the binding block, the entry name and the two buffer names are filled in by shaders/index.ts (in
// place or out of place, as for fft_entry.wgsl); the program (loads, DFT, stores) by gpuFft.ts, per length n
// (they read with load_value and write with store_value).

BINDINGS

fn load_value(i: u32) -> vec2<f32> {
  return SRC[i];
}

fn store_value(i: u32, v: vec2<f32>) {
  DST[i] = v;
}

// the pass multiplies by four-step twiddles (p.post_stride ≠ 0): a pipeline constant, so that passes without
// them carry no branch per store
override POST: bool = false;

fn finish_lane(v: vec2<f32>, g: u32, k: u32) -> vec2<f32> {
  var y = v;
  if (POST) {
    y = cmul(y, twiddles[((g & p.post_mask) * k) * p.post_stride]);
  }
  return conj_if(y, p.inverse != 0u) * p.scale;
}

@compute @workgroup_size(THREADS)
fn ENTRY(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let inverse = p.inverse != 0u;
  let ie = p.in_elem;
  let oe = p.out_elem;
  // the private array of a split line (declared here once: WGSL zero-fills it at its declaration)
DECLARATIONS
  // workgroup w takes the w-th of groups_total runs of consecutive rounds of THREADS lines, so that neighbouring
  // columns of a strided axis (which share cache lines) go through the same core one after the other
  let rounds = (p.lines + p.groups_total * THREADS - 1u) / (p.groups_total * THREADS);
  let w = wid.y * p.grid_x + wid.x;
  for (var r = 0u; r < rounds; r = r + 1u) {
    let g = (w * rounds + r) * THREADS + t;
    if (g < p.lines) {
      let ib = in_address(g, 0u);
      let ob = out_address(g, 0u);
PROGRAM
    }
  }
}
