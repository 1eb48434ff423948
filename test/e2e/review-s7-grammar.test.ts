// PostgreSQL 18-only syntax that libpg-query (18's grammar) accepts is a syntax error in
// PostgreSQL 15, at the token where 15's parser stops (planner/parse/pg15-grammar.ts). Each
// script's transcript is compared with the live PostgreSQL 15; the pinned outcomes were recorded
// from PostgreSQL 15.20 and hold without it.
import { describeDifferential, type Outcome } from './review-s7-harness.js';

const syntax = (near: string, position: number): Outcome => ({ error: '42601', message: `syntax error at or near "${near}"`, position: String(position) });

describeDifferential('PostgreSQL 18-only constraint syntax is a PostgreSQL 15 syntax error', [
  {
    title: 'a column NOT NULL NO INHERIT is 42601 at NO, in CREATE TABLE and ALTER TABLE ADD COLUMN',
    steps: [
      { sql: 'CREATE TABLE t (a int NOT NULL NO INHERIT)' },
      { sql: 'create table t (a int constraint nn not /* c */ null\n no inherit, b int)' },
      { sql: 'create table "é" (a int, b int not null no inherit)' },
      { sql: 'create table t (a int)' },
      { sql: 'alter table t add column b int not null no inherit' },
      // A multi-statement string fails as a whole: the first CREATE does not run.
      { sql: 'create table u (a int); create table v (a int not null no inherit)' },
      { sql: "select count(*) from pg_class where relname in ('u', 'v')" },
      // Extended protocol: the Parse fails the same way.
      { sql: 'create table w (a int not null no inherit)', params: [] },
      // CHECK … NO INHERIT is PostgreSQL 15 syntax and still works.
      { sql: 'create table x (a int check (a > 0) no inherit)' },
    ],
    pinned: {
      0: syntax('NO', 32),
      1: syntax('no', 55),
      2: syntax('no', 41),
      4: syntax('no', 41),
      5: syntax('no', 56),
      6: { ok: 'SELECT 1', rows: [['0']] },
      7: syntax('no', 32),
      8: { ok: 'CREATE' },
    },
  },
  {
    title: 'table-level NOT NULL and ENFORCED / NOT ENFORCED are 42601',
    steps: [
      { sql: 'create table t (a int, not null a)' },
      { sql: 'create table t (a int, constraint x not null a)' },
      { sql: 'create table t (a int check (a > 0) not enforced)' },
      { sql: 'create table t (a int check (a > 0) enforced)' },
      { sql: 'create table t (a int, constraint c check (a > (1)) not enforced)' },
      { sql: 'create table t (a int, check (a > 0) not deferrable initially immediate not enforced)' },
      { sql: 'create table t (a int, "enforced" int, check (enforced > 0))' },
      { sql: 'alter table t add not null a' },
      { sql: 'alter table t add constraint c check (a > 0) not enforced' },
      { sql: 'alter table t add constraint c check (a > 0) not valid' },
      { sql: "select conname, convalidated from pg_constraint where conrelid = 't'::regclass order by 1" },
      // libpg-query's own refusal (0A000 "UNIQUE constraints cannot be marked ENFORCED") becomes 15's syntax error.
      { sql: 'create table u (a int, unique (a) not enforced)' },
      { sql: 'create table u (a int, constraint "é" unique (a) deferrable enforced)' },
      { sql: 'create table u (a int, constraint c unique (a) not valid)' },
    ],
    pinned: {
      0: syntax('not', 24),
      1: syntax('not', 37),
      2: syntax('enforced', 41),
      3: syntax('enforced', 37),
      4: syntax('enforced', 57),
      5: syntax('enforced', 77),
      6: { ok: 'CREATE' },
      7: syntax('not', 19),
      8: syntax('enforced', 50),
      10: { ok: 'SELECT 2', rows: [['c', false], ['t_enforced_check', true]] },
      11: syntax('enforced', 39),
      13: { error: '0A000', message: 'UNIQUE constraints cannot be marked NOT VALID' },
    },
  },
  {
    title: 'generated columns without STORED (PostgreSQL 18\'s VIRTUAL) are 42601 after the expression',
    steps: [
      { sql: 'create table g (a int generated always as (1))' },
      { sql: "create table g (a int generated always as ((1) + length($$)$$) + length($x$)$$$x$) + length(E'\\')')) virtual, b int)" },
      { sql: 'create table g (a int /* ( */ generated always as (2) virtual)' },
    ],
    pinned: { 0: syntax(')', 46), 1: syntax('virtual', 102), 2: syntax('virtual', 55) },
  },
  {
    title: 'a column DEFERRABLE / INITIALLY … clause after a constraint that cannot take it is 42601 misplaced',
    steps: [
      { sql: 'create table g (a int not null initially deferred)' },
      { sql: 'create table g (a int default 1 not deferrable)' },
      { sql: 'create table g (a int deferrable)' },
      { sql: 'create table g (a int check (a > 0) initially immediate)' },
      { sql: 'create table h (a int)' },
      { sql: 'alter table h add column b int not null deferrable' },
      { sql: 'alter table h add column b int references h deferrable not deferrable' },
      { sql: 'alter table h add column b int unique initially deferred initially immediate' },
      { sql: 'alter table h add column b int unique not deferrable initially deferred' },
      { sql: 'alter table h add column b int primary key initially deferred not deferrable' },
    ],
    pinned: {
      0: { error: '42601', message: 'misplaced INITIALLY DEFERRED clause', position: '32' },
      2: { error: '42601', message: 'misplaced DEFERRABLE clause', position: '23' },
      5: { error: '42601', message: 'misplaced DEFERRABLE clause', position: '41' },
      6: { error: '42601', message: 'multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed', position: '56' },
    },
  },
]);
