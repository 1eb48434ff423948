// DROP of something missing: PostgreSQL 15's wording (checked with psql) — a schema named but
// absent is 3F000 (a NOTICE with IF EXISTS), a missing relation is named without its schema.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';
import type { DbError } from '../../../catalog/index.js';

const client = useClient();

const err = (sql: string): Promise<string> => client().query(sql).then(() => 'ok', (e: DbError) => `${e.code} ${e.message}`);

describe('DROP of missing objects', () => {
  it('names the missing schema, or the relation without its schema', async () => {
    expect(await err('DROP VIEW main.v')).toBe('3F000 schema "main" does not exist');
    expect(await err('DROP SEQUENCE main.s')).toBe('3F000 schema "main" does not exist');
    expect(await err('DROP TABLE public.nope')).toBe('42P01 table "nope" does not exist');
    expect(await err('DROP VIEW public.nope')).toBe('42P01 view "nope" does not exist');
    expect((await client().query('DROP SEQUENCE IF EXISTS main.s, public.nope')).tag).toBe('DROP SEQUENCE');
  });
});
