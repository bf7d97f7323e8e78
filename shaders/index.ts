// All WGSL sources, bundled as text (Vite `?raw`; in Node the CLI's loader hook does the same).
import brownianWgsl from './common/brownian.wgsl?raw';
import bossWgsl from './sampler/boss.wgsl?raw';
import rngWgsl from './common/rng.wgsl?raw';
import pdeWgsl from './spectral/pde.wgsl?raw';
import pdePointwiseWgsl from './spectral/pde_pointwise.wgsl?raw';
import chainWgsl from './sampler/chain.wgsl?raw';
import chainOnlyWgsl from './sampler/chain_only.wgsl?raw';
import gmmDiagWgsl from './sampler/gmm_diag.wgsl?raw';
import gmmEvalWgsl from './sampler/gmm_eval.wgsl?raw';
import gmmFusedWgsl from './sampler/gmm_fused.wgsl?raw';
import emsWgsl from './sampler/ems.wgsl?raw';
import featuresWgsl from './sampler/features.wgsl?raw';
import measureWgsl from './sampler/measure.wgsl?raw';
import metricsWgsl from './sampler/metrics.wgsl?raw';
import modesWgsl from './sampler/modes.wgsl?raw';
import momentsWgsl from './sampler/moments.wgsl?raw';
import noiseWgsl from './sampler/noise.wgsl?raw';
import slicedWgsl from './sampler/sliced.wgsl?raw';
import slicedLaneWgsl from './sampler/sliced_lane.wgsl?raw';
import fftCommonWgsl from './spectral/fft_common.wgsl?raw';
import fftLinesWgsl from './spectral/fft_lines.wgsl?raw';
import fftLaneWgsl from './spectral/fft_lane.wgsl?raw';
import fftEntryWgsl from './spectral/fft_entry.wgsl?raw';
import fftRealWgsl from './spectral/fft_real.wgsl?raw';
import nnActivationWgsl from './nn/activation.wgsl?raw';
import nnBackwardWgsl from './nn/backward.wgsl?raw';
import nnFoldWgsl from './nn/fold.wgsl?raw';
import nnForwardWgsl from './nn/forward.wgsl?raw';
import nnHeadWgsl from './nn/head.wgsl?raw';
import nnLayerWgsl from './nn/layer.wgsl?raw';
import nnOptimizersWgsl from './nn/optimizers.wgsl?raw';
import nnSampleFmWgsl from './nn/sample_fm.wgsl?raw';
import nnStateWgsl from './nn/state.wgsl?raw';

/** the line FFT's entry point (fft_entry.wgsl) with its bindings and source/destination buffer names filled in */
function fftEntry(entry: string, bindings: string, src: string, dst: string, template = fftEntryWgsl): string {
  return template.replace('BINDINGS', bindings).replace('ENTRY', entry).replace('SRC[', `${src}[`).replace('DST[', `${dst}[`);
}

const FFT_IN_PLACE = '@group(0) @binding(2) var<storage, read_write> data: array<vec2<f32>>;';
const FFT_OUT_OF_PLACE = '@group(0) @binding(2) var<storage, read> src: array<vec2<f32>>;\n@group(0) @binding(3) var<storage, read_write> dst: array<vec2<f32>>;';

export const shaders = {
  rng: rngWgsl,
  /** the PDE engine's spectral kernels: combine, nonlinear inputs/accumulation, Hermitian projection + watchdog, field stats */
  pde: pdeWgsl,
  /** template of the per-equation pointwise kernel (gpuPde.ts prepends Params, NI, NO and fn pointwise) */
  pdePointwise: pdePointwiseWgsl,
  /** the sampler's combine chain (src/engine/gpuSampler.ts substitutes its two binding numbers and prepends the RNG) */
  chain: chainWgsl,
  /** a chain with no model evaluation before it */
  chainOnly: chainOnlyWgsl,
  /** full-covariance GMM eval + chain, one thread per particle (gpuSampler.ts substitutes the dimension) */
  gmmEval: gmmEvalWgsl,
  gmmFused: gmmFusedWgsl,
  /** diagonal GMM eval + chain, one workgroup per particle */
  gmmDiag: gmmDiagWgsl,
  /** the Brownian tree (stochastic solvers' increments in the chain) */
  brownian: brownianWgsl,
  /** DPM-Solver-v3's empirical model statistics for diagonal mixtures (engine/emsGpu.ts) */
  ems: emsWgsl,
  /** the noise kernel calls the RNG: prepend it */
  noise: `${rngWgsl}\n${noiseWgsl}`,
  metrics: metricsWgsl,
  measure: measureWgsl,
  /** sliced W2: projection and bitonic sort per direction (specs §17.3a) */
  sliced: slicedWgsl,
  /** sliced W2 on a software adapter: one invocation per direction, the sort in registers and private memory (template: SORT_NETWORKS, BLOCK and LOG_BLOCK filled in by gpuMetrics.ts slicedLaneCode) */
  slicedLane: slicedLaneWgsl,
  /** mode-mass counts and exact NLL (specs §17.3a) */
  modes: modesWgsl,
  features: featuresWgsl,
  /** BOSS one-jump cost matrix: one workgroup per anchor pair (specs §14) */
  boss: bossWgsl,
  moments: momentsWgsl,
  /** batched 1D FFT along one axis in workgroup memory, in place (specs/pde.md §9.1): the shared line FFT + its entry point */
  fftInPlace: `${fftCommonWgsl}\n${fftLinesWgsl}\n${fftEntry('fft_lines_in_place', FFT_IN_PLACE, 'data', 'data')}`,
  /** the same line FFT reading one buffer and writing another (four-step FFT, real-data transforms) */
  fftOutOfPlace: `${fftCommonWgsl}\n${fftLinesWgsl}\n${fftEntry('fft_lines_out_of_place', FFT_OUT_OF_PLACE, 'src', 'dst')}`,
  /** the lane FFT for software adapters (one line per invocation), in place; gpuFft.ts fills in LOADS, CODELET, STORES per length */
  fftLaneInPlace: `${fftCommonWgsl}\n${fftEntry('fft_lane_in_place', FFT_IN_PLACE, 'data', 'data', fftLaneWgsl)}`,
  /** the lane FFT out of place */
  fftLaneOutOfPlace: `${fftCommonWgsl}\n${fftEntry('fft_lane_out_of_place', FFT_OUT_OF_PLACE, 'src', 'dst', fftLaneWgsl)}`,
  /** real-to-complex / complex-to-real by the half-length trick (pre- and post-processing of a complex FFT) */
  fftReal: fftRealWgsl,
  /** the training lab's MLP (src/engine/train/gpuTrainer.ts, training.md §3.1, §4.1–4.2, §6): one hidden layer's forward (fused φ) */
  nnForward: `${nnLayerWgsl}\n${nnActivationWgsl}\n${nnForwardWgsl}`,
  /** output layer + mean-squared loss + its output gradient, one workgroup (deterministic loss) */
  nnHead: `${nnLayerWgsl}\n${nnStateWgsl}\n${nnHeadWgsl}`,
  /** one layer's backward: ∇W̄ (batch sum) and Δ of the layer below in one dispatch */
  nnBackward: `${nnLayerWgsl}\n${nnActivationWgsl}\n${nnStateWgsl}\n${nnBackwardWgsl}`,
  /** Adam and SGD with momentum, PyTorch conventions, NaN guard */
  nnOptimizers: `${nnStateWgsl}\n${nnOptimizersWgsl}`,
  /** the NaN-guard bookkeeping alone (optimizer updates on uploaded gradients) */
  nnFold: `${nnStateWgsl}\n${nnFoldWgsl}`,
  /** flow-matching batches from a Gaussian mixture on the training streams (the RNG prepended) */
  nnSampleFlowMatching: `${rngWgsl}\n${nnSampleFmWgsl}`,
};
