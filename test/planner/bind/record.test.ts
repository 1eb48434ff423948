// Row constructors (anonymous records): output, arrays, jsonb, pg_typeof, and what is refused;
// expected values recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';
import { TypeOid, binaryOut } from '../../../catalog/index.js';

const client = useClient();
const one = async (sql: string): Promise<Array<string | null>> => (await client().query(sql)).text[0]!;
const err = async (sql: string): Promise<[string, string]> => {
  const e = await client().error(sql);
  return [e.code, e.message];
};

describe('ROW(...)', () => {
  it('prints as record_out does, alone, nested and in arrays', async () => {
    expect(await one(`SELECT row(1, 'a b', null, '', 'x"y', 2.50), row(), row(row(1, 2), 'q'), array[row(1, 2)], row(1, 2)::text, pg_typeof(row(1))`))
      .toEqual(['(1,"a b",,"","x""y",2.50)', '()', '("(1,2)",q)', '{"(1,2)"}', '(1,2)', 'record']);
    expect((await client().query('SELECT DISTINCT row(1, 2) FROM (VALUES (1), (2)) v(x)')).text).toEqual([['(1,2)']]);
  });

  it('converts to jsonb objects with keys f1, f2, ...', async () => {
    expect(await one(`SELECT to_jsonb(row(42, 'Fred said "Hi."'::text)), to_jsonb(row(row(1, 5), 'tojsonb', null)), jsonb_agg(row(1, 'a'))`))
      .toEqual(['{"f1": 42, "f2": "Fred said \\"Hi.\\""}', '{"f1": {"f1": 1, "f2": 5}, "f2": "tojsonb", "f3": null}', '[{"f1": 1, "f2": "a"}]']);
    expect(await err('SELECT jsonb_build_object(row(), 1)')).toEqual(['22023', 'key value must be scalar, not array, composite, or json']);
  });

  it('refuses columns of pseudo-type record and anonymous record input', async () => {
    expect(await err('CREATE TABLE r AS SELECT row(1, 2) AS x')).toEqual(['42P16', 'column "x" has pseudo-type record']);
    expect(await err('CREATE TABLE r (x record)')).toEqual(['42P16', 'column "x" has pseudo-type record']);
    expect(await err('CREATE VIEW r AS SELECT row(1, 2) AS x')).toEqual(['42P16', 'column "x" has pseudo-type record']);
    expect(await err("SELECT '(1,2)'::record")).toEqual(['0A000', 'input of anonymous composite types is not implemented']);
  });

  it('comparisons of record values and IS NULL on rows are 0A000 (not built), never a wrong answer', async () => {
    expect((await err('SELECT x = x FROM (SELECT row(1, 2) AS x) s'))[0]).toBe('0A000');
    expect((await err('SELECT x IN (x) FROM (SELECT row(1, 2) AS x) s'))[0]).toBe('0A000');
    expect((await err('SELECT row(NULL, NULL) IS NULL'))[0]).toBe('0A000');
  });

  it('binary output is record_send', () => {
    const bytes = binaryOut(TypeOid.record, { fields: [1, null], types: [TypeOid.int4, TypeOid.text] });
    expect(Buffer.from(bytes).toString('hex')).toBe('00000002' + '00000017' + '00000004' + '00000001' + '00000019' + 'ffffffff');
  });
});
