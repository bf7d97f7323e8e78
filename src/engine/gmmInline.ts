// The exact GMM denoiser of a small mixture with its parameters written into the WGSL (a twin of
// shaders/sampler/gmm_eval.wgsl, which reads them from the mixture buffer). Every invocation reads the same
// parameters, but on SwiftShader (the software adapter of the CI machine) each load with a computed index is a
// per-lane gather: with ring8 (K = 8, d = 2) the generic eval spent most of its time loading 19 parameters per
// component, and a run of 10 steps at n = 4096 took ~100 ms; with the parameters as constants about a third of that.
// The operations and their order are those of gmm_eval.wgsl: on SwiftShader the results are the same bits
// (src/engine/sampler.gpu.test.ts).

/** mixtures whose eval kernel is generated: d ≤ INLINE_MAX_DIM and at most INLINE_MAX_FLOATS packed floats */
export const INLINE_MAX_DIM = 4;
/** K·(1 + 2d + d²): ring8 has 72, grid25 225; the unrolled code grows with it (and is compiled once per mixture) */
export const INLINE_MAX_FLOATS = 600;

/** the smallest normal f32: a subnormal literal may be refused or flushed by a shader compiler */
const F32_MIN_NORMAL = 2 ** -126;

/** whether a packed full-covariance mixture (gpuSampler.ts packMixture) gets a generated eval */
export function inlinable(packed: Float32Array, d: number): boolean {
  return d <= INLINE_MAX_DIM && packed.length <= INLINE_MAX_FLOATS && packed.every((v) => Number.isFinite(v) && (v === 0 || Math.abs(v) >= F32_MIN_NORMAL));
}

/** an f32 value as a WGSL literal: 9 significant digits give back the same f32 */
export function literal(v: number): string {
  const text = v.toPrecision(9);
  return v < 0 ? `(${text})` : text;
}

/**
 * `fn gmm_eval(p: u32)` for the packed mixture (per component [log π, μ (d), U (d²) row-major, e (d)]), unrolled over
 * components and coordinates; it reads fused_params, regs and DIM as gmm_eval.wgsl does.
 */
export function inlineGmmEval(packed: Float32Array, d: number): string {
  if (!inlinable(packed, d)) throw new RangeError(`inlineGmmEval: a mixture of ${packed.length} floats in ${d} dimensions is not inlined`);
  const stride = 1 + 2 * d + d * d;
  const at = (i: number) => literal(packed[i]);
  const coordinates = (f: (i: number) => string, join: string) => Array.from({ length: d }, (_, i) => f(i)).join(join);
  const lines = [
    'fn gmm_eval(p: u32) {',
    '  let a = fused_params.alpha;',
    '  let s2 = fused_params.sigma * fused_params.sigma;',
    '  let noise_prediction = fused_params.prediction == 1u;',
    '  let x_base = fused_params.x_offset + p * DIM;',
  ];
  for (let i = 0; i < d; i++) lines.push(`  let x${i} = regs[x_base + ${i}u];`, `  var acc${i} = 0.0;`);
  lines.push('  var max_log = -3.0e38;', '  var norm = 0.0;');
  for (let k = 0; k < packed.length / stride; k++) {
    const base = k * stride;
    const mu = base + 1;
    const u = mu + d;
    const e = u + d * d;
    lines.push(`  // component ${k}`, '  {');
    for (let i = 0; i < d; i++) lines.push(`    let r${i} = x${i} - a * ${at(mu + i)};`);
    // y = Uᵀ (x − a μ), c = a² e + σ²
    for (let j = 0; j < d; j++) lines.push(`    let y${j} = ${coordinates((i) => `${at(u + i * d + j)} * r${i}`, ' + ')};`);
    for (let j = 0; j < d; j++) lines.push(`    let c${j} = a * a * ${at(e + j)} + s2;`);
    lines.push(`    let quad = ${coordinates((j) => `y${j} * y${j} / c${j}`, ' + ')};`);
    lines.push(`    let log_det = ${coordinates((j) => `log(c${j})`, ' + ')};`);
    for (let j = 0; j < d; j++) lines.push(`    let scaled${j} = select(y${j} * ${at(e + j)} / c${j}, y${j} / c${j}, noise_prediction);`);
    lines.push(`    let log_w = ${at(base)} - 0.5 * quad - 0.5 * log_det;`, '    if (log_w > max_log) {', '      let rescale = exp(max_log - log_w);', '      norm *= rescale;');
    for (let i = 0; i < d; i++) lines.push(`      acc${i} *= rescale;`);
    lines.push('      max_log = log_w;', '    }', '    let w = exp(log_w - max_log);', '    norm += w;');
    for (let i = 0; i < d; i++) {
      lines.push(`    let v${i} = ${coordinates((j) => `${at(u + i * d + j)} * scaled${j}`, ' + ')};`);
      lines.push(`    acc${i} += w * select(${at(mu + i)} + a * v${i}, fused_params.sigma * v${i}, noise_prediction);`);
    }
    lines.push('  }');
  }
  for (let i = 0; i < d; i++) lines.push(`  regs[fused_params.out_offset + p * DIM + ${i}u] = acc${i} / norm;`);
  lines.push('}');
  return lines.join('\n');
}
