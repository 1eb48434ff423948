// ALTER TABLE … VALIDATE CONSTRAINT takes PostgreSQL's SHARE UPDATE EXCLUSIVE: concurrent
// SELECT / INSERT / UPDATE / DELETE (ROW EXCLUSIVE) and the validation do not wait for each
// other; another VALIDATE of the table and any other ALTER TABLE do. Waits are made visible with
// lock_timeout (55P03), so the transcripts are deterministic; compared with the live PostgreSQL 15.
import { describeDifferential, type Outcome, type Step } from './review-s7-harness.js';

const TIMEOUT: Outcome = { error: '55P03', message: 'canceling statement due to lock timeout' };

const SETUP: Step[] = [
  { c: 0, sql: 'create table p (id int primary key)' },
  { c: 0, sql: 'insert into p select generate_series(1, 10)' },
  { c: 0, sql: 'create table t (id int primary key, a int, pid int)' },
  { c: 0, sql: 'insert into t select i, i, i from generate_series(1, 10) i' },
  { c: 0, sql: 'alter table t add constraint t_a_pos check (a > 0) not valid' },
  { c: 0, sql: 'alter table t add constraint t_pid_fk foreign key (pid) references p not valid' },
  { c: 0, sql: "set lock_timeout = '300ms'" },
  { c: 1, sql: "set lock_timeout = '300ms'" },
  { c: 2, sql: "set lock_timeout = '300ms'" },
];

const VALID = "select conname, convalidated from pg_constraint where conrelid = 't'::regclass and contype in ('c', 'f') order by 1";

describeDifferential('VALIDATE CONSTRAINT locks as SHARE UPDATE EXCLUSIVE', [
  {
    title: 'VALIDATE proceeds while another transaction holds uncommitted INSERT / UPDATE / DELETE on the table',
    steps: [
      ...SETUP,
      { c: 1, sql: 'begin' },
      { c: 1, sql: 'insert into t values (11, 11, 1)' },
      { c: 1, sql: 'update t set a = 20 where id = 2' },
      { c: 1, sql: 'delete from t where id = 3' },
      { c: 0, sql: 'alter table t validate constraint t_a_pos' },
      { c: 0, sql: 'alter table t validate constraint t_pid_fk' },
      { c: 1, sql: 'commit' },
      { c: 0, sql: VALID },
      { c: 0, sql: 'select count(*), sum(a) from t' },
    ],
    pinned: { 13: { ok: 'ALTER' }, 14: { ok: 'ALTER' } },
  },
  {
    title: 'while a VALIDATE is uncommitted: DML and SELECT proceed, a second VALIDATE and other ALTER TABLE wait',
    steps: [
      ...SETUP,
      { c: 1, sql: 'begin' },
      { c: 1, sql: 'alter table t validate constraint t_a_pos' },
      { c: 0, sql: 'insert into t values (12, 12, 2)' },
      { c: 0, sql: 'update t set a = a + 1 where id = 1' },
      { c: 0, sql: 'select count(*) from t' },
      { c: 0, sql: 'select id from t where id = 1 for update' },
      { c: 2, sql: 'alter table t validate constraint t_pid_fk' },
      { c: 2, sql: 'alter table t add column z int' },
      { c: 2, sql: 'alter table t validate constraint t_a_pos, add column z int' },
      { c: 1, sql: 'commit' },
      { c: 2, sql: 'alter table t validate constraint t_pid_fk' },
      { c: 0, sql: VALID },
    ],
    pinned: { 11: { ok: 'INSERT 0 1' }, 15: TIMEOUT, 16: TIMEOUT, 17: TIMEOUT, 19: { ok: 'ALTER' } },
  },
  {
    title: 'VALIDATE waits for an uncommitted ALTER TABLE; its own transaction validates after DML without waiting',
    steps: [
      ...SETUP,
      { c: 1, sql: 'begin' },
      { c: 1, sql: 'alter table t add column z int' },
      { c: 0, sql: 'alter table t validate constraint t_a_pos' },
      { c: 1, sql: 'rollback' },
      { c: 0, sql: 'begin' },
      { c: 0, sql: 'insert into t values (13, 13, 3)' },
      { c: 0, sql: 'alter table t validate constraint t_a_pos' },
      // (ROLLBACK TO a savepoint older than DDL is 0A000 in Pyralog: the savepoint comes after.)
      { c: 0, sql: 'savepoint s' },
      { c: 0, sql: 'insert into t values (16, -16, 6)' },
      { c: 0, sql: 'rollback to savepoint s' },
      { c: 2, sql: 'insert into t values (14, 14, 4)' },
      { c: 0, sql: 'commit' },
      { c: 0, sql: VALID },
    ],
    pinned: { 11: TIMEOUT, 15: { ok: 'ALTER' }, 17: { error: '23514', message: 'new row for relation "t" violates check constraint "t_a_pos"', detail: 'Failing row contains (16, -16, 6).', schema: 'public', table: 't', constraint: 't_a_pos' }, 19: { ok: 'INSERT 0 1' } },
  },
  {
    title: 'a row violating the constraint inserted concurrently is refused at its INSERT; VALIDATE then fails on an old row',
    steps: [
      ...SETUP,
      { c: 0, sql: 'update t set a = -1 where id = 5' },
      { c: 0, sql: 'alter table t drop constraint t_a_pos' },
      { c: 0, sql: 'update t set a = -1 where id = 5' },
      { c: 0, sql: 'alter table t add constraint t_a_pos check (a > 0) not valid' },
      { c: 1, sql: 'begin' },
      { c: 1, sql: 'insert into t values (15, -15, 5)' },
      { c: 1, sql: 'rollback' },
      { c: 1, sql: 'begin' },
      { c: 1, sql: 'insert into t values (15, 15, 5)' },
      { c: 0, sql: 'alter table t validate constraint t_a_pos' },
      { c: 1, sql: 'commit' },
      { c: 0, sql: VALID },
    ],
    pinned: { 18: { error: '23514', message: 'check constraint "t_a_pos" of relation "t" is violated by some row', schema: 'public', table: 't', constraint: 't_a_pos' } },
  },
]);
