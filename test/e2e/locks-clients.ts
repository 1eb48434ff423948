// Shared by the lock tests (rel-locks*.test.ts, locks*.test.ts): node-postgres clients against a
// server (Pyralog or a throw-away PostgreSQL 15), statement outcomes as one comparable line, a
// wait observed without timed assertions, and CancelRequests as libpq's PQcancel sends them.
import net from 'node:net';
import pg from 'pg';

export type Client = pg.Client;

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function connect(port: number): Promise<Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', ssl: false });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** A statement's outcome as one line: "ok TAG n" or "err CODE message @position". */
export function outcome(p: Promise<pg.QueryResult>): Promise<string> {
  return p.then(
    (r) => `ok ${r.command} ${r.rowCount ?? ''}`.trim(),
    (e: { code?: string; message: string; position?: string }) => `err ${e.code} ${e.message}${e.position ? ` @${e.position}` : ''}`,
  );
}

/** A query's outcome with its rows: "ok [rows]" or "err CODE message @position". */
export function result(c: Client, sql: string): Promise<string> {
  return c.query(sql).then(
    (r) => `ok ${JSON.stringify(r.rows)}`,
    (e: { code?: string; message: string; position?: string }) => `err ${e.code} ${e.message}${e.position ? ` @${e.position}` : ''}`,
  );
}

export async function rows(c: Client, sql: string): Promise<string> {
  return JSON.stringify((await c.query(sql)).rows);
}

/**
 * 'waiting' when `p` has not settled after `probe` (another client) answered two statements sent
 * after `p` and a grace period passed; else p's outcome. Nothing is asserted about time: a
 * statement expected to go through is awaited without a deadline. The grace period is for
 * PostgreSQL, whose backends are separate processes — on a loaded machine the probe's backend
 * may answer before `p`'s backend has even queued its lock request (Pyralog serves connections
 * in order on one thread, where the probe alone would do).
 */
export async function stateAfter(p: Promise<string>, probe: Client, graceMs = 250): Promise<string> {
  let settled: string | undefined;
  void p.then((s) => (settled = s));
  await probe.query('SELECT 1');
  await probe.query('SELECT 1');
  await sleep(graceMs);
  return settled ?? 'waiting';
}

/** The backend key of a connection (BackendKeyData), for CancelRequests. */
export function backendKey(c: Client): { processID: number; secretKey: number } {
  const con = c as unknown as { processID: number; secretKey: number };
  return { processID: con.processID, secretKey: con.secretKey };
}

/** One CancelRequest(pid, secret) on a fresh socket. */
export function sendCancel(port: number, key: { processID: number; secretKey: number }): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      const b = Buffer.alloc(16);
      b.writeInt32BE(16, 0);
      b.writeInt32BE(80877102, 4);
      b.writeInt32BE(key.processID, 8);
      b.writeInt32BE(key.secretKey, 12);
      s.end(b);
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

/**
 * Cancels the statement `p` running on the connection with `key`: a cancel that arrives before
 * the statement started does nothing (as in PostgreSQL), so it is repeated until `p` settles.
 */
export async function cancelUntilSettled(port: number, key: { processID: number; secretKey: number }, p: Promise<string>): Promise<string> {
  let settled = false;
  void p.then(() => (settled = true));
  let sent = 0;
  while (!settled) {
    await sendCancel(port, key);
    sent++;
    await sleep(50);
  }
  // A repeated request may still be on its way to the backend (PostgreSQL signals it after the
  // socket closed): let it land while the connection is idle (ignored there), not in the next
  // statement. Sequencing only; nothing is asserted about time.
  if (sent > 1) await sleep(200);
  return p;
}
