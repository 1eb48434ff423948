// CHECKPOINT writes the memtables to segment files before it returns: rows inserted just before
// are then read from a segment (the aggregate reads them as column vectors, counted by
// LsmDb.vectorStats), the tag is PostgreSQL's, and it also runs inside a transaction block.
import { describe, expect, it } from 'vitest';
import { useLsmEngine } from '../../sql/engine-fixtures.js';

const fx = useLsmEngine(async ({ c }) => {
  await c.query('CREATE TABLE cp (id int PRIMARY KEY, v int)');
  await c.query('INSERT INTO cp SELECT g, g % 7 FROM generate_series(1, 1000) g');
});

describe('CHECKPOINT', () => {
  it('flushes the memtable so the rows are read from a segment', async () => {
    let before = fx.db.vectorStats.vectorRows;
    expect((await fx.c.query('SELECT sum(v) FROM cp')).text).toEqual([['3003']]);
    expect(fx.db.vectorStats.vectorRows - before).toBe(0); // still in the memtable
    const r = await fx.c.query('CHECKPOINT');
    expect(r.tag).toBe('CHECKPOINT');
    before = fx.db.vectorStats.vectorRows;
    expect((await fx.c.query('SELECT sum(v) FROM cp')).text).toEqual([['3003']]);
    expect(fx.db.vectorStats.vectorRows - before).toBe(1000);
  });
  it('runs inside a transaction block', async () => {
    await fx.c.query('BEGIN');
    expect((await fx.c.query('CHECKPOINT')).tag).toBe('CHECKPOINT');
    await fx.c.query('COMMIT');
  });
});
