// The sampler lab's flow view, as the keyboard commands see it: the FlowPanel registers its view here while it is
// mounted (play/pause and step act on the view's animation; there is no other clock in the sampler lab).

import type { FlowView } from '../../views/flowView.ts';

export interface FlowTransport {
  toggle(): void;
  step(): void;
}

let registered: FlowTransport | null = null;

/** a transport over a FlowView: step moves to the next solver step (from the end, back to the first) */
export function flowViewTransport(view: Pick<FlowView, 'state' | 'play' | 'pause' | 'setProgress'>): FlowTransport {
  return {
    toggle() {
      if (view.state().playing) view.pause();
      else view.play();
    },
    step() {
      const { step, steps, progress } = view.state();
      if (steps === null || step === null) return;
      // setProgress pauses the animation; from the end the next step starts over at step 1
      const next = progress >= 1 ? 1 : Math.floor(step + 1e-6) + 1;
      view.setProgress(Math.min(steps, next) / steps);
    },
  };
}

export const flowTransport = {
  current: (): FlowTransport | null => registered,
  /** returns the function that unregisters it */
  register(transport: FlowTransport): () => void {
    registered = transport;
    return () => {
      if (registered === transport) registered = null;
    };
  },
};
