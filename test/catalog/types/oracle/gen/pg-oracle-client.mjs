// What the fixture generators share: the connection to the PostgreSQL 15 they ask (PGHOST,
// PGPORT, PGUSER; defaults /tmp/pg15, 55443, postgres) with its server_version, the loop that
// records one answer per case (the text of the first column, or the error's code and message),
// and the fixture file's layout (one case per line after the first).
import pg from 'pg';
import { writeFileSync } from 'node:fs';

/** A connected client and the server's version; `setup` (SQL) runs first when given. */
export async function connectOracle(setup) {
  const client = new pg.Client({ host: process.env.PGHOST ?? '/tmp/pg15', port: Number(process.env.PGPORT ?? 55443), user: process.env.PGUSER ?? 'postgres', database: 'postgres' });
  await client.connect();
  if (setup !== undefined) await client.query(setup);
  const version = (await client.query('show server_version')).rows[0].server_version;
  return { client, version };
}

/**
 * For each case, `before(c)` (optional), then `query(c)` ({ text, values }): sets `c.out` to the
 * first column of the first row, or `c.error` to { code, message } when PostgreSQL refuses.
 * Errors without a SQLSTATE (connection failures) stop the run.
 */
export async function answerEach(client, cases, query, before) {
  for (const c of cases) {
    if (before !== undefined) await before(c);
    try {
      const r = await client.query({ ...query(c), rowMode: 'array' });
      c.out = r.rows[0][0];
    } catch (e) {
      if (e.code === undefined) throw e;
      c.error = { code: e.code, message: e.message };
    }
  }
}

/** Writes `{ generatedBy, serverVersion, ...body }` as JSON, a line per element whose first key is `firstKey`. */
export function writeFixtures(out, generatedBy, serverVersion, body, firstKey) {
  const json = JSON.stringify({ generatedBy, serverVersion, ...body });
  writeFileSync(out, json.replaceAll(`},{"${firstKey}"`, `},\n{"${firstKey}"`) + '\n');
}
