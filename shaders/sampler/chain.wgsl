// The combine steps that follow a model evaluation, run by the evaluation's own invocation (issue 9: "the sampler's
// eval+combine is one dispatch per model evaluation"). A combine (program.ts CombineOp; DESIGN §2) is elementwise:
// element (particle p, coordinate j) of its output reads only element (p, j) of its input registers. So the chain of
// combines between two evals can run, for the elements an invocation owns, in the invocation that computed D for
// them, in program order; a later combine reading an earlier one's output reads what this same invocation wrote.
// Each element gets out = Σ_t coef_t·[vec_t]·reg_t [+ constant coef·vec] [+ noise coef·z] with f32 operations in
// that order, and the counter-based noise keyed by (seed, particle, step, coordinate), so where an element is
// computed does not change its value. Needs common/rng.wgsl, `regs` (read_write) and
// `fn chain_brownian(seed, particle, coordinate, tau_from, tau_to) -> f32` declared in the module; the including code
// (src/engine/gpuSampler.ts) substitutes CHAIN_BINDING and VECTORS_BINDING.
//
// Record layout (RECORD u32 words per combine, written by src/engine/gpuSampler.ts chainRecord):
//   0 out offset (floats)   1 terms   2 noise kind (0 none, 1 fresh normal, 2 Brownian tree)   3 noise step
//   4 noise coef (f32)      5 τ_from (f32)   6 τ_to (f32)   7 constant vector (float offset, NO_VECTOR: none)
//   8 constant coef (f32)   9…14 register offsets   15…20 coefs (f32)   21…26 vector offsets (NO_VECTOR: scalar)

const RECORD: u32 = 32u;
const NO_VECTOR: u32 = 0xffffffffu;
const STEP_NOISE_STREAM: u32 = 1u; // RngStream.stepNoise in src/core/util/rng.ts

@group(0) @binding(CHAIN_BINDING) var<storage, read> chain: array<u32>;
@group(0) @binding(VECTORS_BINDING) var<storage, read> coefficient_vectors: array<f32>;

// Run combines first … first + count − 1 on coordinates j0, j0 + stride, … < j1 of particle p (d coordinates per
// particle): stride 1 for a thread that owns a whole particle, the workgroup size where a workgroup shares one.
fn run_chain(p: u32, j0: u32, j1: u32, stride: u32, d: u32, seed: u32, first: u32, count: u32) {
  for (var c = 0u; c < count; c++) {
    let base = (first + c) * RECORD;
    let out = chain[base];
    let terms = chain[base + 1u];
    let noise = chain[base + 2u];
    let step = chain[base + 3u];
    let noise_coef = bitcast<f32>(chain[base + 4u]);
    let constant_vector = chain[base + 7u];
    let constant_coef = bitcast<f32>(chain[base + 8u]);
    for (var j = j0; j < j1; j += stride) {
      let i = p * d + j;
      var v = 0.0;
      for (var t = 0u; t < terms; t++) {
        var coef = bitcast<f32>(chain[base + 15u + t]);
        let vector = chain[base + 21u + t];
        if (vector != NO_VECTOR) {
          coef *= coefficient_vectors[vector + j];
        }
        v += coef * regs[chain[base + 9u + t] + i];
      }
      if (constant_vector != NO_VECTOR) {
        v += constant_coef * coefficient_vectors[constant_vector + j];
      }
      if (noise == 1u) {
        let z = normal_pair(seed, STEP_NOISE_STREAM, p, step, j / 2u);
        v += noise_coef * select(z.x, z.y, j % 2u == 1u);
      } else if (noise == 2u) {
        v += noise_coef * chain_brownian(seed, p, j, bitcast<f32>(chain[base + 5u]), bitcast<f32>(chain[base + 6u]));
      }
      regs[out + i] = v;
    }
  }
}
