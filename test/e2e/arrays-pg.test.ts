// PostgreSQL 15 itself as the oracle for array expressions: a seeded generator composes random
// expressions from the array operators and functions (concatenation, append/prepend, slices,
// remove/replace, cat, subscripts, dims/bounds, position(s), ANY/ALL, comparisons, containment,
// array_to_string) over literals with NULLs, empty arrays, lower bounds other than 1 and two
// dimensions. Each one runs on a throw-away PostgreSQL 15 cluster and on Pyralog; the text
// results, or the errors (SQLSTATE, message, DETAIL, position), must be identical. Column names
// are not compared (FigureColname for subscripts is planner/bind/names.ts's business).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
// @ts-expect-error plain JS module of the bench folder
import { Cleanup } from '../../bench/lib/cleanup.mjs';
// @ts-expect-error plain JS module of the bench folder
import { startPostgres, findPgBin } from '../../bench/lib/pg-cluster.mjs';
import { startServer, type RunningServer } from './server.js';

const havePg = findPgBin() !== undefined;

/** A small LCG so the generated statements are the same on every run. */
function generator(seed: number): () => string {
  let s = seed;
  const rnd = (n: number): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
  const pick = <T>(a: readonly T[]): T => a[rnd(a.length)]!;
  const lits = ["'{1,2,3}'::int[]", "'{}'::int[]", "'[0:2]={7,NULL,9}'::int[]", "'{{1,2},{3,4}}'::int[]", 'ARRAY[1,NULL,3]', 'ARRAY[5]',
    'NULL::int[]', "'[-2:-1]={4,5}'::int[]", 'ARRAY[[7,8]]', "'{1,1,2}'::int[]"];
  const ints = ['1', '2', '0', '-1', '3', 'NULL::int', '10'];
  const arr = (d: number): string => {
    if (d > 2) return pick(lits);
    switch (rnd(9)) {
      case 0: return `(${arr(d + 1)} || ${arr(d + 1)})`;
      case 1: return `array_append(${arr(d + 1)}, ${pick(ints)})`;
      case 2: return `array_prepend(${pick(ints)}, ${arr(d + 1)})`;
      case 3: return `(${arr(d + 1)})[${pick(ints)}:${pick(ints)}]`;
      case 4: return `array_remove(${arr(d + 1)}, ${pick(ints)})`;
      case 5: return `array_replace(${arr(d + 1)}, ${pick(ints)}, ${pick(ints)})`;
      case 6: return `array_cat(${arr(d + 1)}, ${arr(d + 1)})`;
      case 7: return `(${arr(d + 1)})[:${pick(ints)}]`;
      default: return pick(lits);
    }
  };
  const scalar = (): string => {
    const a = arr(0);
    switch (rnd(12)) {
      case 0: return `array_length(${a}, ${pick(ints)})`;
      case 1: return `array_lower(${a}, ${pick(ints)})`;
      case 2: return `array_upper(${a}, ${pick(ints)})`;
      case 3: return `array_dims(${a})`;
      case 4: return `cardinality(${a})`;
      case 5: return `array_position(${a}, ${pick(ints)})`;
      case 6: return `array_positions(${a}, ${pick(ints)})`;
      case 7: return `${pick(ints)} = ANY(${a})`;
      case 8: return `${pick(ints)} < ALL(${a})`;
      case 9: return `(${a})[${pick(ints)}]`;
      case 10: return `${a} ${pick(['=', '<', '>=', '<>', '@>', '<@', '&&'])} ${arr(0)}`;
      default: return `array_to_string(${a}, ',', '*')`;
    }
  };
  return () => `SELECT ${rnd(2) ? scalar() : arr(0)}`;
}

async function runAll(port: number, sqls: string[]): Promise<string[]> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', types: { getTypeParser: () => (v: string) => v } });
  await c.connect();
  const out: string[] = [];
  try {
    for (const text of sqls) {
      try {
        const r = await c.query({ text, rowMode: 'array' });
        out.push(JSON.stringify({ types: r.fields.map((f) => f.dataTypeID), rows: r.rows }));
      } catch (e) {
        const x = e as { code?: string; message: string; detail?: string; position?: string };
        out.push(JSON.stringify({ error: x.code, message: x.message, detail: x.detail, position: x.position }));
      }
    }
  } finally {
    await c.end();
  }
  return out;
}

// .ci/run installs the server binaries; under CI their absence is a failure, not a skip.
describe.runIf(!havePg && !!process.env.CI)('PostgreSQL 15 binaries for the array comparison', () => {
  it('are installed', () => {
    expect(havePg, 'apt-get install postgresql-15').toBe(true);
  });
});

describe.skipIf(!havePg)('array expressions compared with PostgreSQL 15', () => {
  const cleanup = new Cleanup();
  let pgPort = 0;
  let py: RunningServer;
  beforeAll(async () => {
    const server = await startPostgres(cleanup, { settings: { timezone: 'UTC', log_timezone: 'UTC' } });
    pgPort = server.port;
    py = await startServer();
  }, 120_000);
  afterAll(async () => {
    await py?.stop();
    cleanup.runAll();
  });

  for (const seed of [7, 11, 23]) {
    it(`400 random expressions (seed ${seed}) give PostgreSQL's results and errors`, async () => {
      const next = generator(seed);
      const sqls = Array.from({ length: 400 }, next);
      const [want, got] = await Promise.all([runAll(pgPort, sqls), runAll(py.port, sqls)]);
      // The oracle must answer both ways, or the comparison would be vacuous.
      expect(want.some((w) => w.startsWith('{"error"'))).toBe(true);
      expect(want.some((w) => w.startsWith('{"types"'))).toBe(true);
      const diffs = sqls.flatMap((s, i) => (want[i] === got[i] ? [] : [`${s}\n  pg: ${want[i]}\n  us: ${got[i]}`]));
      expect(diffs).toEqual([]);
    }, 120_000);
  }
});
