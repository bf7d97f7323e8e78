// Mean and centred second moments of n rows of width w (FD-RF features or FD-pix pixels, specs §17.3b), reduced
// on the GPU so that only μ (w) and the centred sums (w×w) are read back. Each thread sums one entry over the n
// rows in f32, in chunks of 64 terms to keep the rounding of long sums small; the CPU combines batches in float64
// (Chan et al.'s pairwise update) and divides by N − 1.

struct MomentParams {
  offset: u32, // first float of row 0 in `data`
  n: u32,      // rows
  width: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: MomentParams;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read_write> mean: array<f32>;
@group(0) @binding(3) var<storage, read_write> centred: array<f32>;

const CHUNK: u32 = 64u;

@compute @workgroup_size(64)
fn row_mean(@builtin(global_invocation_id) gid: vec3u) {
  let f = gid.x;
  if (f >= params.width) {
    return;
  }
  var total = 0.0;
  var chunk = 0.0;
  for (var p = 0u; p < params.n; p++) {
    chunk += data[params.offset + p * params.width + f];
    if (p % CHUNK == CHUNK - 1u) {
      total += chunk;
      chunk = 0.0;
    }
  }
  mean[f] = (total + chunk) / f32(params.n);
}

// centred[f·w + g] = Σ_p (x_pf − μ_f)(x_pg − μ_g) for g ≥ f (the CPU mirrors the lower triangle)
@compute @workgroup_size(64)
fn centred_products(@builtin(global_invocation_id) gid: vec3u) {
  let w = params.width;
  let idx = gid.x;
  if (idx >= w * w) {
    return;
  }
  let f = idx / w;
  let g = idx % w;
  if (g < f) {
    return;
  }
  let mf = mean[f];
  let mg = mean[g];
  var total = 0.0;
  var chunk = 0.0;
  for (var p = 0u; p < params.n; p++) {
    let row = params.offset + p * w;
    chunk += (data[row + f] - mf) * (data[row + g] - mg);
    if (p % CHUNK == CHUNK - 1u) {
      total += chunk;
      chunk = 0.0;
    }
  }
  centred[idx] = total + chunk;
}
