// Replays a session transcript recorded on PostgreSQL 15: each step's command tag, rows,
// error (SQLSTATE + message, hint/detail when given) and notices must match.
import { expect } from 'vitest';
import { DbError } from '../../catalog/index.js';
import type { SqlSession } from '../../planner/index.js';
import { query } from './helpers.js';

export type Step =
  | [sql: string, tag: string, rows?: Array<Array<string | null>>, notices?: string[]]
  | [sql: string, err: { code: string; message: string; hint?: string; detail?: string }];

export async function replay(s: SqlSession, steps: Step[]): Promise<void> {
  for (const step of steps) {
    const [sql, second] = step;
    if (typeof second === 'string') {
      const r = await query(s, sql);
      const last = r[r.length - 1]!;
      expect({ sql, tag: last.tag }).toEqual({ sql, tag: second });
      if (step[2] !== undefined) expect({ sql, rows: last.rows }).toEqual({ sql, rows: step[2] });
      const notices = s.takeNotices().map((n) => `${n.severity} ${n.code} ${n.message}`);
      expect({ sql, notices }).toEqual({ sql, notices: (step as [string, string, unknown, string[]?])[3] ?? [] });
    } else {
      let err: DbError | undefined;
      try {
        await query(s, sql);
      } catch (e) {
        if (!(e instanceof DbError)) throw e;
        err = e;
      }
      expect({ sql, failed: err !== undefined }).toEqual({ sql, failed: true });
      const want: Record<string, string> = { code: second.code, message: second.message };
      const got: Record<string, string> = { code: err!.code, message: err!.message };
      if (second.hint !== undefined) { want['hint'] = second.hint; got['hint'] = err!.fields.hint ?? ''; }
      if (second.detail !== undefined) { want['detail'] = second.detail; got['detail'] = err!.fields.detail ?? ''; }
      expect({ sql, ...got }).toEqual({ sql, ...want });
      s.takeNotices();
    }
  }
}
