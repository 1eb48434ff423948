// CREATE EXTERNAL TABLE planning end to end below the catalog write: the statement parser, the
// planner's own type-name resolution (bind/types.ts resolveTypeName), registration through the
// locked-down engine, and the ref the catalog would store.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { join } from 'node:path';
import { DbError } from '../../catalog/index.js';
import { decodeRef } from '../../external/index.js';
import { parseExternalStatement, planExternalTable, externalTableReadOnly, type TypeOf } from '../../planner/external/index.js';
import { resolveTypeName } from '../../planner/bind/types.js';
import { makeFixture, type Fixture } from './fixtures.js';

let fx: Fixture;
// Type names without modifiers resolve through the planner's real table (42704 when unknown).
const typeOf: TypeOf = (col) => ({ oid: resolveTypeName([col.typeText.trim().toLowerCase()], col.pos), typmod: -1 });

beforeAll(async () => {
  fx = await makeFixture();
  await fx.oracle.run(`COPY (SELECT range::BIGINT AS id, 'n' || range AS name, range::DOUBLE / 3 AS score, 2020 + range % 2 AS year FROM range(100))
                       TO '${join(fx.root, 'people')}' (FORMAT parquet, PARTITION_BY (year))`);
  await fx.oracle.run(`COPY (SELECT 1 AS id, [1, 2] AS tags) TO '${join(fx.root, 'nested.parquet')}' (FORMAT parquet)`);
});
afterAll(() => fx.cleanup());

async function plan(sql: string) {
  const s = parseExternalStatement(sql);
  if (s?.kind !== 'createExternalTable') throw new Error('not a CREATE EXTERNAL TABLE');
  return planExternalTable(s, fx.engine, typeOf, 1234);
}

async function err(p: Promise<unknown>): Promise<DbError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(DbError);
  return e as DbError;
}

describe('planExternalTable', () => {
  it('discovers columns and appends partition columns', async () => {
    const p = await plan(`CREATE EXTERNAL TABLE people STORED AS PARQUET LOCATION '${join(fx.root, 'people')}' PARTITIONED BY (year int4)`);
    expect(p.columns).toEqual([
      { name: 'id', typeOid: 20, typmod: -1 },
      { name: 'name', typeOid: 25, typmod: -1 },
      { name: 'score', typeOid: 701, typmod: -1 },
      { name: 'year', typeOid: 23, typmod: -1 },
    ]);
    expect(decodeRef(p.refText)).toEqual(p.ref);
    expect(p.ref.files.length).toBe(2);
  });

  it('declared columns are checked against the files (42804 with both type names)', async () => {
    const p = await plan(`CREATE EXTERNAL TABLE people (id int8, score float8) STORED AS PARQUET LOCATION '${join(fx.root, 'people')}' PARTITIONED BY (year int4)`);
    expect(p.columns.map((c) => c.name)).toEqual(['id', 'score', 'year']);
    const e = await err(plan(`CREATE EXTERNAL TABLE people (id int4) STORED AS PARQUET LOCATION '${join(fx.root, 'people')}' PARTITIONED BY (year int4)`));
    expect([e.code, e.message]).toEqual(['42804', 'column "id" is declared as integer but the Parquet files store bigint (DuckDB BIGINT)']);
    expect((await err(plan(`CREATE EXTERNAL TABLE x (id nosuchtype) STORED AS PARQUET LOCATION '${join(fx.root, 'people')}'`))).code).toBe('42704');
    expect((await err(plan(`CREATE EXTERNAL TABLE x (id jsonb) STORED AS PARQUET LOCATION '${join(fx.root, 'people')}'`))).code).toBe('0A000');
  });

  it('nested columns need a column list; errors from external/ arrive as DbErrors', async () => {
    const e = await err(plan(`CREATE EXTERNAL TABLE n STORED AS PARQUET LOCATION '${join(fx.root, 'nested.parquet')}'`));
    expect(e.code).toBe('0A000');
    expect(e.message).toContain('INTEGER[]');
    const ok = await plan(`CREATE EXTERNAL TABLE n (id int4) STORED AS PARQUET LOCATION '${join(fx.root, 'nested.parquet')}'`);
    expect(ok.columns).toEqual([{ name: 'id', typeOid: 23, typmod: -1 }]);
    expect((await err(plan(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '${fx.outside}'`))).code).toBe('42501');
    expect((await err(plan(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '${fx.root}/../outside'`))).code).toBe('42501');
    const s3 = await err(plan(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION 's3://bucket/sales/'`));
    expect([s3.code, s3.fields.detail]).toEqual(['0A000', "Object storage and HTTP locations need DuckDB's httpfs extension, which is not available on this server (offline)."]);
    expect((await err(plan(`CREATE EXTERNAL TABLE o STORED AS PARQUET LOCATION '${join(fx.root, 'missing-*.parquet')}'`))).code).toBe('58P01');
  });

  it('writes are refused with a clear 0A000', () => {
    const e = externalTableReadOnly('people');
    expect([e.code, e.message]).toEqual(['0A000', 'cannot modify external table "people"']);
    expect(e.fields.hint).toMatch(/COPY/);
  });
});
