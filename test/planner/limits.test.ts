// Inputs that must neither crash nor hang: deep nesting ends in PostgreSQL's 54001, LIKE over
// long strings with many wildcards runs in time proportional to the input.
import { describe, expect, it } from 'vitest';
import { withEngine, openSession, query, scalar, error } from './helpers.js';

describe('limits', () => {
  it('deeply nested expressions are 54001, not an internal error', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const e = await error(s, 'select ' + Array(20000).fill('1').join('+'));
      expect([e.code, e.message]).toEqual(['54001', 'stack depth limit exceeded']);
      // The session stays usable.
      expect(await scalar(s, 'select 1 + 1')).toBe('2');
      expect(await scalar(s, 'select ' + Array(200).fill('1').join('+'))).toBe('200');
    });
  });

  it('LIKE with many wildcards over a long string is fast', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const t0 = Date.now();
      const hit = await scalar(s, `select repeat('x', 200000) like '%${'x%'.repeat(500)}'`);
      const miss = await scalar(s, `select repeat('x', 200000) like '%${'x%'.repeat(500)}y'`);
      expect([hit, miss]).toEqual(['t', 'f']);
      expect(Date.now() - t0).toBeLessThan(5000);
      const r = await query(s, "select 'abc' like 'a_c', 'ABC' ilike '%b%', 'a_c' like 'a\\_c', 'abc' like 'a\\_c', 'x%y' like 'x#%y' escape '#'");
      expect(r[0]!.rows).toEqual([['t', 't', 't', 'f', 't']]);
    });
  });
});
