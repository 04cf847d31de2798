import { after, test } from 'node:test';
import { Worker } from 'node:worker_threads';

// Hostile-input tests must fail when a parser hangs, not hang with it. node:test's own timeout
// cannot interrupt synchronous work on the test's thread, so the cases run in a worker thread
// that this side terminates once a case overruns its deadline.

export interface CaseRunner {
  /** Calls the export `name` of the cases module with `args`; rejects if it throws or has not returned within `ms`. */
  run(name: string, ms: number, ...args: unknown[]): Promise<void>;
  close(): Promise<void>;
}

type Reply = { id: number; ok: true } | { id: number; ok: false; name: string; message: string; stack: string };

// Starting a worker loads tsx and the parser (well under a second); a loaded machine gets room.
const STARTUP_MS = 60_000;

export function caseRunner(casesModule: URL): CaseRunner {
  let worker: Promise<Worker> | null = null;
  let nextId = 0;

  function start(): Promise<Worker> {
    return new Promise((resolve, reject) => {
      const w = new Worker(new URL('./deadline-worker.mjs', import.meta.url), { workerData: { moduleUrl: casesModule.href } });
      const timer = setTimeout(() => { void w.terminate(); reject(new Error(`the cases worker for ${casesModule.pathname} did not start within ${STARTUP_MS} ms`)); }, STARTUP_MS);
      w.once('error', (err) => { clearTimeout(timer); reject(err); });
      w.once('message', () => { clearTimeout(timer); resolve(w); });
    });
  }

  async function run(name: string, ms: number, ...args: unknown[]): Promise<void> {
    worker ??= start();
    const w = await worker;
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const finish = (): void => { clearTimeout(timer); w.off('message', onMessage); w.off('error', onError); };
      const onMessage = (m: Reply): void => {
        if (m.id !== id) return;
        finish();
        if (m.ok) resolve();
        else reject(Object.assign(new Error(m.message), { name: m.name, stack: m.stack }));
      };
      const onError = (err: Error): void => { finish(); worker = null; reject(err); };
      const timer = setTimeout(() => {
        finish();
        // a spinning case never yields, so the thread is discarded and the next case gets a new one
        worker = null;
        void w.terminate();
        reject(new Error(`${name}(${describe(args)}) did not return within ${ms} ms: the code under test hangs or is far too slow on this input`));
      }, ms);
      w.on('message', onMessage);
      w.on('error', onError);
      w.postMessage({ id, name, args });
    });
  }

  return {
    run,
    async close() {
      const w = worker;
      worker = null;
      if (w) await (await w).terminate();
    },
  };
}

function describe(args: unknown[]): string {
  const s = args.map((a) => JSON.stringify(a) ?? String(a)).join(', ');
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * One test per row, each running the named export of the cases module in the worker under its
 * deadline in milliseconds: [title, export, deadline].
 */
export function testsWithDeadlines(casesModule: URL, rows: ReadonlyArray<readonly [string, string, number]>): void {
  const cases = caseRunner(casesModule);
  after(() => cases.close());
  for (const [title, name, ms] of rows) test(title, () => cases.run(name, ms));
}
