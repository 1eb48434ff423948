// COPY … TO STDOUT (FORMAT parquet): the Parquet file's bytes as COPY OUT data. A Parquet writer
// needs to seek back for its footer, so the file is first written whole by copyRowsToParquet to
// a hidden name in the first external root (the default root is `<datadir>/external`; DuckDB may
// only write under the roots), then streamed in chunks of COPY_CHUNK_BYTES and deleted.
// Invariants: at most one chunk is in memory; the file is deleted when the stream ends, fails or
// the portal is closed (close()); hidden names are skipped by listings, so no external table
// ever sees it. Overall COPY format is binary (1), as PostgreSQL's binary COPY: the data is not
// text, and clients such as psql's \copy write the bytes to their file unchanged.
// Loaded by dynamic import (pulls in DuckDB through copy-run.ts).
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ExternalEngine } from '../../external/index.js';
import type { CopyOutSource, Execution } from '../api.js';
import type { Value } from '../bind/expr.js';
import type { OutputColumn } from '../exec/query.js';
import { COPY_CHUNK_BYTES } from '../session/copy-out.js';
import { writeParquetRows } from './copy-run.js';
import type { ParquetCopyOptionsPg } from './pg-spelling.js';

/** Name prefix of the hidden files COPY TO STDOUT writes (a crash can leave one behind). */
export const STDOUT_TEMP_PREFIX = '.pyralog-copy-out-';

export async function parquetToStdout(
  engine: ExternalEngine,
  columns: readonly OutputColumn[],
  rows: readonly Value[][],
  opts: ParquetCopyOptionsPg,
): Promise<Execution> {
  return streamWrittenFile(engine, columns.length, (path) => writeParquetRows(engine, columns, rows, path, opts));
}

/**
 * Runs `write` to a hidden file in the first root and returns the COPY OUT execution streaming
 * it; the file is removed if `write` fails.
 */
export async function streamWrittenFile(engine: ExternalEngine, columnCount: number, write: (path: string) => Promise<number>): Promise<Execution> {
  const path = join(engine.roots.paths[0]!, `${STDOUT_TEMP_PREFIX}${randomUUID()}.parquet`);
  let fh: FileHandle | undefined;
  let count: number;
  try {
    count = await write(path);
    fh = await open(path, 'r');
  } catch (e) {
    await rm(path, { force: true });
    throw e;
  }
  return { kind: 'copyOut', format: 'binary', columnCount, source: fileSource(fh, path, count) };
}

function fileSource(fh: FileHandle, path: string, rows: number): CopyOutSource {
  let done = false;
  let cleanup: Promise<void> | undefined;
  const finish = (): Promise<void> => {
    done = true;
    cleanup ??= fh.close().catch(() => undefined).then(() => rm(path, { force: true })).catch(() => undefined);
    return cleanup;
  };
  return {
    async next() {
      if (done) return undefined;
      const buf = Buffer.allocUnsafe(COPY_CHUNK_BYTES);
      let n: number;
      try {
        ({ bytesRead: n } = await fh.read(buf, 0, buf.length, null));
      } catch (e) {
        await finish();
        throw e;
      }
      if (n === 0) {
        await finish();
        return undefined;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, n);
    },
    tag: () => `COPY ${rows}`,
    close() {
      void finish();
    },
  };
}
