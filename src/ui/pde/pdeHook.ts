// `window.stepscope.pde`: the PDE lab's numbers for the e2e tests (and the console). Every method waits for
// the lab's controller; methods that change things return the state afterwards.

import type { PdeStore } from '../../state/pdeStore.ts';
import { pdeUrl } from '../../state/pdeUrl.ts';
import type { StepscopePdeHook, StepscopePdeState } from '../stepscope.d.ts';
import type { PdeController } from './pdeController.ts';
import { pdeViewReports } from './viewReports.ts';

export function createPdeHook(store: PdeStore, controller: () => Promise<PdeController>): StepscopePdeHook {
  const state = (): StepscopePdeState => {
    const s = store.getState();
    const runs = s.runs.map((r) => structuredClone({ role: r.role, stepper: r.stepper, backend: r.backend, steps: r.steps, time: r.time, stepsPerSecond: r.stepsPerSecond, stepsPerFrame: r.stepsPerFrame, diverged: r.diverged, stats: r.stats }));
    const primary = runs[0];
    return {
      playing: s.playing,
      steps: primary?.steps ?? 0,
      time: primary?.time ?? 0,
      stepsPerSecond: primary?.stepsPerSecond ?? 0,
      stepsPerFrame: primary?.stepsPerFrame ?? 0,
      backend: primary?.backend ?? null,
      diverged: primary?.diverged ?? null,
      stats: primary?.stats ?? null,
      runs,
      notices: s.notices.map((n) => n.text),
    };
  };
  const ready = async () => {
    const c = await controller();
    await c.ready();
    return c;
  };
  return {
    getSpec: () => structuredClone(store.getState().spec),
    async setSpec(spec) {
      store.getState().setSpec(spec);
      await ready();
      return state();
    },
    async setCompare(stepper) {
      store.getState().setCompare(stepper as never);
      await ready();
      return state();
    },
    setView: (view) => store.getState().setView(view as never),
    state,
    async play() {
      (await ready()).play();
    },
    async pause() {
      (await ready()).pause();
    },
    async step(n = 1) {
      await (await ready()).step(n);
      return state();
    },
    async runTo(time) {
      await (await ready()).runToTime(time);
      return state();
    },
    async reset(newSeed = false) {
      await (await ready()).reset(newSeed);
      await ready();
      return state();
    },
    async paint(brush) {
      const c = await ready();
      await c.paint({ center: brush.y === undefined ? [brush.x] : [brush.x, brush.y], radius: brush.radius, value: brush.value, mode: brush.mode ?? 'replace', channel: brush.channel });
      return state();
    },
    async field(role = 'primary') {
      const f = await (await ready()).field(role);
      return f ? Array.from(f) : null;
    },
    async convergence(options) {
      return structuredClone(await (await ready()).convergence(options as never));
    },
    async cpuStepsPerSecond(maxMs = 3000) {
      return (await ready()).measureCpu(maxMs);
    },
    views: () => pdeViewReports(),
    getUrl: () => pdeUrl(store.getState().spec, window.location.href),
  };
}
