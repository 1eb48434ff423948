// Append: the rows of several inputs one after the other (UNION ALL, PostgreSQL's Append). The
// set-operation plan (exec/query.ts) gives a UNION ALL one, so a subquery over it can stream its
// branches (and EXPLAIN shows them under the Subquery Scan). Each input's rows may need the
// UNION's column conversions (`convs[i]`). SUSPEND (suspend.ts) is forwarded unchanged.
import type { EvalContext } from '../bind/expr.js';
import type { NodeReport } from '../exec/explain-node.js';
import { iter, type RelNode, type Row } from './ops.js';
import { SUSPEND } from './suspend.js';

export class AppendNode implements RelNode {
  constructor(
    readonly inputs: readonly RelNode[],
    readonly width: number,
    readonly convs: ReadonlyArray<((row: Row, ctx: EvalContext) => Row) | undefined>,
  ) {}

  *open(ctx: EvalContext): Generator<Row> {
    for (let i = 0; i < this.inputs.length; i++) {
      const conv = this.convs[i];
      for (const r of iter(this.inputs[i]!.open(ctx))) yield conv && r !== SUSPEND ? conv(r, ctx) : r;
    }
  }

  streamInputs(): readonly RelNode[] {
    return this.inputs;
  }

  describe(i = ''): string {
    return [`${i}Append`, ...this.inputs.map((x) => x.describe(i + '  '))].join('\n');
  }

  explain(): NodeReport {
    const w = this.width * 4;
    return {
      type: 'Append', headline: 'Append',
      children: this.inputs.map((node) => ({ node, relationship: 'Member' as const })),
      estimate: (ins) => ({
        startup: ins[0]?.startup ?? 0,
        total: ins.reduce((t, x) => t + x.total, 0),
        rows: ins.reduce((r, x) => r + x.rows, 0),
        width: ins[0]?.width ?? w,
      }),
    };
  }
}
