// Runs the real `psql` binary (PostgreSQL 15's client) against a fresh in-process server over TCP
// and compares its output with what psql printed against PostgreSQL 15 for the same DDL: the \d
// family's meta-commands byte for byte, and row queries (`psql -A -t -F'|'`). Skipped when psql
// is not installed.
import { spawnSync } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startServer, type RunningServer } from './server.js';

const HAS_PSQL = spawnSync('psql', ['--version'], { encoding: 'utf8' }).status === 0;

/** psql output per meta-command, and [query, rows] per name, both recorded from PostgreSQL 15. */
export function describePsqlAgainstPostgres(title: string, ddl: string, expected: Record<string, string>, rowQueries: Record<string, [string, string]>): void {
  describe.skipIf(!HAS_PSQL)(title, () => {
    let srv: RunningServer;
    const psql = (args: string[]): { out: string; err: string } => {
      const r = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(srv.port), '-U', 'postgres', '-d', 'postgres', '-X', ...args], {
        encoding: 'utf8', env: { ...process.env, PGCONNECT_TIMEOUT: '20', PGGSSENCMODE: 'disable', PGSSLMODE: 'disable' },
      });
      return { out: r.stdout, err: r.stderr };
    };

    beforeAll(async () => {
      srv = await startServer();
      const r = psql(['-q', '-v', 'ON_ERROR_STOP=1', '-c', ddl]);
      expect(r.err).toBe('');
    });
    afterAll(async () => {
      await srv?.stop();
    });

    for (const [cmd, want] of Object.entries(expected)) {
      it(`${cmd} prints what PostgreSQL 15 prints`, () => {
        const r = psql(['-c', cmd]);
        expect(r.err).toBe('');
        expect(r.out).toBe(want);
      });
    }

    for (const [rel, [query, want]] of Object.entries(rowQueries)) {
      it(`${rel} rows match PostgreSQL 15`, () => {
        const r = psql(['-A', '-t', '-F|', '-c', query]);
        expect(r.err).toBe('');
        expect(r.out).toBe(want);
      });
    }
  });
}
