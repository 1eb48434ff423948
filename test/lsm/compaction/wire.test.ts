import { describe, it, expect } from 'vitest';
import { packEntries, packedTransferables, unpackEntries } from '../../../lsm/compaction/wire.js';
import type { Entry } from '../../../lsm/types.js';

describe('packed entries (worker wire format)', () => {
  it('round-trips every cell kind, tombstones, -0, NaN, huge bigints and views', () => {
    const big = new Uint8Array(100).map((_, i) => i);
    const entries: Entry[] = [
      { table: 3, key: big.subarray(10, 13), seq: 5n, kind: 'put', row: [null, true, false, -0, NaN, 1.5, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 80n, -(2n ** 70n), '', 'héllo 😀', big.subarray(0, 0), big.subarray(1, 50)] },
      { table: 3, key: Uint8Array.of(), seq: (1n << 63n) - 1n, kind: 'del', row: undefined },
      { table: 3, key: Uint8Array.of(1), seq: 0n, kind: 'put', row: [] },
      { table: 3, key: Uint8Array.of(2), seq: 1n, kind: 'put', row: ['x'.repeat(100_000)] },
    ];
    const p = packEntries(3, entries);
    const back = unpackEntries(structuredClone(p, { transfer: packedTransferables(p) }));
    const norm = (es: Entry[]) => es.map((e) => ({ ...e, key: Array.from(e.key), row: e.row?.map((c) => (c instanceof Uint8Array ? Array.from(c) : Object.is(c, -0) ? '-0' : c)) }));
    expect(norm(back)).toEqual(norm(entries));
  });

  it('refuses an entry of another table', () => {
    expect(() => packEntries(1, [{ table: 2, key: Uint8Array.of(1), seq: 1n, kind: 'del', row: undefined }])).toThrow(/table/);
  });
});
