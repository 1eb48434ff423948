// Worker-thread entry: runs jobs (segment encoding for flushes, compaction merges) on bytes it
// is handed and posts the results back. Pure CPU: it never touches files (all I/O stays on the
// main thread behind the Io seam, where the fault-injecting Io can see it).
import { parentPort } from 'node:worker_threads';
import { runJob, transferablesOf } from './jobs.js';
import type { JobRequest, JobResponse } from './jobs.js';

const port = parentPort;
if (port === null) throw new Error('lsm/compaction/worker.ts must run in a worker thread');
port.on('message', (req: JobRequest) => {
  let res: JobResponse;
  let transfer: ArrayBuffer[] = [];
  try {
    const result = runJob(req.job);
    transfer = transferablesOf(result);
    res = { id: req.id, ok: true, result };
  } catch (e) {
    const err = e as Error & { code?: string };
    res = { id: req.id, ok: false, message: err.message, code: err.code, name: err.name };
  }
  port.postMessage(res, transfer);
});
