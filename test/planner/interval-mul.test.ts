// interval * float8 at the int32 day limit (PostgreSQL 15.20 checks the cascaded day sum).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Client, openEngine } from '../sql/harness.js';
import type { Engine } from '../../planner/api.js';
import type { DbError } from '../../catalog/index.js';

let engine: Engine;
let c: Client;
beforeAll(async () => {
  ({ engine } = await openEngine());
  c = Client.open(engine);
});
afterAll(async () => {
  await engine.close();
});

it('cascaded days beyond int32 are 22008, just below they are kept', async () => {
  expect((await c.query("select interval '2147483647 mons 2147483647 days' * 0.999999991")).text).toEqual([['178956968 years 11 mons 2147483647 days 20:26:58.350144']]);
  const e = await c.query("select interval '2147483647 mons 2147483647 days' * 0.999999992").then(() => undefined, (x: DbError) => x);
  expect([e?.code, e?.message]).toEqual(['22008', 'interval out of range']);
});
