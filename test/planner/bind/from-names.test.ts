// Three-part relation names in FROM, as PostgreSQL 15.20's RangeVarGetRelidExtended reads them:
// the current database's name is accepted, any other is 0A000 "cross-database references are not
// implemented" (spelled as written, case kept when quoted) at the name's position, before the
// schema or relation is looked up.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['CREATE TABLE bar (id int)', 'INSERT INTO bar VALUES (7)']);
const err = async (sql: string): Promise<[string, string, number | undefined]> => {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.position];
};

describe('database-qualified names in FROM', () => {
  it('accept the current database', async () => {
    expect((await client().query('SELECT id FROM postgres.public.bar')).text).toEqual([['7']]);
    expect(await err('SELECT * FROM postgres.nosch.bar')).toEqual(['42P01', 'relation "nosch.bar" does not exist', 15]);
  });

  it('refuse another database before looking the name up', async () => {
    expect(await err('SELECT * FROM memory.main.test_temp_table')).toEqual(['0A000', 'cross-database references are not implemented: "memory.main.test_temp_table"', 15]);
    expect(await err('SELECT * FROM bar, "Memory".main.x')).toEqual(['0A000', 'cross-database references are not implemented: "Memory.main.x"', 20]);
  });
});
