// Drives the real engine (createEngine → openSession) the way wire/ does: parse, prepare,
// execute, fetch, endImplicit per query string. No mocks: real LSM in a temporary directory.
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine } from '../../planner/engine.js';
import type { Engine, SqlSession, Value } from '../../planner/api.js';
import { DbError, textOut } from '../../catalog/index.js';

const UTF8 = new TextEncoder();

export interface Result {
  tag: string;
  rows: Value[][];
  /** Rows as PostgreSQL's text output (null stays null). */
  text: Array<Array<string | null>>;
  columns: string[];
}

export async function openEngine(dir = mkdtempSync(join(tmpdir(), 'pyralog-sql-'))): Promise<{ engine: Engine; dir: string }> {
  return { engine: await createEngine({ dataDir: dir }), dir };
}

export class Client {
  constructor(readonly session: SqlSession) {}

  static open(engine: Engine, database = 'postgres'): Client {
    return new Client(engine.openSession({ database, user: 'postgres', startupParams: {}, backendPid: 4242 }));
  }

  /** Runs a query string (one or more statements) as a simple Query message; returns the last result. */
  async query(sql: string, params: Value[] = [], paramOids: number[] = []): Promise<Result> {
    let failed = false;
    let last: Result | undefined;
    try {
      for (const st of this.session.parse(sql)) {
        try {
          const p = this.session.prepare(st, paramOids);
          const ex = await this.session.execute(p, params, { reason: undefined });
          if (ex.kind !== 'rows') throw new Error(`unexpected ${ex.kind}`);
          const r = await ex.cursor.fetch(0);
          const fmt = this.session.formatSettings();
          const fields = ex.fields ?? [];
          last = {
            tag: r.tag ?? '',
            rows: r.rows,
            columns: fields.map((f) => f.name),
            text: r.rows.map((row) => row.map((v, i) => (v === null ? null : textOut(fields[i]!.typeOid, v, fmt)))),
          };
        } catch (e) {
          failed = true;
          if (e instanceof DbError) this.session.statementFailed(e);
          throw e;
        }
      }
    } finally {
      await this.session.endImplicit(failed);
    }
    return last ?? { tag: '', rows: [], text: [], columns: [] };
  }

  /**
   * Runs one COPY … FROM STDIN statement, handing `data` to its sink chunk by chunk (strings as
   * UTF-8), inside the session's current transaction state as wire/ does; returns the tag.
   */
  async copyIn(sql: string, data: string | Uint8Array | ReadonlyArray<string | Uint8Array>): Promise<string> {
    const [st] = this.session.parse(sql);
    const chunks = typeof data === 'string' || data instanceof Uint8Array ? [data] : data;
    let failed = false;
    try {
      const ex = await this.session.execute(this.session.prepare(st!, []), [], { reason: undefined });
      if (ex.kind !== 'copyIn') throw new Error(`expected copyIn, got ${ex.kind}`);
      for (const ch of chunks) await ex.sink.write(typeof ch === 'string' ? UTF8.encode(ch) : ch);
      return await ex.sink.finish();
    } catch (e) {
      failed = true;
      if (e instanceof DbError) this.session.statementFailed(e);
      throw e;
    } finally {
      await this.session.endImplicit(failed);
    }
  }

  /** The error a statement raises (fails the test when it succeeds). */
  async error(sql: string): Promise<DbError> {
    try {
      await this.query(sql);
    } catch (e) {
      if (e instanceof DbError) return e;
      throw e;
    }
    throw new Error(`expected an error from: ${sql}`);
  }

  close(): Promise<void> | void {
    return this.session.close();
  }
}

/**
 * One engine and one client for the whole test file (beforeAll/afterAll), after `setup`
 * statements; call the returned function inside tests to get the client.
 */
export function useClient(setup: readonly string[] = []): () => Client {
  let engine: Engine | undefined;
  let c: Client | undefined;
  beforeAll(async () => {
    engine = (await openEngine()).engine;
    c = Client.open(engine);
    for (const s of setup) await c.query(s);
  });
  afterAll(async () => {
    await c?.close();
    await engine?.close();
  });
  return () => c!;
}
