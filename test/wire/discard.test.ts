// DISCARD ALL / DEALLOCATE ALL drop protocol-level prepared statements as PostgreSQL does
// (PostgreSQL keeps SQL PREPARE and Parse in one namespace). Driven by the real `pg` client,
// which remembers what it prepared and therefore meets 26000 afterwards, exactly as against
// PostgreSQL 15.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Engine } from '../../planner/api.js';
import { makeContext, makeEngine, pgClient } from './harness.js';

let engine: Engine;
beforeAll(async () => {
  engine = await makeEngine();
});
afterAll(async () => {
  await engine.close();
});

describe('DISCARD ALL and DEALLOCATE ALL', () => {
  for (const stmt of ['DISCARD ALL', 'DEALLOCATE ALL']) {
    it(`${stmt} drops named protocol-level statements`, async () => {
      const { client } = pgClient(makeContext(engine));
      await client.connect();
      try {
        const r1 = await client.query({ name: 's1', text: 'SELECT $1::int + 1 AS x', values: [1] });
        expect(r1.rows).toEqual([{ x: 2 }]);
        const again = await client.query({ name: 's1', text: 'SELECT $1::int + 1 AS x', values: [2] });
        expect(again.rows).toEqual([{ x: 3 }]);
        await client.query(stmt);
        await expect(client.query({ name: 's1', text: 'SELECT $1::int + 1 AS x', values: [3] })).rejects.toMatchObject({
          code: '26000',
          message: 'prepared statement "s1" does not exist',
        });
        // Unnamed statements still work after it.
        const r2 = await client.query('SELECT $1::int * 2 AS y', [21]);
        expect(r2.rows).toEqual([{ y: 42 }]);
      } finally {
        await client.end();
      }
    });
  }

  it('other utility statements leave prepared statements alone', async () => {
    const { client } = pgClient(makeContext(engine));
    await client.connect();
    try {
      await client.query({ name: 's2', text: 'SELECT 7 AS z' });
      await client.query('DISCARD PLANS');
      await client.query('SET application_name = x');
      const r = await client.query({ name: 's2', text: 'SELECT 7 AS z' });
      expect(r.rows).toEqual([{ z: 7 }]);
    } finally {
      await client.end();
    }
  });
});
