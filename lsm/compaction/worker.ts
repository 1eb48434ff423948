// Worker-thread entry: runs jobs (segment encoding for flushes, compaction merges) on bytes it
// is handed and posts the results back. Pure CPU: it never touches files (all I/O stays on the
// main thread behind the Io seam, where the fault-injecting Io can see it).
import { parentPort } from 'node:worker_threads';
import { columnChunkTransferables } from '../segment/index.js';
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
    if (req.job.kind === 'encode-columns' && req.job.parts.entries === undefined) {
      // The chunk's buffers go back for the ingest's next chunk: allocating them anew per chunk
      // was most of a COPY's ArrayBuffer churn (mark-compacts that free nothing).
      const spare = req.job.parts;
      res.spare = spare;
      transfer = [...transfer, ...columnChunkTransferables(spare)];
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    res = { id: req.id, ok: false, message: err.message, code: err.code, name: err.name };
  }
  port.postMessage(res, transfer);
});
