// CHECK … NO INHERIT / NOT VALID, FOREIGN KEY … NOT VALID, ALTER TABLE … VALIDATE CONSTRAINT,
// ADD COLUMN … CHECK over existing rows and unnamed ADD CHECK naming (planner/ddl/validate.ts,
// alter.ts): statement results, every error field (SQLSTATE, message, DETAIL, position, and the
// schema / table / column / constraint fields), pg_constraint, pg_get_constraintdef and
// information_schema — under autocommit, in transactions with savepoints and rollback, with
// prepared statements and across a restart; transcripts compared with the live PostgreSQL 15.
import { describeDifferential, type Step } from './review-s7-harness.js';

const SETUP: Step[] = [
  { sql: 'create table p2 (id int primary key)' },
  { sql: 'insert into p2 values (1), (2)' },
  { sql: 'create table d1 (id int primary key, a int, b int)' },
  { sql: 'insert into d1 values (1, -1, 1), (2, 5, 3), (3, null, 2)' },
];
const CONS: Step = { sql: "select conname, contype, convalidated, connoinherit, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) from pg_constraint where conrelid = 'd1'::regclass order by 1" };
const INFO: Step = { sql: "select constraint_name, check_clause from information_schema.check_constraints where constraint_schema = 'public' and constraint_name not like '%not_null' order by 1" };
const TC: Step = { sql: "select constraint_name, constraint_type, is_deferrable, initially_deferred from information_schema.table_constraints where table_name = 'd1' and constraint_name not like '%not_null' order by 1" };

describeDifferential('NOT VALID / NO INHERIT / VALIDATE CONSTRAINT against PostgreSQL 15', [
  {
    title: 'existing rows: ADD COLUMN … CHECK, ADD CHECK, NOT VALID then VALIDATE, NOT NULL',
    steps: [
      ...SETUP,
      { sql: 'alter table d1 add column e int default 0 check (e > 0)' },
      { sql: 'alter table d1 add column e int default 1 check (e > 0), add constraint d1_ck check (a > 0)' },
      { sql: 'alter table d1 add constraint d1_ck check (a > 0) not valid, validate constraint d1_ck' },
      { sql: 'alter table d1 add constraint d1_ck check (a > 0) not valid' },
      { sql: 'alter table d1 add constraint d1_ck check (b > 0)' },
      { sql: 'insert into d1 values (4, -4, 1)' },
      { sql: 'update d1 set b = 9 where id = 1' },
      { sql: 'update d1 set a = -7 where id = 2' },
      { sql: 'alter table d1 add constraint d1_fk foreign key (b) references p2 not valid' },
      { sql: 'insert into d1 values (5, 5, 7)' },
      { sql: 'alter table d1 validate constraint d1_ck' },
      { sql: 'alter table d1 validate constraint d1_fk' },
      { sql: 'alter table d1 validate constraint d1_pkey' },
      { sql: 'alter table d1 validate constraint nope' },
      { sql: 'update d1 set a = 1 where id = 1' },
      { sql: 'update d1 set b = 1 where id in (1, 2)' },
      { sql: 'alter table d1 validate constraint d1_ck, validate constraint d1_fk' },
      { sql: 'alter table d1 validate constraint d1_ck' },
      { sql: 'alter table d1 alter column a set not null' },
      { sql: 'alter table d1 add column n int not null' },
      { sql: 'alter table d1 add constraint d1_u unique (a) not valid' },
      CONS, INFO, TC,
    ],
  },
  {
    title: 'unnamed ADD CHECK naming, NO INHERIT display, CREATE TABLE ignoring NOT VALID',
    steps: [
      ...SETUP,
      { sql: 'alter table d1 add check (a < 100), add check (a < 100)' },
      { sql: 'alter table d1 add check (a < 100 and b < 100)' },
      { sql: 'alter table d1 add check (1 > 0)' },
      { sql: 'alter table d1 add check (a < 100) no inherit' },
      { sql: 'alter table d1 add check (b < 100) no inherit not valid' },
      { sql: 'alter table d1 add constraint d1_a_check check (a < 5)' },
      { sql: 'create table d2 (a int check (a > 0) no inherit, constraint d2_c check (a < 9) not valid, foreign key (a) references p2 not valid)' },
      { sql: "select conname, convalidated, connoinherit, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'd2'::regclass order by 1" },
      CONS, INFO,
    ],
  },
  {
    title: 'transactions, savepoints and rollback; prepared statements; a restart',
    steps: [
      ...SETUP,
      { sql: 'alter table d1 add constraint d1_ck check (a > 0) not valid' },
      { sql: 'begin' },
      { sql: 'alter table d1 validate constraint d1_ck' },
      { sql: 'rollback' },
      { sql: 'begin' },
      { sql: 'update d1 set a = 1 where a < 0 or a is null' },
      { sql: 'savepoint s' },
      { sql: 'insert into d1 values (9, -9, 1)' },
      { sql: 'rollback to savepoint s' },
      { sql: 'alter table d1 validate constraint d1_ck' },
      { sql: "select conname, convalidated from pg_constraint where conrelid = 'd1'::regclass and contype = 'c'", name: 'cv' },
      { sql: 'rollback' },
      { sql: "select conname, convalidated from pg_constraint where conrelid = 'd1'::regclass and contype = 'c'", name: 'cv' },
      { sql: 'insert into d1 values ($1, $2, $3)', params: [10, -10, 1], name: 'ins' },
      { sql: 'insert into d1 values ($1, $2, $3)', params: [10, 10, 1], name: 'ins' },
      { sql: 'update d1 set a = 1 where a < 0 or a is null' },
      { sql: 'alter table d1 validate constraint d1_ck' },
      { sql: "select conname, convalidated from pg_constraint where conrelid = 'd1'::regclass and contype = 'c'", name: 'cv' },
      { sql: 'insert into d1 values ($1, $2, $3)', params: [11, -11, 1], name: 'ins' },
      { sql: 'alter table d1 add constraint d1_nv check (b < 3) not valid' },
      { restart: true },
      CONS,
      { sql: 'alter table d1 validate constraint d1_nv' },
      { sql: 'delete from d1 where b >= 3' },
      { sql: 'alter table d1 validate constraint d1_nv' },
      CONS,
    ],
  },
]);
