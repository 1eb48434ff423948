// Keeps lsm/wal/FORMAT.md's hex example true.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeRecord, makePackr } from '../../../lsm/wal/index.js';
import { encodeKey } from '../../../lsm/keys/index.js';

describe('lsm/wal/FORMAT.md example', () => {
  it('is what the encoder writes', () => {
    const doc = readFileSync(resolve(__dirname, '../../../lsm/wal/FORMAT.md'), 'utf8');
    const rec = encodeRecord(makePackr(), 7n, [
      { table: 1, key: encodeKey([{ type: 'int4' }], [1]), seq: 7n, kind: 'put', row: [1, 'a', null] },
      { table: 2, key: Uint8Array.from([1]), seq: 7n, kind: 'del', row: undefined },
    ]);
    const hex = Buffer.from(rec).toString('hex').replace(/(..)(?!$)/g, '$1 ');
    expect(doc).toContain('```\n' + hex + '\n```');
  });
});
