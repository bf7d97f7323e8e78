import { describe, expect, it } from 'vitest';
import { createProcess } from '../sampling/process.ts';
import { initMlpParameters, mlpLayout, mlpPredict, type MlpConfig } from '../train/mlp.ts';
import { learnedDenoiser, learnedModelRangeWarnings } from './learnedModel.ts';
import { type ModelFile, ModelFileError, parseModelFile, parseModelFileText, serializeModelFile, taskTimeInput } from './modelFile.ts';

const config: MlpConfig = { dataDim: 2, outputDim: 2, width: 8, depth: 2, activation: 'silu', timeEmbedding: { kind: 'sinusoidal', frequencies: 3, includeLinear: true } };

function modelOf(task: ModelFile['task'], cfg: MlpConfig = config, params = initMlpParameters(mlpLayout(cfg), 7)): ModelFile {
  return {
    format: 'stepscope-model',
    version: 1,
    kind: 'mlp',
    task,
    config: cfg,
    params,
    timeInput: taskTimeInput(task),
    trainedOn: { target: { type: 'preset', name: 'ring8' }, steps: 10, batch: 32, seed: 0, optimizer: { name: 'adam', lr: 1e-3 } },
    loss: { final: 1.5, last100: 1.6, validation: 1.55 },
  };
}

const problemsOf = (input: unknown) => {
  try {
    parseModelFile(input);
  } catch (error) {
    if (error instanceof ModelFileError) return error.problems;
    throw error;
  }
  throw new Error('accepted');
};

describe('model file', () => {
  it('round-trips every float64 parameter exactly', () => {
    const model = modelOf('flow-matching');
    model.params[0] = 0.1 + 0.2; // a number whose shortest decimal has 17 digits
    model.params[1] = -1e-300;
    const text = serializeModelFile(model);
    const back = parseModelFileText(text);
    expect(back.params).toEqual(model.params);
    expect(Array.from(back.params).every((v, i) => Object.is(v, model.params[i]))).toBe(true);
    const { params: _a, ...rest } = back;
    const { params: _b, ...restIn } = model;
    expect(rest).toEqual(restIn);
    // metadata indented, parameters on one line
    expect(text.split('\n').length).toBeLessThan(60);
  });

  it('refuses bad files naming the field, the value and what is expected', () => {
    const good = JSON.parse(serializeModelFile(modelOf('score-matching')));
    expect(() => parseModelFileText('{"format":')).toThrow(/not valid JSON/);
    expect(problemsOf([1, 2])).toEqual(['(file): got an array; a model file is a JSON object with "format": "stepscope-model"']);
    expect(problemsOf({ ...good, format: 'onnx' })).toEqual(['format: got "onnx"; allowed: "stepscope-model" (not a Stepscope model file)']);
    expect(problemsOf({ ...good, version: 2 })[0]).toMatch(/^version: got 2; .*1/);
    // the parameter count must equal the layout's (d₀ = 2 + 7 = 9 inputs: 9-8-8-2), naming both
    const count = mlpLayout(config).parameterCount;
    expect(problemsOf({ ...good, params: good.params.slice(1) })).toEqual([`params: got ${count - 1} numbers; the layout of config (9-8-8-2) needs ${count}`]);
    expect(problemsOf({ ...good, config: { ...good.config, width: 9 } })).toEqual([`params: got ${count} numbers; the layout of config (9-9-9-2) needs ${mlpLayout({ ...config, width: 9 }).parameterCount}`]);
    expect(problemsOf({ ...good, params: [...good.params.slice(0, 5), 'NaN', ...good.params.slice(6)] })).toEqual(['params.5: got "NaN"; must be a finite number (every parameter is)']);
    expect(problemsOf({ ...good, config: { ...good.config, activation: 'gelu' } })[0]).toMatch(/^config\.activation: got "gelu"; allowed: "silu", "relu", "tanh"/);
    expect(problemsOf({ ...good, config: { ...good.config, outputDim: 3 } })).toContain('config.outputDim: got 3; must equal config.dataDim (2): the network predicts a velocity or ε̂ of the data\'s dimension');
    expect(problemsOf({ ...good, task: 'surrogate' })[0]).toMatch(/^task: got "surrogate"; allowed: "flow-matching", "score-matching"/);
    expect(problemsOf({ ...good, timeInput: taskTimeInput('flow-matching') })[0]).toMatch(/^timeInput: got .*for task score-matching/);
    expect(problemsOf({ ...good, trainedOn: { ...good.trainedOn, target: { type: 'gmm', weights: [1], means: [[0, 0, 0]], covs: [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]] } } })).toEqual([
      'trainedOn.target: got {"type":"gmm","weights":[1],"means":[[0,0,0]],"covs":[[[1...; has dimension 3; config.dataDim is 2',
    ]);
    const { loss: _, ...noLoss } = good;
    expect(problemsOf(noLoss)[0]).toMatch(/^loss: got nothing/);
    expect(problemsOf({ ...good, extra: 1 })).toEqual(['(spec): unknown field(s) "extra"']);
  });

  it('will not save non-finite parameters or a wrong count', () => {
    const model = modelOf('flow-matching');
    model.params[3] = NaN;
    expect(() => serializeModelFile(model)).toThrow(/params\.3: got NaN; every parameter must be finite/);
    expect(() => serializeModelFile({ ...modelOf('flow-matching'), params: new Float64Array(3) })).toThrow(/params: got 3 numbers; the layout of config \(9-8-8-2\) needs 170/);
  });
});

describe('learned model as the sampler model', () => {
  const x = Float64Array.from([0.3, -1.2, 2.0, 0.5, -0.7, 0.1]);
  const n = 3;
  const processes = ['flow', 'vp-linear', 'vp-cosine', 'edm'] as const;
  const layout = mlpLayout(config);
  const params = initMlpParameters(layout, 3);
  const net = (y: Float64Array, tau: number) => mlpPredict(layout, params, y, new Float64Array(n).fill(tau), n);

  it('flow matching: τ = α/(α+σ), y = x/(α+σ), D = y + (1−τ)·v̂ and ε̂ = y − τ·v̂ (on the flow process τ = 1 − t, D = x + t·v̂)', () => {
    const denoiser = learnedDenoiser(modelOf('flow-matching', config, params));
    for (const type of processes) {
      const process = createProcess({ type });
      for (const t of [0.9 * process.tMax, 0.5 * (process.tMin + process.tMax), 2 * process.tMin]) {
        const alpha = process.alpha(t);
        const sigma = process.sigma(t);
        const data = new Float64Array(x.length);
        const noise = new Float64Array(x.length);
        denoiser.predict(x, n, t, alpha, sigma, 'data', data);
        denoiser.predict(x, n, t, alpha, sigma, 'noise', noise);
        const tau = alpha / (alpha + sigma);
        const y = x.map((v) => v / (alpha + sigma));
        const v = net(y, tau);
        for (let i = 0; i < x.length; i++) {
          expect(data[i]).toBeCloseTo(y[i] + (1 - tau) * v[i], 12);
          // the two predictions are one model: x = α·D + σ·ε̂
          expect(alpha * data[i] + sigma * noise[i]).toBeCloseTo(x[i], 10);
        }
        if (type === 'flow') {
          const vFlow = net(x, 1 - t);
          for (let i = 0; i < x.length; i++) expect(data[i]).toBeCloseTo(x[i] + t * vFlow[i], 12);
        }
      }
    }
  });

  it('score matching: σ̃ = σ/α, ε̂ = net(x/α, log σ̃ / 4) and D = x/α − σ̃·ε̂', () => {
    const denoiser = learnedDenoiser(modelOf('score-matching', config, params));
    for (const type of processes) {
      const process = createProcess({ type });
      const t = 0.5 * (process.tMin + process.tMax);
      const alpha = process.alpha(t);
      const sigma = process.sigma(t);
      const data = new Float64Array(x.length);
      const noise = new Float64Array(x.length);
      denoiser.predict(x, n, t, alpha, sigma, 'data', data);
      denoiser.predict(x, n, t, alpha, sigma, 'noise', noise);
      const eps = net(x.map((v) => v / alpha), Math.log(sigma / alpha) / 4);
      for (let i = 0; i < x.length; i++) {
        expect(noise[i]).toBeCloseTo(eps[i], 12);
        expect(data[i]).toBeCloseTo(x[i] / alpha - (sigma / alpha) * eps[i], 10);
      }
    }
    // σ = 0 (a grid's symbolic end): D = x/α, ε̂ = 0, no network call at log 0
    const out = new Float64Array(x.length);
    denoiser.predict(x, n, 0, 1, 0, 'data', out);
    expect(Array.from(out)).toEqual(Array.from(x));
  });

  it('names where a run asks the model for noise levels it was not trained on', () => {
    const flow = createProcess({ type: 'flow' });
    expect(learnedModelRangeWarnings(modelOf('flow-matching'), flow, flow.defaultTStart, flow.defaultTEnd)).toEqual([]);
    const score = modelOf('score-matching');
    const warnings = learnedModelRangeWarnings(score, createProcess({ type: 'vp-linear' }), 1, 1e-4);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/starts at σ\/α = .* above the largest noise level the model was trained on \(3\.000; σ ∈ \[0\.01, 3\]\)/);
    expect(learnedModelRangeWarnings(score, createProcess({ type: 'edm', sigmaMin: 0.01, sigmaMax: 3 }), 3, 0.01)).toEqual([]);
  });
});
