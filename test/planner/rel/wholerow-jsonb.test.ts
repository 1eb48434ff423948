// Whole-row references `t.*` used as values (function and aggregate arguments): a record of
// the entry's columns whose names to_jsonb/jsonb_agg show; ROW(t.*) expands to the columns
// (expected values recorded with psql against PostgreSQL 15.20).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'create table w (a int, b text, c bool)',
  `insert into w values (1, 'x y', true), (2, NULL, NULL)`,
]);

const rows = async (sql: string): Promise<Array<Array<string | null>>> => (await client().query(sql)).text;

describe('t.* as a value', () => {
  it('is a row with the column names in to_jsonb and jsonb_agg', async () => {
    expect(await rows('select jsonb_agg(w.* order by a) from w')).toEqual([['[{"a": 1, "b": "x y", "c": true}, {"a": 2, "b": null, "c": null}]']]);
    expect(await rows('select to_jsonb(w.*) from w order by a')).toEqual([['{"a": 1, "b": "x y", "c": true}'], ['{"a": 2, "b": null, "c": null}']]);
    expect(await rows('select jsonb_agg(x.*) from w x where a = 1')).toEqual([['[{"a": 1, "b": "x y", "c": true}]']]);
    expect(await rows('select to_jsonb(public.w.*) from w order by a')).toEqual([['{"a": 1, "b": "x y", "c": true}'], ['{"a": 2, "b": null, "c": null}']]);
    expect(await rows('select to_jsonb(q.*) from w, w q where w.a = 1 order by q.a')).toEqual([['{"a": 1, "b": "x y", "c": true}'], ['{"a": 2, "b": null, "c": null}']]);
  });
  it('prints as record_out and is never NULL itself', async () => {
    expect(await rows('select (w.*)::text from w order by a')).toEqual([['(1,"x y",t)'], ['(2,,)']]);
    expect(await rows('select count(w.*) from w')).toEqual([['2']]);
  });
  it('is expanded into the columns inside ROW()', async () => {
    expect(await rows('select to_jsonb(row(w.*)) from w order by a')).toEqual([['{"f1": 1, "f2": "x y", "f3": true}'], ['{"f1": 2, "f2": null, "f3": null}']]);
  });
  it('is refused (0A000) where the row would be remapped, never read from the wrong slots', async () => {
    // PostgreSQL: 42803 (w.a not grouped); here the aggregate output cannot rebuild the row yet.
    expect((await client().error('select to_jsonb(w.*) from w group by a')).code).toBe('0A000');
    expect((await client().error('select (select to_jsonb(w.*)) from w')).code).toBe('0A000');
  });
  it('names its entry as PostgreSQL does', async () => {
    const e = await client().error('select to_jsonb(w.*) from w x');
    expect([e.code, e.message, e.fields.hint]).toEqual(['42P01', 'invalid reference to FROM-clause entry for table "w"', 'Perhaps you meant to reference the table alias "x".']);
    expect((await client().error('select to_jsonb(z.*) from w')).message).toBe('missing FROM-clause entry for table "z"');
  });
});
