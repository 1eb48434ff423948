import { describe, expect, it } from 'vitest';
import { withEngine, openSession, query, scalar, error } from './helpers.js';

describe('smoke', () => {
  it('answers SELECT 1', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const r = await query(s, 'SELECT 1');
      expect(r[0]).toEqual({ tag: 'SELECT 1', names: ['?column?'], types: [23], rows: [['1']] });
      expect(await scalar(s, 'SELECT $1::int', [5])).toBe('5');
      expect(await scalar(s, "select 'a' || 1 || true")).toBe('a1t');
      expect((await error(s, 'select 1 + true')).message).toBe('operator does not exist: integer + boolean');
    });
  });
});
