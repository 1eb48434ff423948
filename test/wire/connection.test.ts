// The connection state machine over an in-memory duplex with the real engine: start-up,
// negotiation packets, bad input, simple and extended protocol, pipelining, limits.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { serialize } from 'pg-protocol';
import type { Engine } from '../../planner/api.js';
import { makeContext, makeEngine, RawClient, pgClient, waitUntil, type Msg } from './harness.js';
import { makeScramSecret, md5Hash } from '../../wire/auth.js';

let engine: Engine;
beforeAll(async () => {
  engine = await makeEngine();
});
afterAll(async () => {
  await engine.close();
});

const startupMsg = (extra: Record<string, string> = {}): Buffer => serialize.startup({ user: 'tester', database: 'postgres', ...extra });

async function ready(o: Parameters<typeof makeContext>[1] = {}): Promise<RawClient> {
  const c = new RawClient(makeContext(engine, o));
  c.send(startupMsg());
  await c.readyCount(1);
  return c;
}

function errorOf(msgs: Msg[]): Msg {
  const e = msgs.find((m) => m.name === 'error');
  if (!e) throw new Error(`no error in ${msgs.map((m) => m.name).join(',')}`);
  return e;
}

describe('start-up', () => {
  it('answers a StartupMessage like PostgreSQL: AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery', async () => {
    const c = await ready();
    const names = c.names();
    expect(names[0]).toBe('authenticationOk');
    expect(names.at(-2)).toBe('backendKeyData');
    expect(names.at(-1)).toBe('readyForQuery');
    const params = Object.fromEntries(c.msgs.filter((m) => m.name === 'parameterStatus').map((m) => [m.parameterName, m.parameterValue]));
    expect(params['server_encoding']).toBe('UTF8');
    expect(params['client_encoding']).toBe('UTF8');
    expect(params['integer_datetimes']).toBe('on');
    expect(params['standard_conforming_strings']).toBe('on');
    expect(params['server_version']).toMatch(/^15\./);
    expect(c.msgs.at(-1)!.status).toBe('I');
    // PostgreSQL 15 sends them in its GUC table order (by name, case-insensitive).
    const order = c.msgs.filter((m) => m.name === 'parameterStatus').map((m) => m.parameterName as string);
    expect(order).toEqual([...order].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    expect(order.slice(0, 3)).toEqual(['application_name', 'client_encoding', 'DateStyle']);
    const key = c.msgs.find((m) => m.name === 'backendKeyData')!;
    expect(key.processID).toBe(c.conn.backendPid);
  });

  it('refuses protocol 2.0 in the old protocol\'s error format, as PostgreSQL 15 does', async () => {
    const c = new RawClient(makeContext(engine));
    c.setRaw(true);
    const b = Buffer.alloc(8);
    b.writeInt32BE(8, 0);
    b.writeInt32BE(2 << 16, 4);
    c.send(b);
    await c.waitEnd();
    expect(Buffer.concat(c.raw).toString()).toBe('EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n\0');
  });

  it('refuses protocol 4.0 with a v3 ErrorResponse 0A000', async () => {
    const c = new RawClient(makeContext(engine));
    const b = Buffer.alloc(8);
    b.writeInt32BE(8, 0);
    b.writeInt32BE(4 << 16, 4);
    c.send(b);
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ severity: 'FATAL', code: '0A000', message: 'unsupported frontend protocol 4.0: server supports 3.0 to 3.0' });
  });

  it('negotiates down a 3.2 request and unknown _pq_ options', async () => {
    const c = new RawClient(makeContext(engine));
    const body = Buffer.concat([Buffer.from([0, 3, 0, 2]), Buffer.from('user\0tester\0database\0postgres\0_pq_.x\0y\0\0')]);
    const len = Buffer.alloc(4);
    len.writeInt32BE(body.length + 4, 0);
    c.setRaw(true);
    c.send(Buffer.concat([len, body]));
    const all = await c.waitRaw(22);
    expect(String.fromCharCode(all[0]!)).toBe('v');
    expect(all.readInt32BE(5)).toBe(3 << 16);
    expect(all.readInt32BE(9)).toBe(1);
    expect(all.subarray(13, 13 + 8).toString()).toBe('_pq_.x\0R');
  });

  it('answers SSLRequest with N (no certificate) and GSSENCRequest with N, then starts normally', async () => {
    const c = new RawClient(makeContext(engine));
    c.setRaw(true);
    c.send(serialize.requestSsl());
    expect((await c.waitRaw(1)).toString()).toBe('N');
    const gss = Buffer.alloc(8);
    gss.writeInt32BE(8, 0);
    gss.writeInt32BE(80877104, 4);
    c.send(gss);
    expect((await c.waitRaw(2)).toString()).toBe('NN');
    c.setRaw(false);
    c.send(startupMsg());
    await c.readyCount(1);
  });

  it('reports a missing user name', async () => {
    const c = new RawClient(makeContext(engine));
    c.send(serialize.startup({ database: 'postgres' }));
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ code: '28000', message: 'no PostgreSQL user name specified in startup packet' });
  });

  it('reports an unknown database with 3D000', async () => {
    const c = new RawClient(makeContext(engine));
    c.send(serialize.startup({ user: 'tester', database: 'nosuchdb' }));
    await c.waitEnd();
    expect(c.names()).toEqual(['authenticationOk', 'error']); // PostgreSQL checks the database after auth
    expect(errorOf(c.msgs)).toMatchObject({ severity: 'FATAL', code: '3D000', message: 'database "nosuchdb" does not exist' });
  });

  it('closes a connection that does not finish start-up within the authentication timeout', async () => {
    const ctx = { ...makeContext(engine), authTimeoutMs: 150 };
    const mute = new RawClient(ctx);
    await mute.waitEnd(3000);
    expect(mute.msgs).toEqual([]);
    const half = new RawClient({ ...ctx, users: new Map([['u', { name: 'u', method: 'md5' as const, scramSecret: makeScramSecret('pw'), md5Hash: md5Hash('pw', 'u') }]]) });
    half.send(serialize.startup({ user: 'u', database: 'postgres' }));
    await half.waitEnd(3000);
    expect(half.names()).toEqual(['authenticationMD5Password']);
  });

  it('enforces the connection limit with 53300', async () => {
    const ctx = makeContext(engine, { maxConnections: 1 });
    const a = new RawClient(ctx);
    a.send(startupMsg());
    await a.readyCount(1);
    const b = new RawClient(ctx);
    b.send(startupMsg());
    await b.waitEnd();
    expect(errorOf(b.msgs)).toMatchObject({ severity: 'FATAL', code: '53300', message: 'sorry, too many clients already' });
    a.send(serialize.end());
    await a.waitEnd();
    await a.done;
    const c = new RawClient(ctx);
    c.send(startupMsg());
    await c.readyCount(1);
  });
});

describe('bad input', () => {
  it('closes on an unknown message type with 08P01', async () => {
    const c = await ready();
    c.send(Buffer.from([0x7a, 0, 0, 0, 4]));
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ severity: 'FATAL', code: '08P01', message: 'invalid frontend message type 122' });
  });

  it('closes on a message over the size limit with 08P01', async () => {
    const c = await ready({ maxMessageBytes: 4096 });
    c.send(serialize.query('SELECT ' + '1'.repeat(5000)));
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ severity: 'FATAL', code: '08P01', message: 'invalid message length' });
  });

  it('closes on a truncated field inside a message', async () => {
    const c = await ready();
    c.send(Buffer.from([0x45, 0, 0, 0, 6, 0x00, 0x01])); // Execute: portal "", then 1 of 4 bytes
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ code: '08P01', message: 'insufficient data left in message' });
  });

  it('answers invalid UTF-8 with 22021 and keeps the connection', async () => {
    const c = await ready();
    const n = c.msgs.length;
    const q = Buffer.concat([Buffer.from('Q\0\0\0\0'), Buffer.from([0x53, 0x45, 0xc3, 0x28, 0])]);
    q.writeInt32BE(q.length - 1, 1);
    c.send(q);
    await c.readyCount(2);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ severity: 'ERROR', code: '22021', message: 'invalid byte sequence for encoding "UTF8": 0xc3 0x28' });
    c.send(serialize.query('SELECT 1'));
    await c.readyCount(3);
    expect(c.msgs.find((m) => m.name === 'dataRow')?.fields).toEqual(['1']);
  });
});

describe('simple query', () => {
  it('runs several statements, with EmptyQueryResponse for an empty string', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(serialize.query('SELECT 1 AS a; SELECT 2 AS b'));
    c.send(serialize.query(''));
    await c.readyCount(3);
    expect(c.names(n)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery', 'emptyQuery', 'readyForQuery']);
    expect(c.msgs[n]!.fields[0].name).toBe('a');
    expect(c.msgs[n + 2]!.text).toBe('SELECT 1');
  });

  it('skips the rest of the string after an error and reports it once', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(serialize.query('SELECT 1; SELECT 1/0; SELECT 3'));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'error', 'readyForQuery']);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ severity: 'ERROR', code: '22012', message: 'division by zero' });
    expect(c.msgs.at(-1)!.status).toBe('I');
  });

  it('reflects transaction blocks in ReadyForQuery (T, E, I)', async () => {
    const c = await ready();
    c.send(serialize.query('BEGIN'));
    await c.readyCount(2);
    expect(c.msgs.at(-1)!.status).toBe('T');
    c.send(serialize.query('SELECT 1/0'));
    await c.readyCount(3);
    expect(c.msgs.at(-1)!.status).toBe('E');
    c.send(serialize.query('SELECT 1'));
    await c.readyCount(4);
    expect(errorOf(c.msgs.slice(-3)).code).toBe('25P02');
    c.send(serialize.query('ROLLBACK'));
    await c.readyCount(5);
    expect(c.msgs.at(-1)!.status).toBe('I');
  });

  it('sends ParameterStatus before ReadyForQuery when SET changes a reported setting', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(serialize.query("SET application_name = 'wiretest'"));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['commandComplete', 'parameterStatus', 'readyForQuery']);
    expect(c.msgs[n + 1]).toMatchObject({ parameterName: 'application_name', parameterValue: 'wiretest' });
  });

  it('reports a syntax error with its position', async () => {
    const c = await ready();
    c.send(serialize.query('SELEC 1'));
    await c.readyCount(2);
    expect(errorOf(c.msgs)).toMatchObject({ code: '42601', message: 'syntax error at or near "SELEC"', position: '1' });
  });
});

describe('extended query', () => {
  it('runs Parse/Bind/Describe/Execute/Sync with text and binary formats', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([
      serialize.parse({ name: 's1', text: 'SELECT $1::int4 + 1 AS x', types: [23] }),
      serialize.describe({ type: 'S', name: 's1' }),
      serialize.bind({ statement: 's1', values: ['41'] }),
      serialize.execute({}),
      serialize.bind({ statement: 's1', values: ['1'], binary: true }),
      serialize.describe({ type: 'P', name: '' }),
      serialize.execute({}),
      serialize.sync(),
    ]));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['parseComplete', 'parameterDescription', 'rowDescription', 'bindComplete', 'dataRow', 'commandComplete', 'bindComplete', 'rowDescription', 'dataRow', 'commandComplete', 'readyForQuery']);
    expect(c.msgs[n + 1]!.dataTypeIDs).toEqual([23]);
    expect(c.msgs[n + 4]!.fields).toEqual(['42']);
    expect(c.msgs[n + 7]!.fields[0].format).toBe('binary');
    expect(c.msgs[n + 8]!.fields).toEqual(['\u0000\u0000\u0000\u0002']);
  });

  it('reports a parameter count mismatch with PostgreSQL wording and skips to Sync', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([
      serialize.parse({ text: 'SELECT $1::int4' }),
      serialize.bind({ values: ['1', '2'] }),
      serialize.execute({}),
      serialize.sync(),
    ]));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['parseComplete', 'error', 'readyForQuery']);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ code: '08P01', message: 'bind message supplies 2 parameters, but prepared statement "" requires 1' });
  });

  it('reports unknown statements (26000) and portals (34000), and redefinition (42P05)', async () => {
    const c = await ready();
    let n = c.msgs.length;
    c.send(Buffer.concat([serialize.bind({ statement: 'nope' }), serialize.sync()]));
    await c.readyCount(2);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ code: '26000', message: 'prepared statement "nope" does not exist' });
    n = c.msgs.length;
    c.send(Buffer.concat([serialize.execute({ portal: 'nope' }), serialize.sync()]));
    await c.readyCount(3);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ code: '34000', message: 'portal "nope" does not exist' });
    n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ name: 'a', text: 'SELECT 1' }), serialize.parse({ name: 'a', text: 'SELECT 2' }), serialize.sync()]));
    await c.readyCount(4);
    expect(c.names(n)).toEqual(['parseComplete', 'error', 'readyForQuery']);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ code: '42P05', message: 'prepared statement "a" already exists' });
    n = c.msgs.length;
    c.send(Buffer.concat([serialize.close({ type: 'S', name: 'a' }), serialize.parse({ name: 'a', text: 'SELECT 2' }), serialize.sync()]));
    await c.readyCount(5);
    expect(c.names(n)).toEqual(['closeComplete', 'parseComplete', 'readyForQuery']);
  });

  it('refuses several statements in one Parse', async () => {
    const c = await ready();
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT 1; SELECT 2' }), serialize.sync()]));
    await c.readyCount(2);
    expect(errorOf(c.msgs)).toMatchObject({ code: '42601', message: 'cannot insert multiple commands into a prepared statement' });
  });

  it('answers an empty query in the extended protocol with NoData and EmptyQueryResponse', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: '' }), serialize.bind({}), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['parseComplete', 'bindComplete', 'noData', 'emptyQuery', 'readyForQuery']);
  });

  it('pipelines many statements before one Sync, answering in order', async () => {
    const c = await ready();
    const n = c.msgs.length;
    const parts: Buffer[] = [serialize.parse({ name: 'p', text: 'SELECT $1::int4 * 2', types: [23] })];
    for (let i = 0; i < 200; i++) parts.push(serialize.bind({ statement: 'p', values: [String(i)] }), serialize.execute({}));
    parts.push(serialize.sync());
    c.send(Buffer.concat(parts));
    await c.readyCount(2);
    const rows = c.msgs.slice(n).filter((m) => m.name === 'dataRow').map((m) => m.fields[0]);
    expect(rows).toEqual(Array.from({ length: 200 }, (_, i) => String(i * 2)));
  });

  it('Flush sends pending results without Sync', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT 7' }), serialize.bind({}), serialize.execute({}), serialize.flush()]));
    await c.waitFor((m) => m.slice(n).some((x) => x.name === 'commandComplete'));
    expect(c.names(n)).toEqual(['parseComplete', 'bindComplete', 'dataRow', 'commandComplete']);
  });
});

describe('pg client over an in-memory duplex', () => {
  it('runs simple and parameterized queries and sees errors as PostgreSQL reports them', async () => {
    const { client } = pgClient(makeContext(engine));
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await client.query('SELECT $1::int4 + $2::int4 AS s', [2, 3])).rows).toEqual([{ s: 5 }]);
    await expect(client.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect((await client.query({ text: 'SELECT $1::text AS t', values: ['héllo'], name: 'named' })).rows).toEqual([{ t: 'héllo' }]);
    expect((await client.query({ text: 'SELECT $1::text AS t', values: ['again'], name: 'named' })).rows).toEqual([{ t: 'again' }]);
    await client.end();
  });
});

describe('notices, timeouts, cancel and logs', () => {
  it('sends a NoticeResponse (WARNING) before CommandComplete', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(serialize.query('ROLLBACK'));
    await c.readyCount(2);
    expect(c.names(n)).toEqual(['notice', 'commandComplete', 'readyForQuery']);
    expect(c.msgs[n]).toMatchObject({ severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' });
  });

  it('cancels a statement that runs past statement_timeout with 57014', async () => {
    const c = await ready();
    const n = c.msgs.length;
    const t0 = Date.now();
    c.send(serialize.query("SET statement_timeout = '100ms'; SELECT pg_sleep(3)"));
    await c.readyCount(2);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
  });

  it('cancels a running statement through the registry (CancelRequest path) and only with the right secret', async () => {
    const ctx = makeContext(engine);
    const c = new RawClient(ctx);
    c.send(startupMsg());
    await c.readyCount(1);
    const key = c.msgs.find((m) => m.name === 'backendKeyData')!;
    const n = c.msgs.length;
    c.send(serialize.query('SELECT pg_sleep(3)'));
    await waitUntil(() => c.conn.running !== undefined);
    expect(ctx.backends.cancel(key.processID, key.secretKey ^ 1)).toBe(false);
    // A CancelRequest packet on a second connection, as a client sends it.
    const canceller = new RawClient(ctx);
    canceller.send(serialize.cancel(key.processID, key.secretKey));
    await canceller.waitEnd();
    expect(canceller.msgs).toEqual([]);
    await c.readyCount(2);
    expect(errorOf(c.msgs.slice(n))).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
  });

  it('logs connections and slow statements as JSON lines', async () => {
    const lines: string[] = [];
    const ctx = { ...makeContext(engine, { logLines: lines }), logMinDurationMs: 0 };
    const c = new RawClient(ctx);
    c.send(startupMsg());
    await c.readyCount(1);
    c.send(serialize.query('SELECT 42'));
    await c.readyCount(2);
    c.send(serialize.query('SELECT 1/0'));
    await c.readyCount(3);
    c.send(serialize.end());
    await c.done;
    const recs = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs.find((r) => r['msg'] === 'connection opened')).toMatchObject({ level: 'info', user: 'tester', database: 'postgres' });
    expect(recs.find((r) => r['msg'] === 'slow statement')).toMatchObject({ statement: 'SELECT 42' });
    expect(recs.find((r) => r['msg'] === 'statement error')).toMatchObject({ level: 'info', code: '22012', error: 'division by zero' });
    expect(recs.find((r) => r['msg'] === 'connection closed')).toBeDefined();
    for (const r of recs) expect(typeof r['ts']).toBe('string');
  });
});

describe('protocol order and termination', () => {
  it('treats a password message after start-up as a protocol violation', async () => {
    const c = await ready();
    c.send(serialize.password('late'));
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ severity: 'FATAL', code: '08P01', message: 'invalid frontend message type 112' });
  });

  it('treats a typed message in place of the startup packet as a bad startup packet', async () => {
    const c = new RawClient(makeContext(engine));
    c.send(serialize.query('SELECT 1'));
    await c.waitEnd();
    expect(errorOf(c.msgs)).toMatchObject({ code: '08P01', message: 'invalid length of startup packet' });
  });

  it('closes quietly on Terminate and settles the connection', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.send(serialize.end());
    await c.waitEnd();
    await c.done;
    expect(c.msgs.length).toBe(n);
  });

  it('decodes binary parameters by the statement parameter types', async () => {
    const c = await ready();
    const n = c.msgs.length;
    const four = Buffer.alloc(4);
    four.writeInt32BE(-7, 0);
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT $1::int4 AS v', types: [23] }), serialize.bind({ values: [four] }), serialize.execute({}), serialize.sync()]));
    await c.readyCount(2);
    expect(c.msgs.slice(n).find((m) => m.name === 'dataRow')!.fields).toEqual(['-7']);
    const m = c.msgs.length;
    c.send(Buffer.concat([serialize.parse({ text: 'SELECT $1::int4 AS v', types: [23] }), serialize.bind({ values: ['abc'] }), serialize.execute({}), serialize.sync()]));
    await c.readyCount(3);
    expect(errorOf(c.msgs.slice(m))).toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "abc"' });
  });
});

describe('idle_in_transaction_session_timeout', () => {
  it('ends a session idle inside a transaction block with FATAL 25P03, not one idle outside', async () => {
    const c = await ready();
    c.send(serialize.query("SET idle_in_transaction_session_timeout = '150ms'"));
    await c.readyCount(2);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.ended).toBe(false);
    c.send(serialize.query('BEGIN'));
    await c.readyCount(3);
    await c.waitEnd(3000);
    expect(errorOf(c.msgs)).toMatchObject({ severity: 'FATAL', code: '25P03', message: 'terminating connection due to idle-in-transaction timeout' });
  });
});

describe('authentication with the real pg client', () => {
  const users = [
    { name: 'alice', method: 'scram-sha-256' as const, scramSecret: makeScramSecret('wonder'), md5Hash: md5Hash('wonder', 'alice') },
    { name: 'bob', method: 'md5' as const, scramSecret: makeScramSecret('builder'), md5Hash: md5Hash('builder', 'bob') },
    { name: 'carol', method: 'password' as const, scramSecret: makeScramSecret('clear'), md5Hash: undefined },
  ];

  for (const [user, password] of [['alice', 'wonder'], ['bob', 'builder'], ['carol', 'clear']] as const) {
    it(`${user}: right password connects, wrong password is 28P01`, async () => {
      const ctx = makeContext(engine, { users });
      const ok = pgClient(ctx, { user, password });
      await ok.client.connect();
      expect((await ok.client.query('SELECT current_user AS u')).rows).toEqual([{ u: user }]);
      await ok.client.end();
      const bad = pgClient(ctx, { user, password: password + '!' });
      await expect(bad.client.connect()).rejects.toMatchObject({ code: '28P01', message: `password authentication failed for user "${user}"` });
      await bad.done;
    });
  }

  it('runs a mock SCRAM exchange for an unknown user and fails it the same way', async () => {
    const ctx = makeContext(engine, { users });
    const c = new RawClient(ctx);
    c.send(serialize.startup({ user: 'mallory', database: 'postgres' }));
    await c.waitFor((m) => m.length > 0);
    expect(c.msgs[0]).toMatchObject({ name: 'authenticationSASL', mechanisms: ['SCRAM-SHA-256'] });
    const bad = pgClient(ctx, { user: 'mallory', password: 'x' });
    await expect(bad.client.connect()).rejects.toMatchObject({ code: '28P01', message: 'password authentication failed for user "mallory"' });
  });
});

describe('server shutdown of a connection', () => {
  it('ends an idle connection at once with FATAL 57P01', async () => {
    const c = await ready();
    const n = c.msgs.length;
    c.conn.requestShutdown();
    await c.waitEnd();
    expect(c.names(n)).toEqual(['error']);
    expect(c.msgs[n]).toMatchObject({ severity: 'FATAL', code: '57P01', message: 'terminating connection due to administrator command' });
  });

  it('lets a running statement finish, then ends; forced, it sends exactly one FATAL and no ReadyForQuery', async () => {
    const a = await ready();
    let n = a.msgs.length;
    a.send(serialize.query('SELECT pg_sleep(0.2) AS s'));
    await waitUntil(() => a.conn.running !== undefined);
    a.conn.requestShutdown();
    await a.waitEnd();
    expect(a.names(n)).toEqual(['rowDescription', 'dataRow', 'commandComplete', 'readyForQuery', 'error']);
    const b = await ready();
    n = b.msgs.length;
    b.send(serialize.query('SELECT pg_sleep(5)'));
    await waitUntil(() => b.conn.running !== undefined);
    b.conn.requestShutdown();
    b.conn.forceShutdown();
    await b.waitEnd();
    expect(b.names(n)).toEqual(['error']);
    expect(b.msgs[n]).toMatchObject({ severity: 'FATAL', code: '57P01' });
  });
});
