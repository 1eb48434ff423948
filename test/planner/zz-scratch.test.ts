import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { withEngine, openSession, query } from './helpers.js';
import { DbError } from '../../catalog/index.js';

it('compare with pg', async () => {
  const lines = readFileSync('/tmp/exprs.txt', 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  await withEngine(async (engine) => {
    let bad = 0;
    for (const l of lines) {
      const sql = l;
      let pg: string;
      try {
        pg = execFileSync('psql', ['-h', '/tmp/pg15', '-p', '55443', '-U', 'postgres', '-AtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trimEnd();
      } catch (e) {
        pg = 'ERROR: ' + String((e as { stderr: string }).stderr).split('\n')[0]!.replace(/^ERROR:\s+/, '');
      }
      let mine: string;
      const s = openSession(engine);
      try {
        const r = await query(s, sql);
        const last = r[r.length - 1]!;
        mine = last.rows.map((row) => row.map((v) => v ?? '').join('|')).join('\n');
      } catch (e) {
        mine = 'ERROR: ' + (e instanceof DbError ? e.message : String(e));
      }
      s.close();
      if (mine !== pg) {
        bad++;
        console.log(`MISMATCH ${sql}\n  pg:   ${pg}\n  mine: ${mine}`);
      }
    }
    console.log(`${lines.length - bad}/${lines.length} match`);
  });
});
