// Transcript suites: the same client-side script runs against a fresh Pyralog server and — when
// PostgreSQL 15 is installed — against a throw-away PostgreSQL cluster, the oracle, live. The
// expected transcripts in a test file were recorded from PostgreSQL 15; the oracle run proves
// they still are what PostgreSQL does (the lock, revalidation and protocol transcripts use it).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
// @ts-expect-error plain JS module of the bench folder
import { Cleanup } from '../../bench/lib/cleanup.mjs';
// @ts-expect-error plain JS module of the bench folder
import { startPostgres, findPgBin } from '../../bench/lib/pg-cluster.mjs';
import { startServer, type RunningServer } from './server.js';

export const havePg: boolean = findPgBin() !== undefined;

/** One script of a suite: run against a server's port, its result compared as `check` says
 *  (default: deep equality with `expected`; `onPostgres` tells the check which server answered,
 *  for the few details where Pyralog's wording documents a difference). */
export interface TranscriptCase<T = unknown> {
  title: string;
  run: (port: number) => Promise<T>;
  expected?: T;
  check?: (got: T, onPostgres: boolean) => void;
  timeoutMs?: number;
}

export interface OracleSuite {
  /** The Pyralog server's port (inside tests only). */
  port(): number;
}

/**
 * A describe block: one Pyralog server for the suite, one `it` per case, then (when PostgreSQL 15
 * is installed) one `it` that runs every case against a throw-away PostgreSQL with timezone UTC.
 * `more` registers tests of the suite that have no oracle counterpart.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case has its own result type
export function describeWithOracle(title: string, cases: readonly TranscriptCase<any>[], opts: { oracleTitle?: string; more?: (s: OracleSuite) => void } = {}): void {
  describe(title, () => {
    let py: RunningServer | undefined;
    const cleanup = new Cleanup();
    beforeAll(async () => {
      py = await startServer();
    }, 60_000);
    afterAll(async () => {
      await py?.stop();
      cleanup.runAll();
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const verify = (c: TranscriptCase<any>, got: unknown, onPostgres: boolean): void => {
      if (c.check) c.check(got, onPostgres);
      else expect(got).toEqual(c.expected);
    };
    for (const c of cases) {
      it(c.title, async () => verify(c, await c.run(py!.port), false), c.timeoutMs ?? 120_000);
    }
    opts.more?.({ port: () => py!.port });
    const total = cases.reduce((n, c) => n + (c.timeoutMs ?? 120_000), 60_000);
    it.skipIf(!havePg)(opts.oracleTitle ?? 'PostgreSQL 15 gives the same transcripts (the oracle, live)', async () => {
      const server = await startPostgres(cleanup, { settings: { timezone: 'UTC' } });
      for (const c of cases) verify(c, await c.run(server.port as number), true);
    }, total);
  });
}
