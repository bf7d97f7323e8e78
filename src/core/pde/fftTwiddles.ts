// Float64 twiddle table for the WGSL FFT (specs/pde.md §9.1): W_T^m = e^{−2πi m/T} for m < T, interleaved
// (re, im). One table of the largest length T a plan needs serves every shorter power of two n | T
// (W_n^m = W_T^{m T/n}) and the four-step twiddles W_N^{j k}. The GPU never evaluates cos/sin in f32: the
// table is computed here in float64 and rounded once to f32 on upload (VkFFT: twiddle accuracy is the main
// error source of an f32 FFT).

export function twiddleTable(length: number): Float64Array {
  if (!Number.isInteger(length) || length < 1 || (length & (length - 1)) !== 0) throw new Error(`twiddleTable: length must be a power of two, got ${length}`);
  const table = new Float64Array(2 * length);
  // evaluate cos/sin on the first octant only and fill the rest by symmetry, so that W^{T/4} = −i and
  // W^{T/2} = −1 exactly and every entry is as accurate as the octant's
  const eighth = length / 8;
  for (let m = 0; m < length; m++) {
    let re: number;
    let im: number;
    if (length <= 2) {
      // T = 1: [1]; T = 2: [1, −1]
      re = m === 0 ? 1 : -1;
      im = 0;
    } else {
      // m = q T/4 + r, 0 ≤ r < T/4; e^{−iθ} with θ = 2π r/T, then rotate by (−i)^q
      const quarter = length / 4;
      const q = Math.floor(m / quarter);
      const r = m - q * quarter;
      // cos and sin of 2π r / T on [0, π/2), via the octant: for r > T/8 use the complement
      let c: number;
      let s: number;
      if (r <= eighth) {
        const theta = (2 * Math.PI * r) / length;
        c = Math.cos(theta);
        s = Math.sin(theta);
      } else {
        const theta = (2 * Math.PI * (quarter - r)) / length;
        c = Math.sin(theta);
        s = Math.cos(theta);
      }
      // e^{−iθ} = c − i s; times (−i)^q
      const rotations: [number, number][] = [
        [c, -s],
        [-s, -c],
        [-c, s],
        [s, c],
      ];
      [re, im] = rotations[q];
    }
    table[2 * m] = re;
    table[2 * m + 1] = im;
  }
  return table;
}
