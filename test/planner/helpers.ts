// Test helpers: a real engine in a temporary data directory, and a `run` that drives a session
// exactly as wire/ does (parse → prepare → execute → fetch → endImplicit), rendering values
// with catalog's textOut so expectations are PostgreSQL's text output.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { textOut, DbError } from '../../catalog/index.js';
import { createEngine, type Engine, type SqlSession, type Value } from '../../planner/index.js';

export interface Result {
  tag: string;
  names: string[];
  types: number[];
  rows: Array<Array<string | null>>;
}

export async function withEngine<T>(fn: (engine: Engine, dir: string) => Promise<T>, dir?: string): Promise<T> {
  const d = dir ?? mkdtempSync(join(tmpdir(), 'pyralog-planner-'));
  const engine = await createEngine({ dataDir: d });
  try {
    return await fn(engine, d);
  } finally {
    await engine.close();
    if (!dir) rmSync(d, { recursive: true, force: true });
  }
}

export function openSession(engine: Engine, opts: Partial<{ database: string; user: string; startupParams: Record<string, string> }> = {}): SqlSession {
  return engine.openSession({ database: opts.database ?? 'postgres', user: opts.user ?? 'alice', startupParams: opts.startupParams ?? {}, backendPid: 4242 });
}

/** Runs every statement of `sql` like a simple Query message; throws the first DbError. */
export async function query(s: SqlSession, sql: string, params: Value[] = [], paramOids: number[] = []): Promise<Result[]> {
  const out: Result[] = [];
  let failed = false;
  try {
    for (const st of s.parse(sql)) {
      try {
        const p = s.prepare(st, paramOids);
        const ex = await s.execute(p, params, { reason: undefined });
        if (ex.kind !== 'rows') throw new Error(`unexpected ${ex.kind}`);
        const fields = ex.fields ?? [];
        const r = await ex.cursor.fetch(0);
        const fmt = s.formatSettings();
        out.push({
          tag: r.tag ?? '',
          names: fields.map((f) => f.name),
          types: fields.map((f) => f.typeOid),
          rows: r.rows.map((row) => row.map((v, i) => (v === null ? null : textOut(fields[i]!.typeOid, v, fmt)))),
        });
      } catch (e) {
        if (e instanceof DbError) s.statementFailed(e);
        throw e;
      }
    }
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await s.endImplicit(failed);
  }
  return out;
}

/** The single value of a one-row, one-column query. */
export async function scalar(s: SqlSession, sql: string, params: Value[] = [], paramOids: number[] = []): Promise<string | null> {
  const r = await query(s, sql, params, paramOids);
  const last = r[r.length - 1]!;
  if (last.rows.length !== 1 || last.rows[0]!.length !== 1) throw new Error(`expected one value, got ${JSON.stringify(last.rows)}`);
  return last.rows[0]![0]!;
}

/** The DbError a statement raises (fails the test if none). */
export async function error(s: SqlSession, sql: string, params: Value[] = [], paramOids: number[] = []): Promise<DbError> {
  try {
    await query(s, sql, params, paramOids);
  } catch (e) {
    if (e instanceof DbError) return e;
    throw e;
  }
  throw new Error(`expected an error from: ${sql}`);
}
