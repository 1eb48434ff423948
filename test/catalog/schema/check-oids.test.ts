// CHECK constraints get pg_constraint OIDs when their table's descriptor is written
// (SchemaCatalog.putTable): distinct from every other OID, kept across ALTER TABLE and RENAME
// CONSTRAINT and across a restart, and never handed out again after one (open() raises the OID
// counter past every committed row's OIDs, since these OIDs are taken without waiting for the
// counter to be persisted).
import { describe, expect, it } from 'vitest';
import { Client, openEngine } from '../../sql/harness.js';

const oids = async (c: Client): Promise<Record<string, number>> =>
  Object.fromEntries((await c.query("select conname, oid from pg_constraint where contype = 'c' order by 1")).rows.map((r) => [r[0] as string, Number(r[1])]));

describe('CHECK constraint OIDs', () => {
  it('are unique, stable under ALTER and RENAME, and survive a restart', async () => {
    const { engine, dir } = await openEngine();
    const c = Client.open(engine);
    await c.query('create table t (a int check (a > 0), b int, constraint two check (b < 10))');
    await c.query('alter table t add constraint three check (a <> b)');
    const before = await oids(c);
    expect(Object.keys(before)).toEqual(['t_a_check', 'three', 'two']);
    const tableOid = Number((await c.query("select 't'::regclass::oid")).rows[0]![0]);
    expect(new Set([...Object.values(before), tableOid]).size).toBe(4);
    expect(before['three']!).toBeGreaterThan(before['two']!);
    await c.query('alter table t rename constraint two to deux');
    await c.query('alter table t add column c int');
    const after = await oids(c);
    expect(after).toEqual({ t_a_check: before['t_a_check'], three: before['three'], deux: before['two'] });
    await engine.close();

    const again = await openEngine(dir);
    const c2 = Client.open(again.engine);
    expect(await oids(c2)).toEqual(after);
    expect((await c2.query("select pg_get_constraintdef(oid) from pg_constraint where conname = 'deux'")).text).toEqual([['CHECK ((b < 10))']]);
    await c2.query('create table u (x int)');
    const uOid = Number((await c2.query("select 'u'::regclass::oid")).rows[0]![0]);
    expect(uOid).toBeGreaterThan(Math.max(...Object.values(after)));
    await again.engine.close();
  });
});
