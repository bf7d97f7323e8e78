// "Model" in the sampler lab (issue #7: "pick {"type":"mlp",…} as the model in the sampler lab and compare every
// solver on the learned model against the exact one"): the target's exact denoiser, or a learned MLP loaded in this
// page (from the training lab's "Sample with this model", or a model file). A learned model samples on the float64
// CPU path (controller.ts); the metrics still compare against the exact target, so the model's own error shows as a
// floor under every solver's curve. A file that is not a model file is refused inline, and the spec stays as it was.

import { useEffect, useId, useState } from 'react';
import { prepareTarget } from '../core/sampling/experiment.ts';
import { ModelFileError, layoutText, parseModelFileText } from '../core/spec/modelFile.ts';
import { useAppStore, useAppStoreApi } from '../state/hooks.ts';
import { loadedModel, loadedModelNames, onModels, registerModel } from '../state/models.ts';

const EXACT = '';
/** a model file is a few thousand numbers; anything much larger is not one */
const MAX_MODEL_BYTES = 32 * 1024 * 1024;

export function ModelPicker() {
  const store = useAppStoreApi();
  const spec = useAppStore((s) => s.spec);
  const [names, setNames] = useState(loadedModelNames);
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  useEffect(() => onModels(() => setNames(loadedModelNames())), []);
  const chosen = spec.model?.type === 'mlp' ? spec.model.file : EXACT;
  const missing = chosen !== EXACT && !loadedModel(chosen);

  const choose = (name: string) => {
    const next = structuredClone(store.getState().spec);
    if (name === EXACT) delete next.model;
    else next.model = { type: 'mlp', file: name };
    store.getState().setSpec(next);
  };

  const load = async (file: File) => {
    setProblem(null);
    if (file.size > MAX_MODEL_BYTES) {
      setProblem(`${file.name}: ${file.size} bytes; a model file has at most ${MAX_MODEL_BYTES} bytes`);
      return;
    }
    try {
      const model = parseModelFileText(await file.text());
      const dim = prepareTarget(spec.target).dim;
      if (model.config.dataDim !== dim) throw new ModelFileError([`config.dataDim: the model is ${model.config.dataDim}-dimensional; the target has dimension ${dim}`]);
      registerModel(file.name, model);
      choose(file.name);
    } catch (error) {
      setProblem(`${file.name}: ${error instanceof ModelFileError ? error.problems.join('; ') : (error as Error).message}`);
    }
  };

  const model = chosen !== EXACT ? loadedModel(chosen) : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>Model</label>
      <select id={id} value={chosen} onChange={(e) => choose(e.target.value)} aria-describedby={`${id}-hint`}>
        <option value={EXACT}>exact denoiser of the target</option>
        {[...new Set([...names, ...(missing ? [chosen] : [])])].map((name) => (
          <option key={name} value={name}>
            learned: {name}
            {loadedModel(name) ? '' : ' (not loaded)'}
          </option>
        ))}
      </select>
      <p id={`${id}-hint`} className="hint">
        {model
          ? `a ${model.task} MLP ${layoutText(model.config)}, sampled in float64 on the CPU; the metrics compare with the exact target`
          : missing
            ? `the learned model '${chosen}' is not loaded in this page: load its file`
            : 'what the solvers evaluate; a learned model (from the training lab or a file) shows its own error as a floor'}
      </p>
      <div className="row wrap">
        <label htmlFor={`${id}-file`} className="button secondary small file-button" title="A model file from `stepscope train` or the training lab">
          Load model file…
        </label>
        <input
          id={`${id}-file`}
          className="visually-hidden"
          type="file"
          accept=".json,application/json"
          data-testid="model-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void load(file);
            e.target.value = '';
          }}
        />
      </div>
      {problem && (
        <p className="hint error" role="alert" data-testid="model-problem">
          {problem}
        </p>
      )}
    </div>
  );
}
