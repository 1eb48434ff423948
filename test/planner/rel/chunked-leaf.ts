// ChunkedLeaf: a leaf operator whose rows arrive in chunks (each after a wait recorded on the
// statement's Suspension), like a streamed external scan (planner/rel/suspend.ts's protocol):
// one chunk at a time, an error if pulled before its chunk arrived, its `finally` closing it.
// Shared by the SUSPEND and fast-aggregate tests.
import { DbError } from '../../../catalog/index.js';
import type { RelNode, Row } from '../../../planner/rel/ops.js';
import type { Suspension } from '../../../planner/rel/suspend.js';

export class ChunkedLeaf implements RelNode {
  readonly width = 2;
  /** How often open()'s generator ended (returned, threw or was closed). */
  closed = 0;
  /** `failAt`: the row position at which the source fails with 57014 (-1: never). */
  constructor(readonly rows: Row[], readonly chunk: number, readonly susp: Suspension, readonly failAt = -1) {}
  *open(): Generator<Row> {
    let pos = 0;
    let ready = 0;
    let waiting = false;
    try {
      for (;;) {
        if (waiting) throw new DbError('XX000', 'read before its rows arrived');
        if (pos === this.failAt) throw new DbError('57014', 'canceling statement due to user request');
        if (pos < ready) {
          yield this.rows[pos++]!;
          continue;
        }
        if (pos >= this.rows.length) return;
        waiting = true;
        yield this.susp.suspend(new Promise<void>((res) => setTimeout(() => {
          ready = Math.min(this.rows.length, ready + this.chunk);
          waiting = false;
          res();
        }, 1)));
      }
    } finally {
      this.closed++;
    }
  }
  describe(): string {
    return 'ChunkedLeaf';
  }
}
