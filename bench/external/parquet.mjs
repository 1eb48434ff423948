// Pyralog's external path (ExternalEngine: locked-down DuckDB, rendered fragment, explicit file
// list from our partition pruning, values converted to PostgreSQL's internal forms) vs DuckDB
// in-process on the same files, side by side in one run, alternating in pairs; the figure is the
// median per-pair ratio. Not a test. Run after `npm run build`:
//   node bench/external/parquet.mjs [rows=10000000] [pairs=7]
// Through the wire is not measured yet: external tables are not wired into SQL (see README.md).
import { mkdtempSync, mkdirSync, realpathSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { median, percentile, fmt, fmtRatio } from '../lib/stats.mjs';

const ext = await import('../../dist/external/index.js');
const pext = await import('../../dist/planner/external/index.js');
const cat = await import('../../dist/catalog/index.js');

const ROWS = Number(process.argv[2] ?? 10_000_000);
const PAIRS = Number(process.argv[3] ?? 7);
const base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-bench-ext-')));
const root = join(base, 'root');
mkdirSync(root);
const flat = join(root, 'sales.parquet');
const hive = join(root, 'sales_hive');

const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
const dc = await duck.connect();
const SRC = `SELECT range::BIGINT AS id, (range % 1000)::INTEGER AS product_id, (range % 100003)::INTEGER AS customer_id,
  CAST((range * 7919) % 100000 AS DECIMAL(12,2)) / 100 AS amount,
  (2020 + (range * 5 // ${ROWS}))::INTEGER AS year, (1 + (range * 60 // ${ROWS}) % 12)::INTEGER AS month FROM range(${ROWS})`;
let t0 = performance.now();
await dc.run(`COPY (${SRC}) TO '${flat}' (FORMAT parquet, COMPRESSION zstd)`);
await dc.run(`COPY (${SRC}) TO '${hive}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (year, month))`);
console.log(`generated ${ROWS} rows (flat ${fmt(statSync(flat).size / 1e6, 1)} MB) in ${fmt(performance.now() - t0)} ms`);

const engine = await ext.ExternalEngine.open({ roots: [root], threads: 2, memoryLimitBytes: 4 * 2 ** 30, maxConcurrentQueries: 2, maxQueuedQueries: 8, maxFilesPerLocation: 100000 });
const int4 = (name) => ({ name, oid: 23, typmod: -1, typeName: 'integer' });
const flatRef = await ext.registerParquet(engine, { location: flat, nowMs: Date.now() });
const hiveRef = await ext.registerParquet(engine, { location: hive, partitionColumns: [int4('year'), int4('month')], nowMs: Date.now() });
const settings = cat.DEFAULT_FORMAT_SETTINGS;

async function ours(frag) {
  const r = pext.renderFragment(frag);
  if (!r.pushable) throw new Error(r.reason);
  const c = pext.externalRowCursor(engine, { reason: undefined }, { sql: r.sql, files: r.files, cancelPollMs: 50 });
  let n = 0;
  for (;;) {
    const res = await c.fetch(0);
    n += res.rows.length;
    if (res.done) break;
  }
  return n;
}
async function duckdb(sql) {
  const res = await dc.stream(sql);
  let n = 0;
  for (;;) {
    const ch = await res.fetchChunk();
    if (!ch || ch.rowCount === 0) break;
    ch.getColumns();
    n += ch.rowCount;
  }
  return n;
}
const frag = (ref, over) => ({ table: 't', ref, files: ref.files, filters: [], output: { kind: 'columns', columns: ['id'] }, orderBy: [], limit: undefined, offset: undefined, ...over });
const revenue = { output: { kind: 'aggregate', groupBy: ['product_id'], aggs: [{ fn: 'sum', arg: 'amount', distinct: false }] }, orderBy: [{ index: 1, desc: true, nullsFirst: true }], limit: 10 };
function pruned(preds) {
  return pext.prunePartitions(hiveRef, pext.typedPartitions(hiveRef, hiveRef.files, settings), preds).kept;
}
const c = (oid, value) => ({ kind: 'const', oid, typmod: -1, value });
const HIVE_ALL = `read_parquet('${hive}/**/*.parquet', hive_partitioning = true)`;

const cases = [
  ['revenue top 10, flat', () => ours(frag(flatRef, revenue)), () => duckdb(`SELECT product_id, sum(amount) AS revenue FROM read_parquet('${flat}') GROUP BY product_id ORDER BY revenue DESC LIMIT 10`)],
  ['revenue top 10, hive (all)', () => ours(frag(hiveRef, revenue)), () => duckdb(`SELECT product_id, sum(amount) AS revenue FROM ${HIVE_ALL} GROUP BY product_id ORDER BY revenue DESC LIMIT 10`)],
  ['revenue, one month (pruned)', () => ours(frag(hiveRef, { ...revenue, files: pruned([{ kind: 'cmp', column: 'year', op: '=', value: 2022 }, { kind: 'cmp', column: 'month', op: '=', value: 6 }]) })),
    () => duckdb(`SELECT product_id, sum(amount) AS revenue FROM ${HIVE_ALL} WHERE year = 2022 AND month = 6 GROUP BY product_id ORDER BY revenue DESC LIMIT 10`)],
  ['selective non-partition predicate', () => ours(frag(flatRef, { filters: [{ kind: 'cmp', op: '=', left: { kind: 'col', name: 'customer_id' }, right: c(23, 4242) }], output: { kind: 'columns', columns: ['id', 'amount'] } })),
    () => duckdb(`SELECT id, amount FROM read_parquet('${flat}') WHERE customer_id = 4242`)],
  ['point lookup by id', () => ours(frag(flatRef, { filters: [{ kind: 'cmp', op: '=', left: { kind: 'col', name: 'id' }, right: c(20, BigInt(Math.floor(ROWS * 0.777))) }], output: { kind: 'columns', columns: ['id', 'amount', 'customer_id'] } })),
    () => duckdb(`SELECT id, amount, customer_id FROM read_parquet('${flat}') WHERE id = ${Math.floor(ROWS * 0.777)}`)],
];

const rows = [];
for (const [name, a, b] of cases) {
  const na = await a(); // warm-up (also checks the row counts agree)
  const nb = await b();
  if (na !== nb) throw new Error(`${name}: ${na} rows vs DuckDB ${nb}`);
  const ta = [], tb = [], ratios = [];
  for (let i = 0; i < PAIRS; i++) {
    const order = i % 2 === 0 ? [a, b] : [b, a];
    const times = [];
    for (const f of order) {
      const s = performance.now();
      await f();
      times.push(performance.now() - s);
    }
    const [x, y] = i % 2 === 0 ? times : [times[1], times[0]];
    ta.push(x); tb.push(y); ratios.push(x / y);
  }
  rows.push([name, median(ta), percentile(ta, 50), median(tb), median(ratios)]);
}

// COPY TO Parquet throughput (zstd level 3) from the flat file.
{
  const ta = [], tb = [], ratios = [];
  for (let i = 0; i < Math.min(PAIRS, 3); i++) {
    const s1 = performance.now();
    await ext.copyQueryToParquet(engine, `SELECT * FROM ${ext.readParquetCall({ files: [flat] })}`, join(root, `ours-${i}.parquet`), { compression: { codec: 'zstd', level: 3 } }, [flat]);
    const x = performance.now() - s1;
    const s2 = performance.now();
    await dc.run(`COPY (SELECT * FROM read_parquet('${flat}')) TO '${join(root, `duck-${i}.parquet`)}' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3)`);
    const y = performance.now() - s2;
    ta.push(x); tb.push(y); ratios.push(x / y);
  }
  rows.push([`COPY TO Parquet zstd(3), ${fmt(ROWS)} rows`, median(ta), median(ta), median(tb), median(ratios)]);
}

console.log(`\n| query (${fmt(ROWS)} rows, ${PAIRS} pairs) | Pyralog external path ms | DuckDB in-process ms | median pair ratio |`);
console.log('|---|---:|---:|---:|');
for (const [name, a, , b, r] of rows) console.log(`| ${name} | ${fmt(a, 1)} | ${fmt(b, 1)} | ${fmtRatio(r)} |`);
console.log(`\nhive partitions: ${hiveRef.files.length} files; one month keeps ${pruned([{ kind: 'cmp', column: 'year', op: '=', value: 2022 }, { kind: 'cmp', column: 'month', op: '=', value: 6 }]).length}`);
engine.close();
dc.closeSync();
duck.closeSync();
rmSync(base, { recursive: true, force: true });
