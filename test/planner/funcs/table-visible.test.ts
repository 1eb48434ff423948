// pg_table_is_visible and regclass output read one per-statement relation index (psql's \d calls
// them for every pg_class row); the answers stay PostgreSQL 15.20's as the search_path and the
// catalog change between statements and inside one transaction.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient(['CREATE SCHEMA s2', 'CREATE TABLE t (i int)', 'CREATE TABLE s2.t (i int)', 'CREATE TABLE s2.only2 (i int)']);
const rows = async (sql: string): Promise<Array<Array<string | null>>> => (await client().query(sql)).text;
const VIS = "SELECT c.relname, n.nspname, pg_table_is_visible(c.oid), c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname IN ('t', 'only2', 'later') ORDER BY 2, 1";

describe('pg_table_is_visible per statement', () => {
  it('answers every row of one statement from the search path', async () => {
    expect(await rows(VIS)).toEqual([['t', 'public', 't', 't'], ['only2', 's2', 'f', 's2.only2'], ['t', 's2', 'f', 's2.t']]);
    expect(await rows("SELECT pg_table_is_visible(0), pg_table_is_visible('pg_class'::regclass), pg_table_is_visible('s2.t'::regclass)")).toEqual([[null, 't', 'f']]);
  });

  it('follows SET search_path and DDL inside one transaction', async () => {
    const c = client();
    await c.query('BEGIN');
    try {
      await c.query('SET LOCAL search_path = s2, public');
      expect(await rows(VIS)).toEqual([['t', 'public', 'f', 'public.t'], ['only2', 's2', 't', 'only2'], ['t', 's2', 't', 't']]);
      await c.query('CREATE TABLE later (i int)');
      expect(await rows(VIS)).toEqual([['t', 'public', 'f', 'public.t'], ['later', 's2', 't', 'later'], ['only2', 's2', 't', 'only2'], ['t', 's2', 't', 't']]);
    } finally {
      await c.query('ROLLBACK');
    }
    expect(await rows(VIS)).toEqual([['t', 'public', 't', 't'], ['only2', 's2', 'f', 's2.only2'], ['t', 's2', 'f', 's2.t']]);
  });
});
