// Registration (discover / declared / partitioned), the catalog ref codec, and COPY TO Parquet,
// all against Parquet files the oracle DuckDB wrote.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  ExternalError,
  registerParquet,
  encodeRef,
  decodeRef,
  readParquetCall,
  copyQueryToParquet,
  numericTypmod,
  type ExternalTableRef,
} from '../../external/index.js';
import { makeFixture, drain, oracleRows, FLAT_SELECT, ROWS, type Fixture } from './fixtures.js';

let fx: Fixture;
let flat: string;
let sales: string;

beforeAll(async () => {
  fx = await makeFixture();
  flat = join(fx.root, 'flat.parquet');
  sales = join(fx.root, 'sales');
  await fx.oracle.run(`COPY (${FLAT_SELECT}) TO '${flat}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`);
  await fx.oracle.run(
    `COPY (SELECT range AS id, range % 50 AS product_id, (range % 1000) / 10.0 AS amount,
                  2022 + (range % 3) AS year, 1 + ((range // 3) % 12) AS month
           FROM range(30000))
     TO '${sales}' (FORMAT parquet, PARTITION_BY (year, month))`,
  );
});
afterAll(() => fx.cleanup());

async function fails(p: Promise<unknown>): Promise<ExternalError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ExternalError);
  return e as ExternalError;
}

const int4 = (name: string) => ({ name, oid: 23, typmod: -1, typeName: 'integer' });

describe('registerParquet', () => {
  it('discovers columns from the files', async () => {
    const ref = await registerParquet(fx.engine, { location: flat, nowMs: 1 });
    expect(ref.columns.map((c) => c.name)).toEqual(['id', 'small', 'big', 'dbl', 'flt', 'dec', 'huge', 'name', 'flag', 'day', 'ts', 'tstz', 'bin', 'ivl', 'tod', 'uid']);
    expect(ref.columns.find((c) => c.name === 'dec')).toEqual({ name: 'dec', source: 'dec', oid: 1700, typmod: numericTypmod(12, 2), duckType: 'DECIMAL(12,2)' });
    expect(ref.files.length).toBe(1);
    expect(ref.partitionColumns).toEqual([]);
  });

  it('declared columns must match: 42804 names both types, 42703 for a missing column', async () => {
    const ok = await registerParquet(fx.engine, { location: flat, columns: [int4('id'), { name: 'name', oid: 1043, typmod: -1, typeName: 'character varying' }], nowMs: 1 });
    expect(ok.columns.map((c) => [c.name, c.oid])).toEqual([['id', 23], ['name', 1043]]);
    const e = await fails(registerParquet(fx.engine, { location: flat, columns: [{ name: 'id', oid: 20, typmod: -1, typeName: 'bigint' }], nowMs: 1 }));
    expect(e.sqlstate).toBe('42804');
    expect(e.message).toBe('column "id" is declared as bigint but the Parquet files store integer (DuckDB INTEGER)');
    const e2 = await fails(registerParquet(fx.engine, { location: flat, columns: [{ name: 'dec', oid: 1700, typmod: numericTypmod(10, 3), typeName: 'numeric(10,3)' }], nowMs: 1 }));
    expect(e2.sqlstate).toBe('42804');
    expect(e2.message).toContain('numeric(10,3)');
    expect((await fails(registerParquet(fx.engine, { location: flat, columns: [int4('nope')], nowMs: 1 }))).sqlstate).toBe('42703');
  });

  it('partitioned: partition values per file, layout checked', async () => {
    const pcols = [int4('year'), int4('month')];
    const ref = await registerParquet(fx.engine, { location: sales, partitionColumns: pcols, nowMs: 5 });
    expect(ref.files.length).toBe(36);
    expect(ref.files[0]!.partition).toEqual(['2022', '1']);
    expect(ref.columns.map((c) => c.name)).toEqual(['id', 'product_id', 'amount']);
    expect(ref.partitionColumns.map((c) => c.name)).toEqual(['year', 'month']);
    const e = await fails(registerParquet(fx.engine, { location: sales, partitionColumns: [int4('month')], nowMs: 5 }));
    expect(e.sqlstate).toBe('22P04');
    // Reading the kept files with the catalog's partition types gives DuckDB's own answer.
    const kept = ref.files.filter((f) => f.partition[0] === '2023' && f.partition[1] === '12').map((f) => f.path);
    const s = await fx.engine.stream(
      `SELECT year, month, count(*), sum(amount) FROM ${readParquetCall({ files: kept, hiveTypes: [['year', 'INTEGER'], ['month', 'INTEGER']] })} GROUP BY ALL`,
      { files: kept },
    );
    const got = (await drain(s)).rows;
    const want = await oracleRows(fx.oracle, `SELECT year, month, count(*), sum(amount) FROM read_parquet('${sales}/**/*.parquet', hive_partitioning = true) WHERE year = 2023 AND month = 12 GROUP BY ALL`);
    expect(got.length).toBe(1);
    expect([got[0]![0], got[0]![1], got[0]![2]]).toEqual([Number(want[0]![0]), Number(want[0]![1]), want[0]![2]]);
    expect(got[0]![3] as number).toBeCloseTo(want[0]![3] as number, 6); // DOUBLE sums: summation order may differ
  });

  it('refuses locations outside the roots and s3://', async () => {
    expect((await fails(registerParquet(fx.engine, { location: join(fx.outside, 'x.parquet'), nowMs: 1 }))).sqlstate).toBe('42501');
    expect((await fails(registerParquet(fx.engine, { location: `${fx.root}/../outside`, nowMs: 1 }))).sqlstate).toBe('42501');
    expect((await fails(registerParquet(fx.engine, { location: 's3://b/k.parquet', nowMs: 1 }))).sqlstate).toBe('0A000');
    expect((await fails(registerParquet(fx.engine, { location: join(fx.root, 'none-*.parquet'), nowMs: 1 }))).sqlstate).toBe('58P01');
  });
});

describe('ExternalTableRef codec', () => {
  const sample: ExternalTableRef = {
    version: 1,
    format: 'parquet',
    location: '/data/external/sales',
    baseDir: '/data/external/sales',
    columns: [{ name: 'amount', source: 'amount', oid: 1700, typmod: numericTypmod(12, 2), duckType: 'DECIMAL(12,2)' }],
    partitionColumns: [{ name: 'year', source: 'year', oid: 23, typmod: -1, duckType: '' }],
    files: [{ path: '/data/external/sales/year=2023/a.parquet', sizeBytes: 1234, mtimeMs: 1700000000000, partition: ['2023'] }],
    registeredAtMs: 1700000000001,
  };

  it('round-trips and matches the example in external/REFS.md', async () => {
    const text = encodeRef(sample);
    expect(decodeRef(text)).toEqual(sample);
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(join(__dirname, '..', '..', 'external', 'REFS.md'), 'utf8');
    expect(doc).toContain(text);
  });

  it('rejects garbled and truncated input with XX001', () => {
    const text = encodeRef(sample);
    for (let cut = 0; cut < text.length; cut += 7) {
      expect(() => decodeRef(text.slice(0, cut))).toThrowError(ExternalError);
    }
    const bad = [
      text.replace('"version":1', '"version":2'),
      text.replace('"parquet"', '"csv"'),
      text.replace('"partition":["2023"]', '"partition":[]'),
      text.replace('"oid":23', '"oid":"23"'),
      '[]',
    ];
    for (const b of bad) {
      let e: unknown;
      try {
        decodeRef(b);
      } catch (x) {
        e = x;
      }
      expect((e as ExternalError).sqlstate).toBe('XX001');
    }
  });
});

describe('copyQueryToParquet', () => {
  it('writes via a temp name and renames; DuckDB reads back the same rows', async () => {
    const out = join(fx.root, 'exports', 'copy.parquet');
    (await import('node:fs')).mkdirSync(join(fx.root, 'exports'));
    const n = await copyQueryToParquet(fx.engine, `SELECT * FROM ${readParquetCall({ files: [flat] })} WHERE id % 2 = 0`, out, { compression: { codec: 'zstd', level: 3 }, rowGroupSize: 500 });
    expect(n).toBe(ROWS / 2);
    expect(readdirSync(join(fx.root, 'exports'))).toEqual(['copy.parquet']);
    const meta = await oracleRows(fx.oracle, `SELECT DISTINCT compression FROM parquet_metadata('${out}')`);
    expect(meta.map((r) => r[0])).toEqual(['ZSTD']);
    const cnt = await oracleRows(fx.oracle, `SELECT count(*), sum(id) FROM read_parquet('${out}')`);
    expect(cnt[0]).toEqual([BigInt(ROWS / 2), BigInt((ROWS / 2) * (ROWS / 2 - 1))]);
    // Snappy, partitioned.
    const dir = join(fx.root, 'exports', 'by_small');
    const m = await copyQueryToParquet(fx.engine, `SELECT id, small FROM ${readParquetCall({ files: [flat] })}`, dir, { compression: { codec: 'snappy' }, partitionBy: ['small'] });
    expect(m).toBe(ROWS);
    expect(readdirSync(dir).sort()).toEqual(['small=0', 'small=1', 'small=2', 'small=3', 'small=4', 'small=5', 'small=6']);
  });

  it('a failing COPY leaves nothing behind; targets outside the roots are 42501', async () => {
    const out = join(fx.root, 'exports2', 'bad.parquet');
    (await import('node:fs')).mkdirSync(join(fx.root, 'exports2'));
    const e = await fails(copyQueryToParquet(fx.engine, `SELECT 1 / 0 :: INTEGER AS x, error('boom') AS y`, out, { compression: { codec: 'zstd' } }));
    expect(e.sqlstate).toBe('XX000');
    expect(readdirSync(join(fx.root, 'exports2'))).toEqual([]);
    expect((await fails(copyQueryToParquet(fx.engine, 'SELECT 1', join(fx.outside, 'x.parquet'), { compression: { codec: 'zstd' } }))).sqlstate).toBe('42501');
    expect((await fails(copyQueryToParquet(fx.engine, 'SELECT 1', `${fx.root}/../outside/x.parquet`, { compression: { codec: 'zstd' } }))).sqlstate).toBe('42501');
    symlinkSync(fx.outside, join(fx.root, 'outlink'));
    expect((await fails(copyQueryToParquet(fx.engine, 'SELECT 1', join(fx.root, 'outlink', 'x.parquet'), { compression: { codec: 'zstd' } }))).sqlstate).toBe('42501');
    expect(existsSync(join(fx.outside, 'x.parquet'))).toBe(false);
    expect((await fails(copyQueryToParquet(fx.engine, 'SELECT 1', join(fx.root, 'x.parquet'), { compression: { codec: 'zstd', level: 99 } }))).sqlstate).toBe('0A000');
  });
});

describe('copyRowsToParquet (rows from the native executor)', () => {
  it('writes every supported type exactly; DuckDB reads back the same values', async () => {
    const { copyRowsToParquet, PgOid } = await import('../../external/index.js');
    const out = join(fx.root, 'rows.parquet');
    const cols = [
      { name: 'i', pg: { oid: PgOid.int4, typmod: -1 } },
      { name: 'b', pg: { oid: PgOid.int8, typmod: -1 } },
      { name: 'n', pg: { oid: PgOid.numeric, typmod: numericTypmod(10, 2) } },
      { name: 's', pg: { oid: PgOid.text, typmod: -1 } },
      { name: 'd', pg: { oid: PgOid.date, typmod: -1 } },
      { name: 'ts', pg: { oid: PgOid.timestamptz, typmod: -1 } },
      { name: 'u', pg: { oid: PgOid.uuid, typmod: -1 } },
      { name: 'f', pg: { oid: PgOid.float4, typmod: -1 } },
      { name: 'x', pg: { oid: PgOid.bytea, typmod: -1 } },
      { name: 'iv', pg: { oid: PgOid.interval, typmod: -1 } },
    ];
    async function* batches() {
      for (let k = 0; k < 3; k++) {
        const rows = [];
        for (let j = 0; j < 1000; j++) {
          const r = k * 1000 + j;
          rows.push(
            r % 10 === 0
              ? [r, null, null, null, null, null, null, null, null, null]
              : [r, BigInt(r) * 3n, { kind: 'decimal' as const, unscaled: BigInt(r), scale: 1 }, `s${r}'"`, r - 5000, BigInt(r) * 1_000_000n, `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`, Math.fround(r / 3), new Uint8Array([r & 255]), { months: r, days: 1, micros: 5n }],
          );
        }
        yield rows;
      }
    }
    const n = await copyRowsToParquet(fx.engine, cols, batches(), out, { compression: { codec: 'zstd', level: 3 } });
    expect(n).toBe(3000);
    const got = await oracleRows(
      fx.oracle,
      `SELECT i, b, CAST(n AS VARCHAR), s, date_diff('day', DATE '2000-01-01', d), epoch_us(ts) - 946684800000000, CAST(u AS VARCHAR), f, hex(x), datepart('month', iv) + 12 * datepart('year', iv)
       FROM read_parquet('${out}') WHERE i IN (0, 7, 2999) ORDER BY i`,
    );
    expect(got).toEqual([
      [0, null, null, null, null, null, null, null, null, null],
      [7, 21n, '0.70', `s7'"`, -4993n, 7000000n, '00000000-0000-4000-8000-000000000007', Math.fround(7 / 3), '07', 7n],
      [2999, 8997n, '299.90', `s2999'"`, -2001n, 2999000000n, '00000000-0000-4000-8000-000000002999', Math.fround(2999 / 3), 'B7', 2999n],
    ]);
  });

  it('refuses unconstrained numeric before writing anything, and targets outside the roots', async () => {
    const { copyRowsToParquet, PgOid } = await import('../../external/index.js');
    async function* none() {}
    const e = await fails(copyRowsToParquet(fx.engine, [{ name: 'n', pg: { oid: PgOid.numeric, typmod: -1 } }], none(), join(fx.root, 'n.parquet'), { compression: { codec: 'zstd' } }));
    expect(e.sqlstate).toBe('0A000');
    expect(existsSync(join(fx.root, 'n.parquet'))).toBe(false);
    const e2 = await fails(copyRowsToParquet(fx.engine, [{ name: 'i', pg: { oid: PgOid.int4, typmod: -1 } }], none(), join(fx.outside, 'n.parquet'), { compression: { codec: 'zstd' } }));
    expect(e2.sqlstate).toBe('42501');
  });
});
