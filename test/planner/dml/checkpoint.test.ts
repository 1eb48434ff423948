// CHECKPOINT writes the memtables to segment files before it returns: rows inserted just before
// are then read from a segment (the aggregate reads them as column vectors, counted by
// LsmDb.vectorStats), the tag is PostgreSQL's, and it also runs inside a transaction block.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../../planner/api.js';
import type { LsmDb } from '../../../lsm/index.js';
import { Client, openEngine } from '../../sql/harness.js';

let engine: Engine;
let c: Client;
let db: LsmDb;

beforeAll(async () => {
  engine = (await openEngine()).engine;
  db = (engine as unknown as { tables: { db: LsmDb } }).tables.db;
  c = Client.open(engine);
  await c.query('CREATE TABLE cp (id int PRIMARY KEY, v int)');
  await c.query('INSERT INTO cp SELECT g, g % 7 FROM generate_series(1, 1000) g');
});

afterAll(async () => {
  await c?.close();
  await engine?.close();
});

describe('CHECKPOINT', () => {
  it('flushes the memtable so the rows are read from a segment', async () => {
    let before = db.vectorStats.vectorRows;
    expect((await c.query('SELECT sum(v) FROM cp')).text).toEqual([['3003']]);
    expect(db.vectorStats.vectorRows - before).toBe(0); // still in the memtable
    const r = await c.query('CHECKPOINT');
    expect(r.tag).toBe('CHECKPOINT');
    before = db.vectorStats.vectorRows;
    expect((await c.query('SELECT sum(v) FROM cp')).text).toEqual([['3003']]);
    expect(db.vectorStats.vectorRows - before).toBe(1000);
  });
  it('runs inside a transaction block', async () => {
    await c.query('BEGIN');
    expect((await c.query('CHECKPOINT')).tag).toBe('CHECKPOINT');
    await c.query('COMMIT');
  });
});
