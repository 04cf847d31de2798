// The thread test/support/deadline.ts runs test cases in. A synchronous parse that spins holds
// its own thread's event loop, so no timeout set on that thread can fire; run here, the caller's
// thread stays free to notice the deadline and terminate this one.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const cases = await import(workerData.moduleUrl);

parentPort.on('message', async ({ id, name, args }) => {
  try {
    if (typeof cases[name] !== 'function') throw new Error(`${workerData.moduleUrl} exports no function named ${name}`);
    await cases[name](...args);
    parentPort.postMessage({ id, ok: true });
  } catch (err) {
    parentPort.postMessage({ id, ok: false, name: err?.name ?? 'Error', message: err?.message ?? String(err), stack: err?.stack ?? '' });
  }
});
parentPort.postMessage({ ready: true });
