// interval * float8 at the int32 day limit (PostgreSQL 15.20 checks the cascaded day sum).
import { expect, it } from 'vitest';
import { useClient } from '../sql/harness.js';
import type { DbError } from '../../catalog/index.js';

const client = useClient();

it('cascaded days beyond int32 are 22008, just below they are kept', async () => {
  expect((await client().query("select interval '2147483647 mons 2147483647 days' * 0.999999991")).text).toEqual([['178956968 years 11 mons 2147483647 days 20:26:58.350144']]);
  const e = await client().query("select interval '2147483647 mons 2147483647 days' * 0.999999992").then(() => undefined, (x: DbError) => x);
  expect([e?.code, e?.message]).toEqual(['22008', 'interval out of range']);
});
