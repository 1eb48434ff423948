// DROP SEQUENCE while column DEFAULTs call nextval() on it, and CREATE SEQUENCE bounds;
// messages recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient();

describe('DROP SEQUENCE with dependent defaults', () => {
  it('refuses without CASCADE, naming every default', async () => {
    await client().query("CREATE SEQUENCE seq; CREATE TABLE a (i int DEFAULT nextval('seq'), j int DEFAULT nextval('seq'))");
    const e = await client().error('DROP SEQUENCE seq');
    expect([e.code, e.message, e.fields.detail, e.fields.hint]).toEqual(['2BP01', 'cannot drop sequence seq because other objects depend on it',
      'default value for column i of table a depends on sequence seq\ndefault value for column j of table a depends on sequence seq', 'Use DROP ... CASCADE to drop the dependent objects too.']);
  });

  it('follows SET DEFAULT, renames and rollbacks', async () => {
    await client().query('ALTER TABLE a ALTER i SET DEFAULT NULL');
    await client().query('ALTER TABLE a RENAME TO a2');
    expect((await client().error('DROP SEQUENCE seq')).fields.detail).toBe('default value for column j of table a2 depends on sequence seq');
    await client().query('BEGIN');
    await client().query('ALTER TABLE a2 ALTER j SET DEFAULT 0');
    await client().query('DROP SEQUENCE seq');
    await client().query('ROLLBACK');
    expect((await client().error('DROP SEQUENCE seq')).code).toBe('2BP01');
  });

  it('CASCADE removes the defaults and keeps the columns', async () => {
    await client().query('DROP SEQUENCE seq CASCADE');
    expect((await client().query('INSERT INTO a2 DEFAULT VALUES RETURNING i, j')).text).toEqual([[null, null]]);
  });
});

describe('CREATE SEQUENCE bounds', () => {
  it('checks MINVALUE < MAXVALUE before START', async () => {
    const e = await client().error('CREATE SEQUENCE s2 MINVALUE 7 MAXVALUE 5');
    expect([e.code, e.message]).toEqual(['22023', 'MINVALUE (7) must be less than MAXVALUE (5)']);
  });
});
