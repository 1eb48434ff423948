// A RowCursor over rows already computed (FROM-less queries, SHOW, utility statements).
// Synchronous fetch (no promise on the hot path); honours Execute's row limit.

import type { FetchResult, RowCursor, Value } from '../api.js';

export function rowsCursor(rows: Value[][], tagWord: string): RowCursor {
  let pos = 0;
  let closed = false;
  const tag = tagWord === 'SELECT' || tagWord === 'SHOW' ? (tagWord === 'SELECT' ? `SELECT ${rows.length}` : 'SHOW') : tagWord;
  return {
    fetch(maxRows: number): FetchResult {
      if (closed) return { rows: [], done: true, tag };
      if (pos === 0 && (maxRows <= 0 || maxRows >= rows.length)) {
        pos = rows.length;
        return { rows, done: true, tag };
      }
      const end = maxRows <= 0 ? rows.length : Math.min(rows.length, pos + maxRows);
      const out = rows.slice(pos, end);
      pos = end;
      const done = pos >= rows.length;
      // PostgreSQL's tag counts every row the portal returned, across Execute calls.
      return done ? { rows: out, done, tag } : { rows: out, done };
    },
    close() {
      closed = true;
    },
  };
}
