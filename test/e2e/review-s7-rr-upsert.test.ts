// REPEATABLE READ INSERT … ON CONFLICT whose conflicting row was committed after the
// transaction's snapshot: PostgreSQL 15 raises 40001 "could not serialize access due to
// concurrent update" at the INSERT (ExecCheckTupleVisible) — for DO UPDATE, DO UPDATE … WHERE
// false and DO NOTHING alike, through the primary key or a unique index — not at COMMIT.
// Transcripts compared with the live PostgreSQL 15; the pinned outcomes were recorded from it.
import { describeDifferential, type Outcome, type Step } from './review-s7-harness.js';

const SER: Outcome = { error: '40001', message: 'could not serialize access due to concurrent update' };
const ABORTED: Outcome = { error: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' };

/** Connection 0 opens a REPEATABLE READ snapshot, connection 1 commits `other`, then 0 runs `upsert`. */
function rr(other: string, upsert: string, params?: unknown[]): Step[] {
  return [
    { c: 0, sql: 'create table up (id int primary key, v text, u int unique)' },
    { c: 0, sql: "insert into up values (1, 'old', 10)" },
    { c: 0, sql: 'begin isolation level repeatable read' },
    { c: 0, sql: 'select count(*) from up' },
    { c: 1, sql: other },
    { c: 0, sql: upsert, ...(params ? { params } : {}) },
    { c: 0, sql: 'select 1' },
    { c: 0, sql: 'commit' },
    { c: 0, sql: 'select id, v, u from up order by id' },
  ];
}

describeDifferential('REPEATABLE READ ON CONFLICT over a row committed after the snapshot', [
  {
    title: 'DO UPDATE over a concurrently inserted key: 40001 at the INSERT',
    steps: rr("insert into up values (2, 'b', 20)", "insert into up values (2, 'rr', 21) on conflict (id) do update set v = 'rr'"),
    pinned: { 5: SER, 6: ABORTED, 7: { ok: 'ROLLBACK' } },
  },
  {
    title: 'DO NOTHING over a concurrently inserted key: 40001 too',
    steps: rr("insert into up values (2, 'b', 20)", "insert into up values (2, 'rr', 21) on conflict do nothing"),
    pinned: { 5: SER, 7: { ok: 'ROLLBACK' } },
  },
  {
    title: 'DO UPDATE over a concurrently updated row (extended protocol)',
    steps: rr("update up set v = 'b' where id = 1", "insert into up values ($1, 'rr', 11) on conflict (id) do update set v = 'rr'", [1]),
    pinned: { 5: SER },
  },
  {
    title: 'DO NOTHING over a concurrently updated row',
    steps: rr("update up set v = 'b' where id = 1", "insert into up values (1, 'rr', 11) on conflict (id) do nothing"),
    pinned: { 5: SER },
  },
  {
    title: 'DO UPDATE through a unique index',
    steps: rr("insert into up values (4, 'b', 40)", "insert into up values (5, 'rr', 40) on conflict (u) do update set v = 'rr'"),
    pinned: { 5: SER },
  },
  {
    title: 'DO UPDATE … WHERE false',
    steps: rr("insert into up values (6, 'b', 60)", "insert into up values (6, 'rr', 61) on conflict (id) do update set v = 'rr' where false"),
    pinned: { 5: SER },
  },
  {
    title: 'a row older than the snapshot, and the transaction\'s own row, are updated without error',
    steps: [
      ...rr("insert into up values (2, 'b', 20)", "insert into up values (1, 'rr', 11) on conflict (id) do update set v = excluded.v").slice(0, 6),
      { c: 0, sql: "insert into up values (3, 'own', 30)" },
      { c: 0, sql: "insert into up values (3, 'again', 31) on conflict (id) do update set v = up.v || '+' || excluded.v" },
      { c: 0, sql: 'savepoint s' },
      { c: 0, sql: "insert into up values (2, 'rr', 21) on conflict do nothing" },
      { c: 0, sql: 'rollback to savepoint s' },
      { c: 0, sql: 'commit' },
      { c: 0, sql: 'select id, v, u from up order by id' },
    ],
    pinned: { 5: { ok: 'INSERT 0 1' }, 9: SER, 11: { ok: 'COMMIT' } },
  },
  {
    title: 'READ COMMITTED: the concurrently committed row is updated',
    steps: rr("insert into up values (2, 'b', 20)", "insert into up values (2, 'rr', 21) on conflict (id) do update set v = 'rr'").map((s) =>
      'sql' in s && s.sql.startsWith('begin') ? { ...s, sql: 'begin isolation level read committed' } : s),
    pinned: { 5: { ok: 'INSERT 0 1' }, 7: { ok: 'COMMIT' } },
  },
  {
    title: 'a plain INSERT of a key deleted after the snapshot commits',
    steps: rr('delete from up where id = 1', "insert into up values (1, 'rr', 11)"),
    pinned: { 5: { ok: 'INSERT 0 1' }, 7: SER },
    knownDeviation: 'lsm first-committer-wins raises 40001 at COMMIT for any key written after the snapshot, a deletion included',
  },
]);
