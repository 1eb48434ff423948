// The simulation's model: acknowledged state as a plain Map, plus the commits whose fate is
// unknown (failed while the database was broken, or still pending at a crash). After a crash
// the database must equal the model with some PREFIX of the unknown commits applied, each
// whole or not at all.
import type { Cell, Row } from '../../../lsm/index.js';

export type Op = { table: number; key: Uint8Array; kind: 'put' | 'del'; row: Row | undefined };

export function mk(table: number, key: Uint8Array): string {
  return `${table}/${Buffer.from(key).toString('hex')}`;
}

export function cellStr(c: Cell): string {
  if (c === null) return 'null';
  if (typeof c === 'bigint') return `${c}n`;
  if (typeof c === 'number') return Object.is(c, -0) ? '-0' : String(c);
  if (typeof c === 'string') return JSON.stringify(c);
  if (typeof c === 'boolean') return String(c);
  return `x${Buffer.from(c).toString('hex')}`;
}

export function rowStr(r: Row | undefined): string {
  return r === undefined ? '<none>' : `[${r.map(cellStr).join(',')}]`;
}

export class Model {
  /** Durable, acknowledged state. */
  state = new Map<string, { table: number; key: Uint8Array; row: Row }>();
  /** Acknowledged but maybe not durable yet (syncMode 'off'), in commit order. */
  unsynced: Op[][] = [];
  /** Failed while the database was broken: fate unknown, in commit order (after unsynced). */
  unknown: Op[][] = [];

  /** What the running database must show: durable + acknowledged (never failed commits). */
  inMemory(): Map<string, { table: number; key: Uint8Array; row: Row }> {
    const cur = new Map(this.state);
    for (const ops of this.unsynced) this.apply(ops, cur);
    return cur;
  }

  /** Everything acknowledged is now durable (a WAL sync happened). */
  promote(): void {
    for (const ops of this.unsynced) this.apply(ops);
    this.unsynced = [];
  }

  apply(ops: readonly Op[], into = this.state): void {
    for (const op of ops) {
      if (op.kind === 'put') into.set(mk(op.table, op.key), { table: op.table, key: op.key, row: op.row! });
      else into.delete(mk(op.table, op.key));
    }
  }

  /** Candidate states after a crash: durable state + a prefix of (unsynced, unknown). */
  candidates(): Map<string, { table: number; key: Uint8Array; row: Row }>[] {
    const out = [];
    let cur = new Map(this.state);
    out.push(cur);
    for (const ops of [...this.unsynced, ...this.unknown]) {
      cur = new Map(cur);
      this.apply(ops, cur);
      out.push(cur);
    }
    return out;
  }

  rows(table: number, state = this.state): { key: Uint8Array; row: Row }[] {
    return [...state.values()].filter((v) => v.table === table).sort((a, b) => Buffer.compare(a.key, b.key));
  }
}
