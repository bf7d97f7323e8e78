// Learned models loaded in this page (issue #7: "pick {"type":"mlp",…} as the model in the sampler lab"), by name.
// A sample spec names its learned model as `"model":{"type":"mlp","file":NAME}`; the CLI reads NAME as a file path,
// the page looks it up here. The parameters stay out of the link (thousands of numbers): a link to a spec with a
// learned model opens with a notice until the model's file is loaded. Models come from the training lab ("Sample
// with this model") or from a model file the person loads.

import type { ModelFile } from '../core/spec/modelFile.ts';

const models = new Map<string, ModelFile>();
const listeners = new Set<() => void>();

export function registerModel(name: string, model: ModelFile): void {
  models.set(name, model);
  listeners.forEach((l) => l());
}

export function loadedModel(name: string): ModelFile | undefined {
  return models.get(name);
}

export function loadedModelNames(): string[] {
  return [...models.keys()];
}

export function onModels(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
