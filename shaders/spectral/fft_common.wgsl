// The shared part of the two line-FFT kernels (specs/pde.md §9.1; gpuFft.ts picks one per device):
// fft_lines.wgsl (workgroup-memory Stockham passes over tiles of 1024 values, for hardware GPUs) and
// fft_lane.wgsl (one whole line per invocation, straight-line code, for software adapters). Both take the same
// parameters and bindings, so a plan's passes are the same on either.
// Line g, element j lives at (g >> log2 div) * outer + (g & (div − 1)) * inner + j * elem (div a power of two, so no
// integer division, which SwiftShader scalarises per lane), separately for input and output,
// so one kernel covers the contiguous axis, the strided axes, and both steps of the four-step FFT (with the
// twiddle multiply folded into the store of its first step).
// Twiddles come from a table W_T^m = e^{−2πi m/T} built in float64 on the CPU; there is no cos/sin here.
// The inverse transform conjugates on load and on store (ifft(x) = conj(fft(conj(x))) / n) and applies `scale`.

struct LineParams {
  n: u32,
  log2n: u32,
  lines_per_group: u32,
  log2_lines_per_group: u32,
  /** lines in the whole dispatch */
  lines: u32,
  /** workgroups per row of the 2D dispatch grid */
  grid_x: u32,
  /** T / n: the stride in the twiddle table of W_n */
  tw_stride: u32,
  inverse: u32,
  /** log2 of the power of two div */
  in_div_log2: u32,
  in_outer: u32,
  in_inner: u32,
  in_elem: u32,
  out_div_log2: u32,
  out_outer: u32,
  out_inner: u32,
  out_elem: u32,
  /** four-step: multiply output k of line g by W_T^{(g & post_mask) k post_stride}; 0 stride = no post-twiddle */
  post_mask: u32,
  post_stride: u32,
  /** 1 forward; 1/n for the inverse (a power of two: exact) */
  scale: f32,
  /** workgroups dispatched: each workgroup transforms tiles index, index + groups_total, … */
  groups_total: u32,
}

// Invocations per workgroup; set per device (gpuFft.ts LINE_PROFILES).
override THREADS: u32 = 64u;

@group(0) @binding(0) var<uniform> p: LineParams;
@group(0) @binding(1) var<storage, read> twiddles: array<vec2<f32>>;

fn cmul(a: vec2<f32>, b: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x);
}

fn conj_if(v: vec2<f32>, flag: bool) -> vec2<f32> {
  return select(v, vec2<f32>(v.x, -v.y), flag);
}

fn in_address(g: u32, j: u32) -> u32 {
  return (g >> p.in_div_log2) * p.in_outer + (g & ((1u << p.in_div_log2) - 1u)) * p.in_inner + j * p.in_elem;
}

fn out_address(g: u32, k: u32) -> u32 {
  return (g >> p.out_div_log2) * p.out_outer + (g & ((1u << p.out_div_log2) - 1u)) * p.out_inner + k * p.out_elem;
}

/** the output value of line g, element k, from the transformed tile (post-twiddle, inverse's conjugate, scale) */
fn finish(v: vec2<f32>, g: u32, k: u32) -> vec2<f32> {
  var y = v;
  if (p.post_stride != 0u) {
    y = cmul(y, twiddles[((g & p.post_mask) * k) * p.post_stride]);
  }
  return conj_if(y, p.inverse != 0u) * p.scale;
}

