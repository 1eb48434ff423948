// Row-lock and FOREIGN KEY relation-lock waits over TCP with several node-postgres clients
// (planner/dml/write.ts lockOptions, fk.ts, modify.ts, rel-lock.ts lockRelated):
//  - a statement waiting for a row lock (UPDATE, DELETE, INSERT of a locked key, a FOREIGN KEY
//    check on a locked parent row, COPY FROM's waiting fallback) ends on a CancelRequest and on
//    statement_timeout (57014) and lock_timeout (55P03); its transaction is then aborted (25P02)
//    and the lock's queue goes on (the next waiter gets the row);
//  - FOREIGN KEY checks hold the other table's relation lock (PostgreSQL's RI queries: ROW SHARE
//    on the parent / the child, ROW EXCLUSIVE on a child a CASCADE rewrites): DDL on it waits for
//    the open transaction, and the check waits for open DDL, then reads the table as committed.
// The expected transcript is PostgreSQL 15's; when its binaries are installed the same sequence
// runs against a throw-away cluster and must give the same lines.
import { serialize } from 'pg-protocol';
import { describeWithOracle } from './oracle-suite.js';
import { backendKey, cancelUntilSettled, connect, outcome, rows, stateAfter, type Client } from './locks-clients.js';
import { Raw } from './stream-raw.js';


/** Row-lock waits: cancel, statement_timeout, lock_timeout; the queue after a cancel. */
async function rowWaits(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP TABLE IF EXISTS lw_c, lw_t');
    await a.query('CREATE TABLE lw_t (id int PRIMARY KEY, v int)');
    await a.query('CREATE TABLE lw_c (id int PRIMARY KEY, p int REFERENCES lw_t)');
    await a.query('INSERT INTO lw_t VALUES (1, 10), (2, 20)');
  };
  // What `a` holds while `b` waits, and b's statement.
  const cases: Array<[string, string, string]> = [
    ['update', 'UPDATE lw_t SET v = 11 WHERE id = 1', 'UPDATE lw_t SET v = v + 1 WHERE id = 1'],
    ['delete', 'UPDATE lw_t SET v = 11 WHERE id = 1', 'DELETE FROM lw_t WHERE id = 1'],
    ['insert dup', 'INSERT INTO lw_t VALUES (3, 30)', 'INSERT INTO lw_t VALUES (3, 31)'],
    ['upsert', 'INSERT INTO lw_t VALUES (3, 30)', 'INSERT INTO lw_t VALUES (3, 31) ON CONFLICT (id) DO UPDATE SET v = excluded.v'],
    ['update key', 'INSERT INTO lw_t VALUES (3, 30)', 'UPDATE lw_t SET id = 3 WHERE id = 2'],
    ['fk parent', 'DELETE FROM lw_t WHERE id = 2', 'INSERT INTO lw_c VALUES (1, 2)'],
  ];
  try {
    for (const [name, hold, stmt] of cases) {
      await reset();
      await a.query('BEGIN');
      await a.query(hold);
      // Cancel: b's transaction is aborted; c, queued behind b, gets the lock once a ends.
      await b.query('BEGIN');
      const pb = outcome(b.query(stmt));
      out.push(`${name}: ${await stateAfter(pb, c)}`);
      const pc = outcome(c.query(stmt));
      out.push(`${name} second waiter: ${await stateAfter(pc, a)}`);
      out.push(`${name} cancel: ${await cancelUntilSettled(port, backendKey(b), pb)}`);
      out.push(`${name} after cancel: ${await outcome(b.query('SELECT 1'))}`);
      await b.query('ROLLBACK');
      out.push(`${name} second waiter: ${await stateAfter(pc, b)}`);
      await a.query('ROLLBACK');
      out.push(`${name} second waiter: ${await pc}`);
      // statement_timeout and lock_timeout end the wait too.
      await reset();
      await a.query('BEGIN');
      await a.query(hold);
      await b.query("SET statement_timeout = '150ms'");
      out.push(`${name} statement_timeout: ${await outcome(b.query(stmt))}`);
      await b.query('RESET statement_timeout');
      await b.query("SET lock_timeout = '150ms'");
      out.push(`${name} lock_timeout: ${await outcome(b.query(stmt))}`);
      await b.query('RESET lock_timeout');
      await a.query('ROLLBACK');
    }
    await a.query('DROP TABLE lw_c, lw_t');
  } finally {
    await Promise.all([a.end(), b.end(), c.end()]);
  }
  return out;
}

/** COPY FROM on a key another transaction holds: the waiting fallback ends on a cancel. */
async function copyWait(port: number): Promise<string[]> {
  const a = await connect(port);
  const r = await Raw.open(port);
  const out: string[] = [];
  try {
    await a.query('DROP TABLE IF EXISTS lw_copy');
    await a.query('CREATE TABLE lw_copy (id int PRIMARY KEY, v text)');
    await a.query('BEGIN');
    await a.query("INSERT INTO lw_copy VALUES (2, 'a')");
    const key = r.msgs.find((m) => m.name === 'backendKeyData')!;
    const n = r.msgs.length;
    r.send(Buffer.concat([serialize.query('COPY lw_copy FROM STDIN'), serialize.copyData(Buffer.from('1\tx\n2\ty\n')), serialize.copyDone()]));
    const done = r.ready(r.readyCount() + 1).then(() => {
      const e = r.msgs.slice(n).find((m) => m.name === 'error');
      return e ? `err ${e.code} ${e.message}` : 'ok';
    });
    out.push(`copy: ${await stateAfter(done, a)}`);
    out.push(`copy cancel: ${await cancelUntilSettled(port, { processID: key.processID, secretKey: key.secretKey }, done)}`);
    await a.query('COMMIT');
    out.push(`copy rows: ${await rows(a, 'SELECT * FROM lw_copy ORDER BY id')}`);
    await a.query('DROP TABLE lw_copy');
  } finally {
    r.close();
    await a.end();
  }
  return out;
}

/** FOREIGN KEY checks vs DDL on the other table. */
async function fkRelations(port: number): Promise<string[]> {
  const a = await connect(port);
  const b = await connect(port);
  const c = await connect(port);
  const out: string[] = [];
  const reset = async (): Promise<void> => {
    await a.query('DROP TABLE IF EXISTS lf_c, lf_cc, lf_p');
    await a.query('CREATE TABLE lf_p (id int PRIMARY KEY, v int)');
    await a.query('CREATE TABLE lf_c (id int PRIMARY KEY, p int REFERENCES lf_p)');
    await a.query('CREATE TABLE lf_cc (id int PRIMARY KEY, p int REFERENCES lf_p ON DELETE CASCADE)');
    await a.query('INSERT INTO lf_p VALUES (1, 10), (2, 20), (3, 30)');
    await a.query('INSERT INTO lf_cc VALUES (1, 1)');
  };
  const step = async (name: string, holder: Client, hold: string, waiter: Client, stmt: string, after: string): Promise<void> => {
    await reset();
    await holder.query('BEGIN');
    await holder.query(hold);
    const p = outcome(waiter.query(stmt));
    out.push(`${name}: ${await stateAfter(p, c)}`);
    await holder.query('COMMIT');
    out.push(`${name}: ${await p} ${await rows(c, after)}`);
  };
  try {
    // DDL on the parent waits for a transaction whose child INSERT checked a parent row.
    await step('child insert / alter parent', a, 'INSERT INTO lf_c VALUES (1, 1)', b, 'ALTER TABLE lf_p ADD COLUMN w int', 'SELECT * FROM lf_p ORDER BY id');
    await step('child update / alter parent', a, 'UPDATE lf_cc SET p = 2 WHERE id = 1', b, 'ALTER TABLE lf_p ALTER COLUMN v TYPE bigint', 'SELECT * FROM lf_p ORDER BY id');
    // The check waits for open DDL on the parent, then finds the parent row in the new storage.
    await step('alter parent / child insert', b, 'ALTER TABLE lf_p ALTER COLUMN v TYPE bigint', a, 'INSERT INTO lf_c VALUES (1, 1)', 'SELECT * FROM lf_c ORDER BY id');
    await step('alter parent / child insert missing', b, 'ALTER TABLE lf_p ADD COLUMN w int', a, 'INSERT INTO lf_c VALUES (1, 9)', 'SELECT * FROM lf_c ORDER BY id');
    // A parent DELETE reads the child (NO ACTION) or rewrites it (CASCADE) under its lock.
    await step('alter child / parent delete', b, 'ALTER TABLE lf_c ADD COLUMN z int', a, 'DELETE FROM lf_p WHERE id = 2', 'SELECT * FROM lf_p ORDER BY id');
    await step('alter cascade child / parent delete', b, 'ALTER TABLE lf_cc ALTER COLUMN p TYPE bigint', a, 'DELETE FROM lf_p WHERE id = 1', 'SELECT * FROM lf_cc ORDER BY id');
    await step('parent delete / alter cascade child', a, 'DELETE FROM lf_p WHERE id = 1', b, 'ALTER TABLE lf_cc ADD COLUMN z int', 'SELECT * FROM lf_cc ORDER BY id');
    // lock_timeout on the parent's lock (the check's wait).
    await reset();
    await b.query('BEGIN');
    await b.query('ALTER TABLE lf_p ADD COLUMN w int');
    await a.query("SET lock_timeout = '150ms'");
    out.push(`fk lock_timeout: ${await outcome(a.query('INSERT INTO lf_c VALUES (1, 1)'))}`);
    await a.query('RESET lock_timeout');
    await b.query('ROLLBACK');
    await a.query('DROP TABLE lf_c, lf_cc, lf_p');
  } finally {
    await Promise.all([a.end(), b.end(), c.end()]);
  }
  return out;
}

/** PostgreSQL 15's transcripts (recorded with the sequences above). */
const ROW_WAITS: string[] = [
  'update: waiting',
  'update second waiter: waiting',
  'update cancel: err 57014 canceling statement due to user request',
  'update after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'update second waiter: waiting',
  'update second waiter: ok UPDATE 1',
  'update statement_timeout: err 57014 canceling statement due to statement timeout',
  'update lock_timeout: err 55P03 canceling statement due to lock timeout',
  'delete: waiting',
  'delete second waiter: waiting',
  'delete cancel: err 57014 canceling statement due to user request',
  'delete after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'delete second waiter: waiting',
  'delete second waiter: ok DELETE 1',
  'delete statement_timeout: err 57014 canceling statement due to statement timeout',
  'delete lock_timeout: err 55P03 canceling statement due to lock timeout',
  'insert dup: waiting',
  'insert dup second waiter: waiting',
  'insert dup cancel: err 57014 canceling statement due to user request',
  'insert dup after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'insert dup second waiter: waiting',
  'insert dup second waiter: ok INSERT 1',
  'insert dup statement_timeout: err 57014 canceling statement due to statement timeout',
  'insert dup lock_timeout: err 55P03 canceling statement due to lock timeout',
  'upsert: waiting',
  'upsert second waiter: waiting',
  'upsert cancel: err 57014 canceling statement due to user request',
  'upsert after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'upsert second waiter: waiting',
  'upsert second waiter: ok INSERT 1',
  'upsert statement_timeout: err 57014 canceling statement due to statement timeout',
  'upsert lock_timeout: err 55P03 canceling statement due to lock timeout',
  'update key: waiting',
  'update key second waiter: waiting',
  'update key cancel: err 57014 canceling statement due to user request',
  'update key after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'update key second waiter: waiting',
  'update key second waiter: ok UPDATE 1',
  'update key statement_timeout: err 57014 canceling statement due to statement timeout',
  'update key lock_timeout: err 55P03 canceling statement due to lock timeout',
  'fk parent: waiting',
  'fk parent second waiter: waiting',
  'fk parent cancel: err 57014 canceling statement due to user request',
  'fk parent after cancel: err 25P02 current transaction is aborted, commands ignored until end of transaction block',
  'fk parent second waiter: waiting',
  'fk parent second waiter: ok INSERT 1',
  'fk parent statement_timeout: err 57014 canceling statement due to statement timeout',
  'fk parent lock_timeout: err 55P03 canceling statement due to lock timeout',
];
const COPY_WAIT: string[] = [
  'copy: waiting',
  'copy cancel: err 57014 canceling statement due to user request',
  'copy rows: [{"id":2,"v":"a"}]',
];
const FK_RELATIONS: string[] = [
  'child insert / alter parent: waiting',
  'child insert / alter parent: ok ALTER [{"id":1,"v":10,"w":null},{"id":2,"v":20,"w":null},{"id":3,"v":30,"w":null}]',
  'child update / alter parent: waiting',
  'child update / alter parent: ok ALTER [{"id":1,"v":"10"},{"id":2,"v":"20"},{"id":3,"v":"30"}]',
  'alter parent / child insert: waiting',
  'alter parent / child insert: ok INSERT 1 [{"id":1,"p":1}]',
  'alter parent / child insert missing: waiting',
  'alter parent / child insert missing: err 23503 insert or update on table "lf_c" violates foreign key constraint "lf_c_p_fkey" []',
  'alter child / parent delete: waiting',
  'alter child / parent delete: ok DELETE 1 [{"id":1,"v":10},{"id":3,"v":30}]',
  'alter cascade child / parent delete: waiting',
  'alter cascade child / parent delete: ok DELETE 1 []',
  'parent delete / alter cascade child: waiting',
  'parent delete / alter cascade child: ok ALTER []',
  'fk lock_timeout: err 55P03 canceling statement due to lock timeout',
];

describeWithOracle('lock waits: cancel, timeouts, FOREIGN KEY relation locks', [
  { title: 'row-lock waits end on cancel / statement_timeout / lock_timeout; the queue goes on', run: rowWaits, expected: ROW_WAITS },
  { title: "COPY FROM's waiting fallback ends on cancel", run: copyWait, expected: COPY_WAIT, timeoutMs: 60_000 },
  { title: "FOREIGN KEY checks hold the other table's relation lock", run: fkRelations, expected: FK_RELATIONS },
]);
