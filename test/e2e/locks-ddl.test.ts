// DDL waiting for a relation lock (catalog/schema/catalog.ts lockName, planner/rel/runtime.ts
// statementLockWait) over TCP with several node-postgres clients: TRUNCATE / ALTER / CREATE INDEX
// / DROP waiting for an open writer's transaction end on statement_timeout and on a CancelRequest
// (57014) and on lock_timeout (55P03); the waiter's transaction is then aborted (25P02 until
// ROLLBACK), a DDL queued behind it still waits, and once the writer commits the queue goes on.
// The expected transcript is PostgreSQL 15's; when its binaries are installed the same sequence
// runs against a throw-away cluster and must give the same lines.
import { describeWithOracle } from './oracle-suite.js';
import { backendKey, cancelUntilSettled, connect, outcome, rows, stateAfter } from './locks-clients.js';

async function ddlWaits(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP TABLE IF EXISTS ld_t');
    await a.query('CREATE TABLE ld_t (id int PRIMARY KEY, v int)');
    await a.query('INSERT INTO ld_t VALUES (1, 10)');
    await a.query('BEGIN');
    await a.query('INSERT INTO ld_t VALUES (2, 20)'); // the open writer
  };
  /** After the waiter gave up: the writer commits, a new TRUNCATE goes through. */
  const after = async (name: string): Promise<void> => {
    await a.query('COMMIT');
    out.push(`${name} rows: ${await rows(c, 'SELECT count(*)::int AS n FROM ld_t')}`);
    out.push(`${name} new truncate: ${await outcome(c.query('TRUNCATE ld_t'))}`);
    out.push(`${name} rows: ${await rows(c, 'SELECT count(*)::int AS n FROM ld_t')}`);
  };
  const ddls: Array<[string, string]> = [
    ['truncate', 'TRUNCATE ld_t'],
    ['alter', 'ALTER TABLE ld_t ADD COLUMN w int'],
    ['create index', 'CREATE INDEX ld_i ON ld_t (v)'],
    ['rename', 'ALTER TABLE ld_t RENAME TO ld_u'],
    ['drop', 'DROP TABLE ld_t'],
  ];
  try {
    // statement_timeout ends each DDL's wait; its transaction is aborted.
    for (const [name, ddl] of ddls) {
      await reset();
      await b.query("SET statement_timeout = '200ms'");
      await b.query('BEGIN');
      out.push(`${name} statement_timeout: ${await outcome(b.query(ddl))}`);
      out.push(`${name} after: ${await outcome(b.query('SELECT 1'))}`);
      await b.query('ROLLBACK');
      await b.query('SET statement_timeout = 0');
      await after(name);
    }
    // CancelRequest: b gives up, c (queued behind b) still waits and gets the lock at a's commit.
    await reset();
    await b.query('BEGIN');
    const pb = outcome(b.query('TRUNCATE ld_t'));
    out.push(`cancel: ${await stateAfter(pb, c)}`);
    const pc = outcome(c.query('TRUNCATE ld_t'));
    out.push(`cancel second waiter: ${await stateAfter(pc, a)}`);
    out.push(`cancel: ${await cancelUntilSettled(port, backendKey(b), pb)}`);
    out.push(`cancel after: ${await outcome(b.query('SELECT 1'))}`);
    out.push(`cancel rollback: ${await outcome(b.query('ROLLBACK'))}`);
    out.push(`cancel second waiter: ${await stateAfter(pc, b)}`);
    await a.query('COMMIT');
    out.push(`cancel second waiter: ${await pc}`);
    out.push(`cancel rows: ${await rows(b, 'SELECT count(*)::int AS n FROM ld_t')}`);
    // lock_timeout (55P03), then the same recovery.
    await reset();
    await b.query("SET lock_timeout = '200ms'");
    await b.query('BEGIN');
    out.push(`lock_timeout: ${await outcome(b.query('TRUNCATE ld_t'))}`);
    out.push(`lock_timeout after: ${await outcome(b.query('SELECT 1'))}`);
    await b.query('ROLLBACK');
    await b.query('SET lock_timeout = 0');
    await after('lock_timeout');
    // Without a timeout or cancel the wait simply lasts until the writer commits.
    await reset();
    const pw = outcome(b.query('TRUNCATE ld_t'));
    out.push(`plain: ${await stateAfter(pw, c)}`);
    await a.query('COMMIT');
    out.push(`plain: ${await pw}`);
  } finally {
    await a.query('ROLLBACK').catch(() => undefined);
    await a.query('DROP TABLE IF EXISTS ld_t').catch(() => undefined);
    await Promise.all([a.end(), b.end(), c.end()]);
  }
  return out;
}

const after = (name: string): string[] => [
  `${name} rows: [{"n":2}]`,
  `${name} new truncate: ok TRUNCATE`,
  `${name} rows: [{"n":0}]`,
];
const timedOut = (name: string): string[] => [
  `${name} statement_timeout: err 57014 canceling statement due to statement timeout`,
  `${name} after: err 25P02 current transaction is aborted, commands ignored until end of transaction block`,
  ...after(name),
];

const DDL_WAITS: string[] = [
  ...timedOut('truncate'),
  ...timedOut('alter'),
  ...timedOut('create index'),
  ...timedOut('rename'),
  ...timedOut('drop'),
  'cancel: waiting',
  'cancel second waiter: waiting',
  'cancel: err 57014 canceling statement due to user request',
  'cancel after: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'cancel rollback: ok ROLLBACK',
  'cancel second waiter: waiting',
  'cancel second waiter: ok TRUNCATE',
  'cancel rows: [{"n":0}]',
  'lock_timeout: err 55P03 canceling statement due to lock timeout',
  'lock_timeout after: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  ...after('lock_timeout'),
  'plain: waiting',
  'plain: ok TRUNCATE',
];

describeWithOracle('DDL lock waits: statement_timeout, cancel, lock_timeout', [
  { title: 'DDL waiting for an open writer ends on statement_timeout / CancelRequest / lock_timeout; the queue goes on', run: ddlWaits, expected: DDL_WAITS },
]);
