// information_schema views over the live catalog; expected rows recorded from PostgreSQL 15.20
// (database name aside: the harness's database is "postgres").
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  'CREATE TABLE dept (dept_id int PRIMARY KEY, dept_name varchar(100) NOT NULL)',
  "CREATE TABLE emp (emp_id serial PRIMARY KEY, first_name varchar(100) NOT NULL DEFAULT 'x', ssn int NOT NULL UNIQUE, salary decimal(10,2) CHECK (salary > 0), dept_id int REFERENCES dept (dept_id) ON DELETE CASCADE, iv interval day to second(2), c char(4), arr int[], b bigint GENERATED ALWAYS AS IDENTITY)",
  'CREATE VIEW ev AS SELECT emp_id, salary FROM emp',
  'CREATE SEQUENCE sq INCREMENT 5 MINVALUE 3 MAXVALUE 1000 CYCLE',
]);

const rows = async (sql: string): Promise<string[]> => (await client().query(sql)).text.map((r) => r.map((v) => v ?? '').join('|'));

describe('information_schema', () => {
  it('tables, views and schemata', async () => {
    expect(await rows("SELECT table_name, table_type, is_typed FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")).toEqual(['dept|BASE TABLE|NO', 'emp|BASE TABLE|NO', 'ev|VIEW|NO']);
    expect(await rows("SELECT table_name, check_option FROM information_schema.views WHERE table_schema = 'public'")).toEqual(['ev|NONE']);
    expect(await rows("SELECT schema_name, schema_owner FROM information_schema.schemata WHERE schema_name IN ('public', 'pg_catalog') ORDER BY 1")).toEqual(['pg_catalog|postgres', 'public|pg_database_owner']);
    expect(await rows('SELECT character_set_name, character_repertoire, form_of_use, default_collate_name FROM information_schema.character_sets')).toEqual(['UTF8|UCS|UTF8|']);
  });

  it('columns: type facts, defaults, identity', async () => {
    const got = await rows("SELECT column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, datetime_precision, interval_type, udt_name, is_identity, identity_generation, identity_cycle FROM information_schema.columns WHERE table_name = 'emp' ORDER BY ordinal_position");
    expect(got).toEqual([
      "emp_id|1|nextval('emp_emp_id_seq'::regclass)|NO|integer|||32|2|0|||int4|NO||NO",
      "first_name|2|'x'::character varying|NO|character varying|100|400||||||varchar|NO||NO",
      'ssn|3||NO|integer|||32|2|0|||int4|NO||NO',
      'salary|4||YES|numeric|||10|10|2|||numeric|NO||NO',
      'dept_id|5||YES|integer|||32|2|0|||int4|NO||NO',
      'iv|6||YES|interval||||||2|DAY TO SECOND(2)|interval|NO||NO',
      'c|7||YES|character|4|16||||||bpchar|NO||NO',
      'arr|8||YES|ARRAY||||||||_int4|NO||NO',
      'b|9||NO|bigint|||64|2|0|||int8|YES|ALWAYS|NO',
    ]);
    expect(await rows("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'ev' ORDER BY ordinal_position")).toEqual(['emp_id|integer', 'salary|numeric']);
  });

  it('constraints', async () => {
    expect(await rows("SELECT constraint_name, table_name, constraint_type, nulls_distinct FROM information_schema.table_constraints WHERE table_schema = 'public' AND constraint_type <> 'CHECK' ORDER BY 1")).toEqual([
      'dept_pkey|dept|PRIMARY KEY|', 'emp_dept_id_fkey|emp|FOREIGN KEY|', 'emp_pkey|emp|PRIMARY KEY|', 'emp_ssn_key|emp|UNIQUE|YES',
    ]);
    expect(await rows('SELECT constraint_name, column_name, ordinal_position, position_in_unique_constraint FROM information_schema.key_column_usage WHERE table_schema <> \'pg_catalog\' ORDER BY 1')).toEqual([
      'dept_pkey|dept_id|1|', 'emp_dept_id_fkey|dept_id|1|1', 'emp_pkey|emp_id|1|', 'emp_ssn_key|ssn|1|',
    ]);
    expect(await rows('SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule FROM information_schema.referential_constraints')).toEqual(['emp_dept_id_fkey|dept_pkey|NONE|NO ACTION|CASCADE']);
    expect(await rows('SELECT table_name, column_name, constraint_name FROM information_schema.constraint_column_usage WHERE table_schema <> \'pg_catalog\' ORDER BY 2, 3')).toEqual([
      'dept|dept_id|dept_pkey', 'dept|dept_id|emp_dept_id_fkey', 'emp|emp_id|emp_pkey', 'emp|salary|emp_salary_check', 'emp|ssn|emp_ssn_key',
    ]);
    expect(await rows('SELECT table_name, constraint_name FROM information_schema.constraint_table_usage WHERE table_schema <> \'pg_catalog\' ORDER BY 1, 2')).toEqual([
      'dept|dept_pkey', 'dept|emp_dept_id_fkey', 'emp|emp_pkey', 'emp|emp_ssn_key',
    ]);
  });

  it('sequences (identity sequences stay hidden) and transactional visibility', async () => {
    expect(await rows('SELECT sequence_name, data_type, start_value, minimum_value, maximum_value, increment, cycle_option FROM information_schema.sequences ORDER BY 1')).toEqual([
      'emp_emp_id_seq|integer|1|1|2147483647|1|NO', 'sq|bigint|3|3|1000|5|YES',
    ]);
    await client().query('BEGIN');
    await client().query('CREATE TABLE later (x int)');
    expect(await rows("SELECT count(*) FROM information_schema.tables WHERE table_name = 'later'")).toEqual(['1']);
    await client().query('ROLLBACK');
    expect(await rows("SELECT count(*) FROM information_schema.tables WHERE table_name = 'later'")).toEqual(['0']);
  });
});
