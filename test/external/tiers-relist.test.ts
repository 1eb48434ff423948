// relistRef: a query sees the LOCATION as it is now — files added to a directory/glob are read,
// removed ones are not, changed ones are read as they are now; a removed single-file location is
// 58P01 naming the file; new files pass the same root and layout checks as at registration.
// Real ExternalEngine and files written by an unrestricted DuckDB (the oracle).
import { mkdirSync, rmSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readParquetCall, registerParquet, relistRef, type ExternalTableRef } from '../../external/index.js';
import { typedPartitions } from '../../planner/external/index.js';
import { DEFAULT_FORMAT_SETTINGS, DbError } from '../../catalog/index.js';
import { drain, oracleRows, useFixture } from './fixtures.js';

const fx = useFixture();
const SETTINGS = { ...DEFAULT_FORMAT_SETTINGS, nowMicros: 0n };

const write = (sql: string, path: string): Promise<unknown> => fx.oracle.run(`COPY (${sql}) TO '${path}' (FORMAT parquet)`);
const rowsOf = (from: number, n: number): string => `SELECT range::BIGINT AS id, 'r' || range AS label FROM range(${from}, ${from + n})`;

async function countThrough(ref: ExternalTableRef): Promise<number> {
  const files = ref.files.map((f) => f.path);
  const s = await fx.engine.stream(`SELECT id FROM ${readParquetCall({ files })}`, { files });
  return (await drain(s)).rows.length;
}

async function failure(f: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await f();
  } catch (e) {
    const x = e as { sqlstate?: string; code?: string; message: string };
    return { code: x.sqlstate ?? x.code ?? '?', message: x.message };
  }
  throw new Error('expected a failure');
}

describe('relistRef', () => {
  it('a directory: added files are read, removed ones are not, changed ones as they are now', async () => {
    const dir = join(fx.root, 'dir');
    mkdirSync(dir);
    await write(rowsOf(0, 100), join(dir, 'a.parquet'));
    await write(rowsOf(100, 100), join(dir, 'b.parquet'));
    const ref = await registerParquet(fx.engine, { location: dir, nowMs: 1 });
    expect(ref.files.length).toBe(2);

    const same = relistRef(fx.engine, ref);
    expect(same.ref).toBe(ref); // nothing changed: the very same ref
    expect(same.diff).toEqual({ added: [], removed: [], changed: [] });

    await write(rowsOf(200, 50), join(dir, 'c.parquet'));
    rmSync(join(dir, 'a.parquet'));
    await write(rowsOf(100, 300), join(dir, 'b.parquet')); // rewritten: more rows
    utimesSync(join(dir, 'b.parquet'), new Date(), new Date(Date.now() + 5000)); // mtime moves even within one ms
    const now = relistRef(fx.engine, ref);
    expect(now.diff.added.map((f) => f.path)).toEqual([join(dir, 'c.parquet')]);
    expect(now.diff.removed.map((f) => f.path)).toEqual([join(dir, 'a.parquet')]);
    expect(now.diff.changed.map((f) => f.path)).toEqual([join(dir, 'b.parquet')]);
    expect(now.ref.files.map((f) => f.path)).toEqual([join(dir, 'b.parquet'), join(dir, 'c.parquet')]);
    expect({ ...now.ref, files: [] }).toEqual({ ...ref, files: [] });
    const want = await oracleRows(fx.oracle, `SELECT count(*)::INTEGER FROM read_parquet('${dir}/*.parquet')`);
    expect(await countThrough(now.ref)).toBe(want[0]![0]);
    expect(await countThrough(now.ref)).toBe(350);

    // Everything removed: 58P01, as at registration.
    rmSync(join(dir, 'b.parquet'));
    rmSync(join(dir, 'c.parquet'));
    const empty = await failure(() => relistRef(fx.engine, ref));
    expect(empty.code).toBe('58P01');
    expect(empty.message).toContain(dir);
  });

  it('a single-file location that is gone is 58P01 naming the file; a changed file is read as it is now', async () => {
    const file = join(fx.root, 'one.parquet');
    await write(rowsOf(0, 10), file);
    const ref = await registerParquet(fx.engine, { location: file, nowMs: 1 });
    await write(rowsOf(0, 25), file);
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    const now = relistRef(fx.engine, ref);
    expect(now.diff.changed.length).toBe(1);
    expect(now.ref.files[0]!.sizeBytes).not.toBe(ref.files[0]!.sizeBytes);
    expect(await countThrough(now.ref)).toBe(25);
    rmSync(file);
    const gone = await failure(() => relistRef(fx.engine, ref));
    expect(gone).toEqual({ code: '58P01', message: `could not open file "${file}": No such file or directory` });
  });

  it('a glob picks up new matching files only', async () => {
    const dir = join(fx.root, 'glob');
    mkdirSync(dir);
    await write(rowsOf(0, 5), join(dir, 'part-1.parquet'));
    const ref = await registerParquet(fx.engine, { location: join(dir, 'part-*.parquet'), nowMs: 1 });
    await write(rowsOf(5, 5), join(dir, 'part-2.parquet'));
    await write(rowsOf(10, 5), join(dir, 'other.parquet'));
    const now = relistRef(fx.engine, ref);
    expect(now.ref.files.map((f) => f.path)).toEqual([join(dir, 'part-1.parquet'), join(dir, 'part-2.parquet')]);
    expect(await countThrough(now.ref)).toBe(10);
  });

  it('new files pass the registration checks: roots (symlink out), hive layout, partition value types', async () => {
    const hive = join(fx.root, 'hive');
    mkdirSync(join(hive, 'year=2023'), { recursive: true });
    await write(rowsOf(0, 10), join(hive, 'year=2023', 'a.parquet'));
    const int4 = { name: 'year', oid: 23, typmod: -1, typeName: 'integer' };
    const ref = await registerParquet(fx.engine, { location: hive, partitionColumns: [int4], nowMs: 1 });

    // A new partition directory is read, with its value.
    mkdirSync(join(hive, 'year=2024'));
    await write(rowsOf(10, 10), join(hive, 'year=2024', 'b.parquet'));
    const now = relistRef(fx.engine, ref);
    expect(now.ref.files.map((f) => f.partition)).toEqual([['2023'], ['2024']]);
    expect(typedPartitions(now.ref, now.ref.files, SETTINGS).map((f) => [...f.values.values()])).toEqual([[2023], [2024]]);

    // A value that is not an integer: 22P02 naming the file, when the planner types the values.
    mkdirSync(join(hive, 'year=soon'));
    await write(rowsOf(20, 1), join(hive, 'year=soon', 'c.parquet'));
    const bad = relistRef(fx.engine, ref);
    let err: unknown;
    try {
      typedPartitions(bad.ref, bad.ref.files, SETTINGS);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DbError);
    expect((err as DbError).code).toBe('22P02');
    expect((err as DbError).message).toBe('invalid input syntax for type integer: "soon"');
    expect((err as DbError).fields.detail).toBe(`Partition value of "year" in file "${join(hive, 'year=soon', 'c.parquet')}".`);
    rmSync(join(hive, 'year=soon'), { recursive: true });

    // A file outside the layout: 22P04 naming it.
    await write(rowsOf(30, 1), join(hive, 'stray.parquet'));
    const stray = await failure(() => relistRef(fx.engine, ref));
    expect(stray.code).toBe('22P04');
    expect(stray.message).toContain(join(hive, 'stray.parquet'));
    rmSync(join(hive, 'stray.parquet'));

    // A symlink that leaves the roots: 42501.
    await write(rowsOf(0, 1), join(fx.outside, 'x.parquet'));
    mkdirSync(join(hive, 'year=2025'));
    symlinkSync(join(fx.outside, 'x.parquet'), join(hive, 'year=2025', 'x.parquet'));
    expect((await failure(() => relistRef(fx.engine, ref))).code).toBe('42501');
  });
});
