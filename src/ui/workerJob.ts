// One job in a worker of its own (paper claims, lesson figures, training runs, surrogate experiments): every message
// goes to `message` until the job's last one (`done`, or `error` which goes to `failed`), then the worker is
// terminated; a worker that fails to load or throws reports through `failed` too. `cancel` terminates it. The caller
// creates the Worker, since Vite bundles a worker only where `new Worker(new URL(…, import.meta.url))` is written.

export interface WorkerJob {
  /** stop the job (nothing is reported after it) */
  cancel(): void;
}

export function startWorkerJob<M extends { type: string }>(
  worker: Worker,
  request: unknown,
  what: string,
  handlers: { message(message: M): void; failed(message: string): void },
): WorkerJob {
  let over = false;
  const end = () => {
    over = true;
    worker.terminate();
  };
  worker.onmessage = (event: MessageEvent<M>) => {
    if (over) return;
    const message = event.data;
    if (message.type === 'error') {
      end();
      handlers.failed((message as unknown as { message: string }).message);
      return;
    }
    if (message.type === 'done') end();
    handlers.message(message);
  };
  worker.onerror = (event) => {
    event.preventDefault();
    if (over) return;
    end();
    handlers.failed(`the ${what} worker failed: ${event.message || 'unknown error'}`);
  };
  worker.postMessage(request);
  return { cancel: () => !over && end() };
}
