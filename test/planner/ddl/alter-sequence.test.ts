// ALTER SEQUENCE, against a transcript recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['CREATE SEQUENCE s', 'CREATE TABLE t (a int)']);
const val = async (sql: string): Promise<Array<string | null>> => (await client().query(sql)).text[0]!;
const err = async (sql: string): Promise<[string, string]> => {
  const e = await client().error(sql);
  return [e.code, e.message];
};

describe('ALTER SEQUENCE', () => {
  it('IF EXISTS skips a missing sequence; OWNED BY checks its target', async () => {
    expect((await client().query('ALTER SEQUENCE IF EXISTS nope OWNED BY x')).tag).toBe('ALTER SEQUENCE');
    expect(await err('ALTER SEQUENCE nope OWNED BY x')).toEqual(['42P01', 'relation "nope" does not exist']);
    expect(await err('ALTER SEQUENCE s OWNED BY x')).toEqual(['42601', 'invalid OWNED BY option']);
    expect(await err('ALTER SEQUENCE s OWNED BY t.nope')).toEqual(['42703', 'column "nope" of relation "t" does not exist']);
    expect(await err('ALTER SEQUENCE t INCREMENT 2')).toEqual(['42809', '"t" is not a sequence']);
  });

  it('changes increment, bounds and the counter', async () => {
    expect(await val("SELECT nextval('s')")).toEqual(['1']);
    await client().query('ALTER SEQUENCE s INCREMENT 10 RESTART WITH 100');
    expect(await val("SELECT nextval('s'), nextval('s')")).toEqual(['100', '110']);
    expect(await err('ALTER SEQUENCE s MINVALUE 50 MAXVALUE 40')).toEqual(['22023', 'MINVALUE (50) must be less than MAXVALUE (40)']);
    expect(await err('ALTER SEQUENCE s RESTART WITH 0')).toEqual(['22023', 'RESTART value (0) cannot be less than MINVALUE (1)']);
    await client().query('ALTER SEQUENCE s MAXVALUE 1000 CYCLE');
    await client().query('ALTER SEQUENCE s START 3 RESTART');
    expect(await val("SELECT nextval('s')")).toEqual(['3']);
  });

  it('OWNED BY ties the sequence to the column: DROP TABLE drops it', async () => {
    await client().query('ALTER SEQUENCE s OWNED BY t.a');
    await client().query('DROP TABLE t');
    expect(await err("SELECT nextval('s')")).toEqual(['42P01', 'relation "s" does not exist']);
  });
});
