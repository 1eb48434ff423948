// Binding an aggregate call: which error PostgreSQL 15.20 reports first. The function is
// resolved before the nesting check (so a nested call that cannot resolve is 42883, named with the
// inner aggregate's type), unknown literals are named "unknown" in 42883, and with DISTINCT every
// ORDER BY item must be one of the arguments (42P10 at the item).
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['CREATE TABLE strings (g int, x text, y text)', "INSERT INTO strings VALUES (1, 'a', 'p'), (1, 'b', 'q'), (2, 'c', 'p')"]);
const err = async (sql: string): Promise<[string, string, number | undefined]> => {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.position];
};

describe('aggregate call binding errors', () => {
  it('name unknown literals as unknown when no aggregate matches', async () => {
    expect(await err("SELECT STRING_AGG('a', 'b', 'c')")).toEqual(['42883', 'function string_agg(unknown, unknown, unknown) does not exist', 8]);
    expect(await err('SELECT STRING_AGG(x, 1 ORDER BY g) FROM strings')).toEqual(['42883', 'function string_agg(text, integer) does not exist', 8]);
  });

  it('resolve the outer function before the nesting check', async () => {
    expect(await err("SELECT STRING_AGG(STRING_AGG('a', ','))")).toEqual(['42883', 'function string_agg(text) does not exist', 8]);
    expect(await err("SELECT sum(upper(string_agg('a', ',')))")).toEqual(['42883', 'function sum(text) does not exist', 8]);
    expect(await err('SELECT count(sum(1))')).toEqual(['42803', 'aggregate function calls cannot be nested', 14]);
  });

  it('require DISTINCT aggregates to order by their arguments', async () => {
    expect(await err("SELECT g, STRING_AGG(DISTINCT y, ',' ORDER BY x DESC) FILTER (WHERE g < 4) FROM strings GROUP BY g ORDER BY 1"))
      .toEqual(['42P10', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', 47]);
    expect(await err("SELECT STRING_AGG(DISTINCT y, ',' ORDER BY y||'' DESC) FROM strings")).toEqual(['42P10', 'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', 44]);
    expect((await err("SELECT STRING_AGG(DISTINCT y, ',' ORDER BY ',' DESC) FROM strings"))[0]).toBe('42P10');
    expect((await err("SELECT STRING_AGG(DISTINCT y, ',' ORDER BY nosuch DESC) FROM strings"))[0]).toBe('42703');
    expect((await client().query("SELECT STRING_AGG(DISTINCT y, ',' ORDER BY strings.y DESC), STRING_AGG(DISTINCT y || '', ',' ORDER BY y || '') FROM strings")).text)
      .toEqual([['q,p', 'p,q']]);
  });
});
