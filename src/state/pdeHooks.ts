// React access to the PDE lab's store (like hooks.ts for the sampler lab's).

import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { PdeState, PdeStore } from './pdeStore.ts';

export const PdeStoreContext = createContext<PdeStore | null>(null);

export function usePdeStoreApi(): PdeStore {
  const store = useContext(PdeStoreContext);
  if (!store) throw new Error('usePdeStore outside <PdeStoreContext.Provider>');
  return store;
}

export function usePdeStore<T>(selector: (state: PdeState) => T): T {
  return useStore(usePdeStoreApi(), selector);
}
