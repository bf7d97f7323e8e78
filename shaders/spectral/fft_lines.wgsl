// Batched 1D FFT along one axis of a C-order complex array (vec2<f32> = re, im), in workgroup memory
// (specs/pde.md §9.1): each workgroup loads a tile of 1024 complex values — `lines_per_group` lines of length
// n ≤ 1024 — transforms every line by Stockham autosort passes (radix 8, then one radix-4 or radix-2 pass)
// ping-ponging between the two halves of a 16 KiB workgroup array, and writes the tile back.
// Columns of strided axes are loaded straight from global memory, neighbouring lines side by side so that a run of
// `lines_per_group` values is contiguous. Invocations per workgroup (THREADS, fft_common.wgsl): 64 on hardware
// GPUs, each doing several butterflies per pass. (This kernel on SwiftShader, 2 cores, 512² forward + inverse:
// 1.2 s with 64 invocations, 0.47 s with 16, 0.21 s with 4, 0.56 s with 1; software adapters now get
// fft_lane.wgsl instead.) fft_common.wgsl is prepended and fft_entry.wgsl appended (shaders/index.ts).

const TILE: u32 = 1024u;
// two halves of TILE complex values each: Stockham passes read one half and write the other (16 KiB in all)
var<workgroup> tile: array<vec2<f32>, 2048>;

/** (line within the tile, element) of the e-th value the workgroup moves. Contiguous lines are walked element
 * first, strided lines line first, so that consecutive invocations touch consecutive addresses. */
fn tile_coords(e: u32, contiguous: bool) -> vec2<u32> {
  if (contiguous) {
    return vec2<u32>(e >> p.log2n, e & (p.n - 1u));
  }
  return vec2<u32>(e & (p.lines_per_group - 1u), e >> p.log2_lines_per_group);
}

/** −i·v */
fn mul_minus_i(v: vec2<f32>) -> vec2<f32> {
  return vec2<f32>(v.y, -v.x);
}

/**
 * Forward DFT of every line in the tile (line l occupies tile[l n .. l n + n) of the first half), by Stockham
 * passes (Govindaraju et al. 2008): with Ns the product of the radices so far, butterfly j of a line reads
 * v_r = src[j + r n/R] · W_{R Ns}^{r (j mod Ns)}, takes its R-point DFT and writes it to
 * dst[(j / Ns) Ns R + (j mod Ns) + r Ns]. Radix 8 while it fits, then one radix-4 or radix-2 pass for the rest
 * of log2 n (fewer passes through workgroup memory: 3 for n = 512, 4 for n = 1024). Returns the offset of the
 * half that holds the result.
 */
fn transform_tile(t: u32) -> u32 {
  var src = 0u;
  var ns = 1u;
  let n = p.n;
  // W_8 = (1 − i)/√2
  let h = 0.70710678118654752;
  // radix 8: TILE / 8 butterflies per pass, TILE / (8 THREADS) per invocation
  loop {
    if (ns * 8u > n) {
      break;
    }
    let eighth = n >> 3u;
    // W_{8 Ns}^{r k} = W_T^{r k T / (8 Ns)}
    let tw_step = p.tw_stride * (n / (8u * ns));
    for (var q = 0u; q < TILE / (8u * THREADS); q = q + 1u) {
      let b = t + q * THREADS;
      let l = b >> (p.log2n - 3u);
      let j = b & (eighth - 1u);
      let k = j & (ns - 1u);
      let base = src + l * n + j;
      let step = k * tw_step;
      let a0 = tile[base];
      let a1 = cmul(tile[base + eighth], twiddles[step]);
      let a2 = cmul(tile[base + 2u * eighth], twiddles[2u * step]);
      let a3 = cmul(tile[base + 3u * eighth], twiddles[3u * step]);
      let a4 = cmul(tile[base + 4u * eighth], twiddles[4u * step]);
      let a5 = cmul(tile[base + 5u * eighth], twiddles[5u * step]);
      let a6 = cmul(tile[base + 6u * eighth], twiddles[6u * step]);
      let a7 = cmul(tile[base + 7u * eighth], twiddles[7u * step]);
      // 8-point DFT = even and odd 4-point DFTs, X_m = E_m + W_8^m O_m, X_{m+4} = E_m − W_8^m O_m
      let es02 = a0 + a4;
      let ed02 = a0 - a4;
      let es13 = a2 + a6;
      let emd13 = mul_minus_i(a2 - a6);
      let e0 = es02 + es13;
      let e1 = ed02 + emd13;
      let e2 = es02 - es13;
      let e3 = ed02 - emd13;
      let os02 = a1 + a5;
      let od02 = a1 - a5;
      let os13 = a3 + a7;
      let omd13 = mul_minus_i(a3 - a7);
      let o0 = os02 + os13;
      // W_8^1 o1 = h (1 − i) o1, W_8^2 o2 = −i o2, W_8^3 o3 = −h (1 + i) o3
      let o1 = od02 + omd13;
      let w1 = h * vec2<f32>(o1.x + o1.y, o1.y - o1.x);
      let w2 = mul_minus_i(os02 - os13);
      let o3 = od02 - omd13;
      let w3 = h * vec2<f32>(o3.y - o3.x, -o3.x - o3.y);
      let dst = (TILE - src) + l * n + (j - k) * 8u + k;
      tile[dst] = e0 + o0;
      tile[dst + ns] = e1 + w1;
      tile[dst + 2u * ns] = e2 + w2;
      tile[dst + 3u * ns] = e3 + w3;
      tile[dst + 4u * ns] = e0 - o0;
      tile[dst + 5u * ns] = e1 - w1;
      tile[dst + 6u * ns] = e2 - w2;
      tile[dst + 7u * ns] = e3 - w3;
    }
    workgroupBarrier();
    src = TILE - src;
    ns = ns * 8u;
  }
  // the rest of log2 n: one radix-4 pass (Ns = n/4) …
  if (ns * 4u == n) {
    let quarter = n >> 2u;
    let tw_step = p.tw_stride;
    for (var q = 0u; q < TILE / (4u * THREADS); q = q + 1u) {
      let b = t + q * THREADS;
      let l = b >> (p.log2n - 2u);
      let k = b & (quarter - 1u); // j = k here: Ns = n/4
      let base = src + l * n + k;
      let step = k * tw_step;
      let a0 = tile[base];
      let a1 = cmul(tile[base + quarter], twiddles[step]);
      let a2 = cmul(tile[base + 2u * quarter], twiddles[2u * step]);
      let a3 = cmul(tile[base + 3u * quarter], twiddles[3u * step]);
      let s02 = a0 + a2;
      let d02 = a0 - a2;
      let s13 = a1 + a3;
      let md13 = mul_minus_i(a1 - a3);
      let dst = (TILE - src) + l * n + k;
      tile[dst] = s02 + s13;
      tile[dst + quarter] = d02 + md13;
      tile[dst + 2u * quarter] = s02 - s13;
      tile[dst + 3u * quarter] = d02 - md13;
    }
    workgroupBarrier();
    src = TILE - src;
  }
  // … or one radix-2 pass (Ns = n/2)
  if (ns * 2u == n) {
    let half = n >> 1u;
    for (var q = 0u; q < TILE / (2u * THREADS); q = q + 1u) {
      let b = t + q * THREADS;
      let l = b >> (p.log2n - 1u);
      let k = b & (half - 1u);
      let base = src + l * n + k;
      let a0 = tile[base];
      let a1 = cmul(tile[base + half], twiddles[k * p.tw_stride]);
      let dst = (TILE - src) + l * n + k;
      tile[dst] = a0 + a1;
      tile[dst + half] = a0 - a1;
    }
    workgroupBarrier();
    src = TILE - src;
  }
  return src;
}
