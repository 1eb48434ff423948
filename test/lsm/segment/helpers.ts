// Test helpers for segment tests: build sorted entries and compare entries structurally.
import type { Cell, Entry } from '../../../lsm/types.js';
import { compareEntries } from '../../../lsm/iter/index.js';

export function put(key: number[] | Uint8Array, seq: number | bigint, row: Cell[], table = 1): Entry {
  return { table, key: Uint8Array.from(key), seq: BigInt(seq), kind: 'put', row };
}
export function del(key: number[] | Uint8Array, seq: number | bigint, table = 1): Entry {
  return { table, key: Uint8Array.from(key), seq: BigInt(seq), kind: 'del', row: undefined };
}
export function sorted(entries: Entry[]): Entry[] {
  return [...entries].sort(compareEntries);
}
/** Structural form for toEqual: Uint8Array subclasses (Buffer) and views normalised. */
export function plain(e: Entry | undefined): unknown {
  if (e === undefined) return undefined;
  return {
    table: e.table,
    key: Array.from(e.key),
    seq: e.seq,
    kind: e.kind,
    row: e.row?.map((c) => (c instanceof Uint8Array ? { bytes: Array.from(c) } : Object.is(c, -0) ? '-0' : c)),
  };
}
