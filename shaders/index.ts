// All WGSL sources, bundled as text (Vite `?raw`; in Node the CLI's loader hook does the same).
import rngWgsl from './common/rng.wgsl?raw';
import combineWgsl from './sampler/combine.wgsl?raw';
import gmmWgsl from './sampler/gmm.wgsl?raw';
import gmmDiagWgsl from './sampler/gmm_diag.wgsl?raw';
import featuresWgsl from './sampler/features.wgsl?raw';
import metricsWgsl from './sampler/metrics.wgsl?raw';
import momentsWgsl from './sampler/moments.wgsl?raw';
import noiseWgsl from './sampler/noise.wgsl?raw';

export const shaders = {
  rng: rngWgsl,
  gmm: gmmWgsl,
  gmmDiag: gmmDiagWgsl,
  /** stochastic solvers draw their noise in the combine: prepend the RNG */
  combine: `${rngWgsl}\n${combineWgsl}`,
  /** the noise kernel calls the RNG: prepend it */
  noise: `${rngWgsl}\n${noiseWgsl}`,
  metrics: metricsWgsl,
  features: featuresWgsl,
  moments: momentsWgsl,
};
