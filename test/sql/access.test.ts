// Access paths: a primary-key equality is a point get, a key prefix/range a key-range scan,
// anything else a full scan — checked on the prepared plan's operator tree (describe()).
import { afterEach, describe, expect, it } from 'vitest';
import { Client, openEngine } from './harness.js';
import type { Engine } from '../../planner/api.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

function planOf(c: Client, sql: string, oids: number[] = []): string {
  const [st] = c.session.parse(sql);
  const p = c.session.prepare(st!, oids) as unknown as { plan: { query: { node: { describe(): string } } } };
  return p.plan.query.node.describe();
}

describe('primary-key access paths', () => {
  it('WHERE id = $1 is a point get; composite prefix and ranges are key-range scans', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await c.query('CREATE TABLE u (a int, b int, c text, PRIMARY KEY (a, b))');
    await c.query("INSERT INTO t SELECT 1, 'x'");
    expect(planOf(c, 'SELECT v FROM t WHERE id = $1', [23])).toContain('Point Get on t');
    expect(planOf(c, 'SELECT v FROM t WHERE id = 5')).toContain('Point Get on t');
    expect(planOf(c, 'SELECT v FROM t WHERE id > 5 AND id <= 9')).toContain('Key Range Scan on t');
    expect(planOf(c, "SELECT v FROM t WHERE v = 'x'")).toContain('Seq Scan on t');
    expect(planOf(c, 'SELECT c FROM u WHERE a = 1')).toContain('Key Range Scan on u');
    expect(planOf(c, 'SELECT c FROM u WHERE a = 1 AND b = 2')).toContain('Point Get on u');
  });

  it('key access returns exactly the rows a full scan would', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE u (a int, b bigint, c text, PRIMARY KEY (a, b))');
    const values: string[] = [];
    for (let a = -3; a <= 3; a++) for (let b = -3; b <= 3; b++) values.push(`(${a}, ${b}, '${a}/${b}')`);
    await c.query(`INSERT INTO u VALUES ${values.join(', ')}`);
    const preds = ['a = 1', 'a = 1 AND b = -2', 'a > 1', 'a >= 1', 'a < -1', 'a <= -1', 'a = 0 AND b > 1', 'a = 0 AND b <= -2',
      'a = 2 AND b >= 0 AND b < 2', 'a = 5', 'a = 1 AND b = 99999999999', 'a > 2147483647', 'a = NULL', 'b = 1'];
    for (const p of preds) {
      const keyed = (await c.query(`SELECT c FROM u WHERE ${p} ORDER BY c`)).text;
      const full = (await c.query(`SELECT c FROM u WHERE (${p}) IS TRUE AND c IS NOT NULL ORDER BY c`)).text;
      expect(keyed, p).toEqual(full);
    }
  });
});
