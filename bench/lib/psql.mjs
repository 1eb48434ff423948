// psql as benchmarks use it: one command, unaligned tuples-only output, stop on the first error,
// SSL and GSS negotiation off (they only cost connection time). A failure throws with the start of
// the command and psql's message, so a benchmark records it as that figure's error.
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';

/** Largest psql output a benchmark reads back (a count, a checksum, a short answer). */
const OUTPUT_BYTES_MAX = 1 << 24;

/** Runs `cmd` (SQL or a backslash command such as `\copy`) through psql against `server`. */
export function psql(server, cmd) {
  const r = spawnSync('psql', ['-X', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.db, '-c', cmd], {
    encoding: 'utf8',
    env: { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' },
    maxBuffer: OUTPUT_BYTES_MAX,
  });
  if (r.status !== 0) throw new Error(`psql ${cmd.slice(0, 80)}: ${(r.stderr || r.stdout).trim().slice(0, 300)}`);
  return r.stdout.trim();
}

/** Writes `rows` lines `lineOf(i)` (i = 1…rows, each ending in \n) to `path` in ~1 MiB chunks. */
export async function writeLines(path, rows, lineOf) {
  const out = createWriteStream(path);
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    chunk += lineOf(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise((r) => out.end(r));
}
