// Protocol-level prepared statements after DDL, over TCP with node-postgres (named statements
// are parsed once, then only bound and executed): PostgreSQL 15 plans such a statement again at
// Bind (RevalidateCachedQuery), so it reads a re-created table, fails with 42P01 on a dropped
// one, and refuses a changed result row type with 0A000. The expected answers below are what
// PostgreSQL 15 gave; when its binaries are installed the same sequence also runs against a
// throw-away cluster and both transcripts must be equal.
import net from 'node:net';
import pg from 'pg';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import { describeWithOracle } from './oracle-suite.js';


/** The transcript of the DDL-between-executions sequence on one server. */
async function transcript(port: number): Promise<string[]> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ssl: false });
  await c.connect();
  const out: string[] = [];
  const q = async (label: string, cfg: pg.QueryConfig): Promise<void> => {
    try {
      const r = await c.query(cfg);
      out.push(`${label} ${JSON.stringify(r.rows)} ${r.fields.map((f) => `${f.name}:${f.dataTypeID}`).join(',')}`);
    } catch (e) {
      const err = e as { code?: string; message: string };
      out.push(`${label} ERROR ${err.code} ${err.message}`);
    }
  };
  try {
    await c.query('DROP TABLE IF EXISTS oltp_st');
    await c.query('CREATE TABLE oltp_st (id int PRIMARY KEY, v text)');
    await c.query("INSERT INTO oltp_st VALUES (1, 'a'), (2, 'b')");
    await q('star', { name: 's1', text: 'SELECT * FROM oltp_st WHERE id = $1', values: [1] });
    await q('v', { name: 's2', text: 'SELECT v FROM oltp_st WHERE id = $1', values: [1] });
    await q('upd', { name: 'u1', text: 'UPDATE oltp_st SET v = $2 WHERE id = $1', values: [2, 'x'] });
    await c.query('ALTER TABLE oltp_st ADD COLUMN w int DEFAULT 7');
    await q('star after add column', { name: 's1', text: 'SELECT * FROM oltp_st WHERE id = $1', values: [1] });
    await q('v after add column', { name: 's2', text: 'SELECT v FROM oltp_st WHERE id = $1', values: [1] });
    await q('unnamed star after add column', { text: 'SELECT * FROM oltp_st WHERE id = $1', values: [1] });
    await c.query('DROP TABLE oltp_st');
    await c.query('CREATE TABLE oltp_st (id int PRIMARY KEY, v text)');
    await c.query("INSERT INTO oltp_st VALUES (1, 'new')");
    await q('v after re-create', { name: 's2', text: 'SELECT v FROM oltp_st WHERE id = $1', values: [1] });
    await q('upd after re-create', { name: 'u1', text: 'UPDATE oltp_st SET v = $2 WHERE id = $1', values: [1, 'y'] });
    await q('all rows', { text: 'SELECT * FROM oltp_st' });
    await c.query('DROP TABLE oltp_st');
    await q('v after drop', { name: 's2', text: 'SELECT v FROM oltp_st WHERE id = $1', values: [1] });
    await q('still usable', { text: 'SELECT 1 AS one' });
    // In a failed transaction the statement is refused (25P02) before any replanning; after
    // ROLLBACK the dropped table is back and the statement reads it.
    await c.query('CREATE TABLE oltp_st2 (id int PRIMARY KEY, v text)');
    await c.query("INSERT INTO oltp_st2 VALUES (1, 'kept')");
    await q('t2', { name: 's3', text: 'SELECT v FROM oltp_st2 WHERE id = $1', values: [1] });
    await c.query('BEGIN');
    await c.query('DROP TABLE oltp_st2');
    await q('error in block', { text: 'SELECT 1/0 AS x' });
    await q('t2 in failed block', { name: 's3', text: 'SELECT v FROM oltp_st2 WHERE id = $1', values: [1] });
    await c.query('ROLLBACK');
    await q('t2 after rollback', { name: 's3', text: 'SELECT v FROM oltp_st2 WHERE id = $1', values: [1] });
    await c.query('DROP TABLE oltp_st2');
  } finally {
    await c.end();
  }
  return out;
}

/** PostgreSQL 15's transcript (recorded with the sequence above). */
const EXPECTED = [
  'star [{"id":1,"v":"a"}] id:23,v:25',
  'v [{"v":"a"}] v:25',
  'upd [] ',
  'star after add column ERROR 0A000 cached plan must not change result type',
  'v after add column [{"v":"a"}] v:25',
  'unnamed star after add column [{"id":1,"v":"a","w":7}] id:23,v:25,w:23',
  'v after re-create [{"v":"new"}] v:25',
  'upd after re-create [] ',
  'all rows [{"id":1,"v":"y"}] id:23,v:25',
  'v after drop ERROR 42P01 relation "oltp_st" does not exist',
  'still usable [{"one":1}] one:23',
  't2 [{"v":"kept"}] v:25',
  'error in block ERROR 22012 division by zero',
  't2 in failed block ERROR 25P02 current transaction is aborted, commands ignored until end of transaction block',
  't2 after rollback [{"v":"kept"}] v:25',
];

/**
 * Raw frontend chunks, each sent once the previous one's ReadyForQuery messages arrived; the
 * backend messages as short strings (name, and the fields that matter here).
 */
function rawTranscript(port: number, chunks: Array<{ bytes: Buffer; readies: number }>): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    const out: string[] = [];
    const parser = new Parser();
    let readies = 0;
    let next = 0;
    let want = 0;
    const send = (): void => {
      if (next === chunks.length) {
        s.end(serialize.end());
        return;
      }
      want += chunks[next]!.readies;
      s.write(chunks[next++]!.bytes);
    };
    s.on('connect', send);
    s.on('data', (b: Buffer) =>
      parser.parse(b, (m) => {
        const x = m as unknown as Record<string, unknown>;
        if (m.name === 'readyForQuery') {
          readies++;
          out.push(`Z ${String(x['status'])}`);
          if (readies === want) send();
        } else if (m.name === 'error') out.push(`E ${String(x['code'])} ${String(x['message'])}`);
        else if (m.name === 'rowDescription') out.push(`T ${(x['fields'] as Array<{ name: string; dataTypeID: number }>).map((f) => `${f.name}:${f.dataTypeID}`).join(',')}`);
        else if (m.name === 'parameterDescription') out.push(`t ${(x['dataTypeIDs'] as number[]).join(',')}`);
        else if (m.name === 'dataRow') out.push(`D ${JSON.stringify(x['fields'])}`);
        else if (m.name !== 'parameterStatus' && m.name !== 'backendKeyData' && m.name !== 'notice') out.push(m.name);
      }),
    );
    s.on('error', reject);
    s.on('close', () => resolve(out));
  });
}

const query = (sql: string): { bytes: Buffer; readies: number } => ({ bytes: serialize.query(sql), readies: 1 });
const msgs = (...m: Buffer[]): { bytes: Buffer; readies: number } => ({ bytes: Buffer.concat([...m, serialize.sync()]), readies: 1 });

/** Describe of a named statement across DDL and inside a failed transaction. */
function describeTranscript(port: number): Promise<string[]> {
  const descS = serialize.describe({ type: 'S', name: 'd1' });
  return rawTranscript(port, [
    { bytes: serialize.startup({ user: 'postgres', database: 'postgres' }), readies: 1 },
    query('DROP TABLE IF EXISTS oltp_d; CREATE TABLE oltp_d (id int PRIMARY KEY, v text)'),
    msgs(serialize.parse({ name: 'd1', text: 'SELECT * FROM oltp_d WHERE id = $1', types: [] }), descS),
    query('ALTER TABLE oltp_d ADD COLUMN w int'),
    msgs(descS),
    query('BEGIN; SELECT 1/0'),
    msgs(descS),
    msgs(serialize.parse({ name: 'd2', text: 'ROLLBACK', types: [] }), serialize.describe({ type: 'S', name: 'd2' }), serialize.bind({ statement: 'd2' }), serialize.execute({})),
    query('DROP TABLE oltp_d'),
    msgs(descS),
  ]);
}

const EXPECTED_DESCRIBE = [
  'authenticationOk', 'Z I',
  'commandComplete', 'commandComplete', 'Z I',
  'parseComplete', 't 23', 'T id:23,v:25', 'Z I',
  'commandComplete', 'Z I',
  't 23', 'E 0A000 cached plan must not change result type', 'Z I',
  'commandComplete', 'E 22012 division by zero', 'Z E',
  'E 25P02 current transaction is aborted, commands ignored until end of transaction block', 'Z E',
  'parseComplete', 't ', 'noData', 'bindComplete', 'commandComplete', 'Z I',
  'commandComplete', 'Z I',
  't 23', 'E 42P01 relation "oltp_d" does not exist', 'Z I',
];

describeWithOracle('protocol-level prepared statements after DDL', [
  { title: 'are planned again at Bind, as PostgreSQL 15 does', run: transcript, expected: EXPECTED, timeoutMs: 60_000 },
  { title: 'are described as planned now, and not at all in a failed transaction', run: describeTranscript, expected: EXPECTED_DESCRIBE, timeoutMs: 60_000 },
], { oracleTitle: 'give PostgreSQL 15 its own transcripts (the oracle, live)' });
