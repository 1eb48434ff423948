// CREATE INDEX on expressions (non-unique: catalog entries, like plain non-unique indexes);
// names and errors recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['CREATE TABLE t (a int, b text, c timestamptz, d int[])', "INSERT INTO t VALUES (1, 'X', now(), '{1}')"]);

describe('expression indexes', () => {
  it('are created with FigureIndexColname names and do not change results', async () => {
    for (const sql of ['CREATE INDEX ON t (a, lower(b))', "CREATE INDEX ON t ((b || 'x'))", 'CREATE INDEX ON t (upper(b))', 'CREATE INDEX i_d ON t ((d[1]))']) {
      expect((await client().query(sql)).tag).toBe('CREATE INDEX');
    }
    expect((await client().query("SELECT a FROM t WHERE lower(b) = 'x'")).text).toEqual([['1']]);
    expect((await client().query('DROP INDEX t_a_lower_idx, t_expr_idx, t_upper_idx, i_d')).tag).toBe('DROP INDEX');
  });

  it('refuse mutable functions and unknown columns; unique ones are not built', async () => {
    const e1 = await client().error('CREATE INDEX ON t (now())');
    expect([e1.code, e1.message]).toEqual(['42P17', 'functions in index expression must be marked IMMUTABLE']);
    const e2 = await client().error('CREATE INDEX ON t ((c::date))');
    expect(e2.code).toBe('42P17');
    const e3 = await client().error('CREATE INDEX ON t (lower(nope))');
    expect([e3.code, e3.message]).toEqual(['42703', 'column "nope" does not exist']);
    expect((await client().error('CREATE UNIQUE INDEX ON t (lower(b))')).code).toBe('0A000');
  });
});
