// Bad input for external data, each line of issue 5's "Bad input" over the wire with `pg`:
// object-store URLs refused at once (0A000, never a hang), missing files and empty globs (58P01),
// corrupt Parquet (XX001 naming the file, the server keeps serving), declared columns that do not
// match the files (42804 naming both types), partition values that do not parse (22P02 naming
// the file), writes to external tables (0A000), locations outside the roots (42501: plain, `..`,
// a symlink out) — for CREATE EXTERNAL/FOREIGN TABLE, COPY TO and COPY FROM alike.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTierServer, type TierServer } from './tiers-server.js';

let s: TierServer;
const HTTPFS = "object storage needs DuckDB's httpfs extension, which is not available offline";

beforeAll(async () => {
  s = await startTierServer('badinput');
  const o = s.oracle;
  await o.run(`COPY (SELECT range::INTEGER AS id, 'n' || range AS name, (range * 1.5)::DOUBLE AS score FROM range(100)) TO '${join(s.root, 'good.parquet')}' (FORMAT parquet)`);
  writeFileSync(join(s.root, 'corrupt.parquet'), Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]));
  writeFileSync(join(s.root, 'text.parquet'), 'just some text, not Parquet\n');
  mkdirSync(join(s.root, 'empty'));
  mkdirSync(join(s.root, 'hive', 'year=2023'), { recursive: true });
  mkdirSync(join(s.root, 'hive', 'year=twenty'), { recursive: true });
  await o.run(`COPY (SELECT 1 AS id) TO '${join(s.root, 'hive', 'year=2023', 'a.parquet')}' (FORMAT parquet)`);
  await o.run(`COPY (SELECT 2 AS id) TO '${join(s.root, 'hive', 'year=twenty', 'b.parquet')}' (FORMAT parquet)`);
  await o.run(`COPY (SELECT 1 AS id) TO '${join(s.outside, 'secret.parquet')}' (FORMAT parquet)`);
  symlinkSync(join(s.outside, 'secret.parquet'), join(s.root, 'link.parquet'));
  symlinkSync(s.outside, join(s.root, 'linkdir'));
  await s.client.query(`CREATE TABLE native (id int, name text, score float8)`);
  await s.client.query(`CREATE EXTERNAL TABLE good STORED AS PARQUET LOCATION '${join(s.root, 'good.parquet')}'`);
}, 60_000);

afterAll(async () => {
  await s?.close();
});

async function stillServing(): Promise<void> {
  expect(await s.rows(`SELECT count(*), sum(id) FROM good`)).toEqual([['100', '4950']]);
}

describe('bad input for external data, over the wire', () => {
  it('s3://, http(s)://, gs:// locations: 0A000 at once, naming httpfs', async () => {
    for (const url of ['s3://bucket/sales/', 'http://example.com/a.parquet', 'https://example.com/a.parquet', 'gs://bucket/x.parquet']) {
      const scheme = url.slice(0, url.indexOf('://') + 3);
      const statements = [
        `CREATE EXTERNAL TABLE u STORED AS PARQUET LOCATION '${url}'`,
        `CREATE FOREIGN TABLE u (id int) SERVER parquet OPTIONS (location '${url}')`,
        `COPY (SELECT 1 AS x) TO '${url}' (FORMAT parquet)`,
        `COPY (SELECT 1 AS x) TO '${url}' FORMAT PARQUET`,
        `COPY native FROM '${url}' (FORMAT parquet)`,
      ];
      for (const sql of statements) {
        const e = await s.sqlError(sql);
        expect(e.code, sql).toBe('0A000');
        expect(e.message, sql).toBe(`"${scheme}" locations are not supported: ${HTTPFS}`);
      }
    }
    await stillServing();
  });

  it('missing files and empty globs: 58P01 naming the location', async () => {
    const missing = join(s.root, 'missing.parquet');
    const e1 = await s.sqlError(`CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '${missing}'`);
    expect(e1).toEqual({ code: '58P01', message: `could not open file "${missing}": No such file or directory` });
    const glob = join(s.root, 'empty', 'nothing-*.parquet');
    expect(await s.sqlError(`CREATE EXTERNAL TABLE m STORED AS PARQUET LOCATION '${glob}'`)).toEqual({ code: '58P01', message: `no files match "${glob}"` });
    const empty = join(s.root, 'empty');
    expect(await s.sqlError(`CREATE FOREIGN TABLE m (id int) SERVER parquet OPTIONS (location '${empty}')`)).toEqual({ code: '58P01', message: `no .parquet files found under "${empty}"` });
    expect((await s.sqlError(`COPY native FROM '${missing}' (FORMAT parquet)`)).code).toBe('58P01');
    // COPY TO into a directory that does not exist.
    expect((await s.sqlError(`COPY (SELECT 1 AS x) TO '${join(s.root, 'no', 'such', 'dir.parquet')}' (FORMAT parquet)`)).code).toBe('58P01');
    await stillServing();
  });

  it('corrupt or non-Parquet files: XX001 naming the file, and the server keeps serving', async () => {
    for (const f of ['corrupt.parquet', 'text.parquet']) {
      const path = join(s.root, f);
      for (const sql of [`CREATE EXTERNAL TABLE c STORED AS PARQUET LOCATION '${path}'`, `COPY native FROM '${path}' (FORMAT parquet)`]) {
        const e = await s.sqlError(sql);
        expect(['XX001', '22P04'], sql).toContain(e.code);
        expect(e.message, sql).toContain(path);
      }
      await stillServing();
    }
    // A file that was fine at registration and is damaged later: the query fails naming it.
    const later = join(s.root, 'later.parquet');
    await s.oracle.run(`COPY (SELECT range::INTEGER AS id FROM range(10)) TO '${later}' (FORMAT parquet)`);
    await s.client.query(`CREATE EXTERNAL TABLE later STORED AS PARQUET LOCATION '${later}'`);
    writeFileSync(later, 'overwritten with garbage');
    const e = await s.sqlError(`SELECT count(*) FROM later`);
    expect(['XX001', '22P04', '58030']).toContain(e.code);
    expect(e.message).toContain(later);
    await stillServing();
  });

  it('declared columns that do not match the files: 42804 naming both types', async () => {
    const good = join(s.root, 'good.parquet');
    const e = await s.sqlError(`CREATE EXTERNAL TABLE d (id int, name int) STORED AS PARQUET LOCATION '${good}'`);
    expect(e).toEqual({ code: '42804', message: 'column "name" is declared as integer but the Parquet files store text (DuckDB VARCHAR)' });
    const f = await s.sqlError(`CREATE FOREIGN TABLE d (id int, score numeric(10,2)) SERVER parquet OPTIONS (location '${good}')`);
    expect(f.code).toBe('42804');
    expect(f.message).toBe('column "score" is declared as numeric(10,2) but the Parquet files store double precision (DuckDB DOUBLE)');
    expect((await s.sqlError(`CREATE EXTERNAL TABLE d (nope int) STORED AS PARQUET LOCATION '${good}'`)).code).toBe('42703');
  });

  it('partition values that do not parse as the declared type: 22P02 naming the file', async () => {
    const hive = join(s.root, 'hive');
    const create = `CREATE EXTERNAL TABLE h STORED AS PARQUET LOCATION '${hive}' PARTITIONED BY (year int)`;
    const e = await s.sqlError(create).catch(async () => {
      // Accepted at CREATE: the query that types the partition values must fail instead.
      return s.sqlError(`SELECT * FROM h WHERE year = 2023`);
    });
    expect(e.code).toBe('22P02');
    expect(e.message).toBe('invalid input syntax for type integer: "twenty"');
    expect(e.detail).toBe(`Partition value of "year" in file "${join(hive, 'year=twenty', 'b.parquet')}".`);
    await stillServing();
  });

  it('writes to an external table: 0A000', async () => {
    for (const sql of [
      `INSERT INTO good VALUES (1, 'x', 1)`, `UPDATE good SET id = 1`, `DELETE FROM good`, `TRUNCATE good`,
      `COPY good FROM STDIN`, `COPY good FROM '${join(s.root, 'good.parquet')}' (FORMAT parquet)`,
    ]) {
      const e = await s.sqlError(sql);
      expect(e.code, sql).toBe('0A000');
      expect(e.message, sql).toBe('cannot modify external table "good"');
    }
    await stillServing();
  });

  it('locations outside the roots: 42501 for a plain path, "..", a symlinked file and a symlinked directory', async () => {
    const secret = join(s.outside, 'secret.parquet');
    const paths = [secret, join(s.root, '..', 'outside', 'secret.parquet'), join(s.root, 'link.parquet'), join(s.root, 'linkdir', 'secret.parquet'), join(s.root, 'linkdir')];
    for (const p of paths) {
      for (const sql of [
        `CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '${p}'`,
        `CREATE FOREIGN TABLE o (id int) SERVER parquet OPTIONS (location '${p}')`,
        `COPY native FROM '${p}' (FORMAT parquet)`,
      ]) {
        const e = await s.sqlError(sql);
        expect(e.code, sql).toBe('42501');
      }
    }
    // COPY TO: outside, via "..", into a symlinked directory, over a symlink pointing out.
    for (const p of [join(s.outside, 'w.parquet'), join(s.root, '..', 'outside', 'w.parquet'), join(s.root, 'linkdir', 'w.parquet'), join(s.root, 'link.parquet')]) {
      for (const sql of [`COPY (SELECT 1 AS x) TO '${p}' (FORMAT parquet)`, `COPY (SELECT 1 AS x) TO '${p}' FORMAT PARQUET`]) {
        expect((await s.sqlError(sql)).code, sql).toBe('42501');
      }
    }
    expect((await s.sqlError(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '/etc/passwd'`)).code).toBe('42501');
    await stillServing();
  });
});
