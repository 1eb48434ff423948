// Partition pruning from catalog values and rendering of external fragments to DuckDB SQL. Every
// rendered query runs on the locked-down engine and its rows are compared with the oracle
// DuckDB's answer to a hand-written query over ALL files (hive partitioning by DuckDB itself), so
// a pruning or rendering mistake shows up as a different answer.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DbError, DEFAULT_FORMAT_SETTINGS, Numeric, textIn } from '../../catalog/index.js';
import { registerParquet, type ExternalTableRef } from '../../external/index.js';
import {
  typedPartitions,
  prunePartitions,
  renderFragment,
  explainFragment,
  toInternalValue,
  withDbErrors,
  type Fragment,
  type PartitionPredicate,
} from '../../planner/external/index.js';
import { makeFixture, drain, oracleRows, type Fixture } from './fixtures.js';

let fx: Fixture;
let sales: string;
let ref: ExternalTableRef;
const settings = DEFAULT_FORMAT_SETTINGS;
const int4 = (name: string) => ({ name, oid: 23, typmod: -1, typeName: 'integer' });
const N = 50_000;

beforeAll(async () => {
  fx = await makeFixture();
  sales = join(fx.root, 'sales');
  await fx.oracle.run(
    `COPY (SELECT range::BIGINT AS id, (range % 97)::INTEGER AS product_id,
                  CAST((range % 1000) / 10 AS DECIMAL(10,2)) AS amount,
                  CASE WHEN range % 13 = 0 THEN NULL ELSE 'c' || (range % 7) END AS channel,
                  DATE '2022-01-01' + (range % 1000)::INTEGER AS day,
                  TIMESTAMP '2022-01-01 00:00:00' + to_seconds(range * 600) AS ts,
                  2022 + (range % 3)::INTEGER AS year, 1 + ((range // 3) % 12)::INTEGER AS month
           FROM range(${N}))
     TO '${sales}' (FORMAT parquet, PARTITION_BY (year, month), ROW_GROUP_SIZE 2000)`,
  );
  ref = await registerParquet(fx.engine, { location: sales, partitionColumns: [int4('year'), int4('month')], nowMs: 0 });
});
afterAll(() => fx.cleanup());

const ALL = `read_parquet('${'SALES'}/**/*.parquet', hive_partitioning = true, hive_types = {'year': INTEGER, 'month': INTEGER})`;
const all = () => ALL.replace('SALES', sales);

function frag(over: Partial<Fragment>): Fragment {
  return { table: 'sales', ref, files: ref.files, filters: [], output: { kind: 'columns', columns: ['id'] }, orderBy: [], limit: undefined, offset: undefined, ...over };
}

async function run(f: Fragment): Promise<unknown[][]> {
  const r = renderFragment(f);
  if (!r.pushable) throw new Error(r.reason);
  return withDbErrors(async () => {
    const s = await fx.engine.stream(r.sql, { files: r.files });
    return (await drain(s)).rows.map((row) => row.map(toInternalValue));
  });
}

function prune(preds: PartitionPredicate[]) {
  return prunePartitions(ref, typedPartitions(ref, ref.files, settings), preds);
}

describe('partition pruning', () => {
  it('keeps exactly the partitions a predicate can match', () => {
    expect(ref.files.length).toBe(36);
    expect(prune([]).kept.length).toBe(36);
    const one = prune([{ kind: 'cmp', column: 'year', op: '=', value: 2023 }, { kind: 'cmp', column: 'month', op: '=', value: 12 }]);
    expect([one.kept.length, one.prunedFiles, one.keptPartitions, one.prunedPartitions]).toEqual([1, 35, 1, 35]);
    expect(prune([{ kind: 'cmp', column: 'month', op: '>=', value: 11 }]).kept.length).toBe(6);
    expect(prune([{ kind: 'in', column: 'month', values: [1, 2, null], negated: false }]).kept.length).toBe(6);
    // NOT IN with a NULL in the list is never true: everything is pruned (as WHERE would filter every row).
    expect(prune([{ kind: 'in', column: 'month', values: [1, null], negated: true }]).kept.length).toBe(0);
    expect(prune([{ kind: 'or', args: [{ kind: 'cmp', column: 'year', op: '=', value: 2022 }, { kind: 'not', arg: { kind: 'cmp', column: 'month', op: '<>', value: 5 } }] }]).kept.length).toBe(14);
    expect(prune([{ kind: 'cmp', column: 'year', op: '=', value: null }]).kept.length).toBe(0);
    expect(prune([{ kind: 'isNull', column: 'year', negated: true }]).kept.length).toBe(36);
  });

  it('a partition value that does not parse as the declared type is 22P02 naming the file', async () => {
    mkdirSync(join(fx.root, 'badpart', 'year=20x3'), { recursive: true });
    await fx.oracle.run(`COPY (SELECT 1 AS v) TO '${join(fx.root, 'badpart', 'year=20x3', 'a.parquet')}' (FORMAT parquet)`);
    const bad = await registerParquet(fx.engine, { location: join(fx.root, 'badpart'), partitionColumns: [int4('year')], nowMs: 0 });
    let e: unknown;
    try {
      typedPartitions(bad, bad.files, settings);
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DbError);
    expect((e as DbError).code).toBe('22P02');
    expect((e as DbError).message).toBe('invalid input syntax for type integer: "20x3"');
    expect((e as DbError).fields.detail).toContain('year=20x3/a.parquet');
  });
});

describe('rendered fragments agree with DuckDB on all files', () => {
  it("the seed's revenue query restricted to one month (pruned files)", async () => {
    const p = prune([{ kind: 'cmp', column: 'year', op: '=', value: 2023 }, { kind: 'cmp', column: 'month', op: '=', value: 12 }]);
    const f = frag({
      files: p.kept,
      output: { kind: 'aggregate', groupBy: ['product_id'], aggs: [{ fn: 'sum', arg: 'amount', distinct: false }] },
      orderBy: [{ index: 1, desc: true, nullsFirst: true }, { index: 0, desc: false, nullsFirst: false }],
      limit: 10,
    });
    const got = await run(f);
    const want = await oracleRows(fx.oracle, `SELECT product_id, CAST(sum(amount) AS VARCHAR) FROM ${all()} WHERE year = 2023 AND month = 12 GROUP BY product_id ORDER BY 2 DESC, 1 LIMIT 10`.replace('ORDER BY 2 DESC', 'ORDER BY sum(amount) DESC'));
    expect(got.length).toBe(10);
    expect(got.map((r) => [r[0], (r[1] as Numeric).toString()])).toEqual(want);
    const r = renderFragment(f);
    const lines = explainFragment(f, r, { ...p, partitionFilter: '(year = 2023) AND (month = 12)' });
    expect(lines[0]).toBe('External Scan on sales  (runs in: DuckDB)');
    expect(lines).toContain('  Partitions: 1 kept, 35 pruned');
    expect(lines).toContain('  Files: 1 kept, 35 pruned');
    expect(lines.find((l) => l.startsWith('  DuckDB SQL: '))).toMatch(/^  DuckDB SQL: SELECT "product_id" AS c0, sum\("amount"\) AS c1 FROM read_parquet\(\[1 files\]/);
  });

  it('sum(int4) is int8 and count(*) int8, as in PostgreSQL', async () => {
    const f = frag({ output: { kind: 'aggregate', groupBy: [], aggs: [{ fn: 'sum', arg: 'product_id', distinct: false }, { fn: 'count_star' }, { fn: 'count', arg: 'channel', distinct: true }] } });
    const r = renderFragment(f);
    expect(r.pushable && r.columns.map((c) => c.oid)).toEqual([20, 20, 20]);
    const got = await run(f);
    const want = await oracleRows(fx.oracle, `SELECT sum(product_id)::BIGINT, count(*), count(DISTINCT channel) FROM ${all()}`);
    expect(got).toEqual(want);
  });

  it('filters on data columns with typed constants (date, timestamp, numeric, text, IN, IS NULL), NULLs ordered as PostgreSQL', async () => {
    const day = textIn(1082, '2023-03-01', settings) as number;
    const ts = textIn(1114, '2022-06-01 12:00:00', settings) as bigint;
    const f = frag({
      filters: [
        { kind: 'cmp', op: '>=', left: { kind: 'col', name: 'day' }, right: { kind: 'const', oid: 1082, typmod: -1, value: day } },
        { kind: 'cmp', op: '<', left: { kind: 'col', name: 'ts' }, right: { kind: 'const', oid: 1114, typmod: -1, value: ts + 10n ** 6n * 86400n * 400n } },
        { kind: 'cmp', op: '>', left: { kind: 'col', name: 'amount' }, right: { kind: 'const', oid: 1700, typmod: -1, value: Numeric.of(9950n, 2) } },
        { kind: 'or', args: [{ kind: 'isNull', arg: { kind: 'col', name: 'channel' }, negated: false }, { kind: 'in', arg: { kind: 'col', name: 'channel' }, list: [{ kind: 'const', oid: 25, typmod: -1, value: 'c1' }, { kind: 'const', oid: 25, typmod: -1, value: "c'2" }], negated: false }] },
      ],
      output: { kind: 'columns', columns: ['channel', 'id', 'year'] },
      orderBy: [{ index: 0, desc: true, nullsFirst: true }, { index: 1, desc: false, nullsFirst: false }],
    });
    const got = await run(f);
    const want = await oracleRows(
      fx.oracle,
      `SELECT channel, id, year FROM ${all()} WHERE day >= DATE '2023-03-01' AND ts < TIMESTAMP '2022-06-01 12:00:00' + INTERVAL 400 DAY
         AND amount > 99.50 AND (channel IS NULL OR channel IN ('c1', 'c''2')) ORDER BY channel DESC NULLS FIRST, id`,
    );
    expect(got.length).toBeGreaterThan(0);
    expect(got[0]![0]).toBeNull(); // DESC puts NULLs first, as PostgreSQL does
    expect(got).toEqual(want);
  });

  it('what cannot be rendered faithfully is reported, never approximated', () => {
    expect(renderFragment(frag({ files: [] })).pushable).toBe(false);
    const inf = frag({ filters: [{ kind: 'cmp', op: '<', left: { kind: 'col', name: 'day' }, right: { kind: 'const', oid: 1082, typmod: -1, value: 2147483647 } }] });
    expect(renderFragment(inf)).toEqual({ pushable: false, reason: 'infinite dates are not pushed down' });
    const interval = frag({ filters: [{ kind: 'cmp', op: '=', left: { kind: 'col', name: 'id' }, right: { kind: 'const', oid: 1186, typmod: -1, value: { months: 1, days: 0, micros: 0n } } }] });
    expect(renderFragment(interval).pushable).toBe(false);
    const sumText = frag({ output: { kind: 'aggregate', groupBy: [], aggs: [{ fn: 'sum', arg: 'channel', distinct: false }] } });
    expect(renderFragment(sumText).pushable).toBe(false);
  });

  it('a rowNumber row target reads the rows by position, outputs their row numbers as int8 in the key slot and renders no filter', async () => {
    const file = ref.files[0]!;
    const rows = await oracleRows(fx.oracle, `SELECT file_row_number, id, channel FROM read_parquet('${file.path}', file_row_number = true) WHERE file_row_number IN (0, 3, 7) ORDER BY 1`);
    const f = frag({
      files: [file],
      // Not rendered: placement B re-checks its pushed conjuncts natively.
      filters: [{ kind: 'cmp', op: '=', left: { kind: 'col', name: 'channel' }, right: { kind: 'const', oid: 25, typmod: -1, value: 'nope' } }],
      output: { kind: 'columns', columns: ['id', 'channel'] },
      rowTarget: { rows: [0n, 3n, 7n], keyColumn: 'id', key: { kind: 'rowNumber' } },
    });
    const r = renderFragment(f);
    if (!r.pushable) throw new Error(r.reason);
    expect(r.sql).toContain('t.file_row_number AS c0');
    expect(r.sql).toMatch(/ LIMIT 3$/); // at most one row per position: DuckDB may stop early
    expect(r.sql).not.toContain('nope');
    expect(r.columns.map((c) => c.oid)).toEqual([20, 25]);
    const got = (await run(f)).sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(got).toEqual(rows.map((x) => [x[0], x[2]]));
  });

  it('files added after registration: a corrupt one fails with XX001 naming it, as a DbError', async () => {
    const extra = join(sales, 'year=2024', 'month=12', 'zz-corrupt.parquet');
    writeFileSync(extra, 'PAR1 this is not parquet PAR1');
    const listing = fx.engine.list(sales);
    const files = listing.files.map((x) => ({ path: x.path, sizeBytes: x.sizeBytes, mtimeMs: x.mtimeMs, partition: x.partition.map(([, v]) => v) }));
    let e: unknown;
    try {
      await run(frag({ files }));
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(DbError);
    expect((e as DbError).code).toBe('XX001');
    expect((e as DbError).message).toContain('zz-corrupt.parquet');
    // The engine keeps serving.
    expect((await run(frag({ output: { kind: 'aggregate', groupBy: [], aggs: [{ fn: 'count_star' }] } })))[0]).toEqual([BigInt(N)]);
  });
});

describe('externalRowCursor (placement: the whole statement runs in DuckDB)', () => {
  it('hands out rows in Execute-sized pieces with the SELECT tag', async () => {
    const { externalRowCursor } = await import('../../planner/external/index.js');
    const r = renderFragment(frag({ output: { kind: 'columns', columns: ['id', 'amount'] }, orderBy: [{ index: 0, desc: false, nullsFirst: false }] }));
    if (!r.pushable) throw new Error(r.reason);
    const cursor = externalRowCursor(fx.engine, { reason: undefined }, { sql: r.sql, files: r.files, cancelPollMs: 20 });
    let total = 0;
    let last: { done: boolean; tag?: string } = { done: false };
    let expectId = 0n;
    while (!last.done) {
      const res = await cursor.fetch(3000);
      expect(res.rows.length).toBeLessThanOrEqual(3000);
      for (const row of res.rows) {
        expect(row[0]).toBe(expectId++);
        expect(row[1]).toBeInstanceOf(Numeric);
      }
      total += res.rows.length;
      last = res;
    }
    expect(total).toBe(N);
    expect(last.tag).toBe(`SELECT ${N}`);
  });

  it("a cancel request ends the statement with the token's error and interrupts DuckDB", async () => {
    const { externalRowCursor } = await import('../../planner/external/index.js');
    const token: { reason: DbError | undefined } = { reason: undefined };
    const cursor = externalRowCursor(fx.engine, token, { sql: 'SELECT sum(a.range * b.range) FROM range(100000000) a, range(1000) b', files: [], cancelPollMs: 20 });
    setTimeout(() => (token.reason = new DbError('57014', 'canceling statement due to user request')), 150);
    const t0 = Date.now();
    let e: unknown;
    try {
      await cursor.fetch(0);
    } catch (x) {
      e = x;
    }
    expect(e).toBe(token.reason);
    expect(Date.now() - t0).toBeLessThan(5000);
    cursor.close();
  });
});
