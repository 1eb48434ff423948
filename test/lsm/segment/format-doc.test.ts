// Keeps the hex example in lsm/segment/FORMAT.md true: the dump between the markers must be
// exactly what the encoder produces today. Run with PYRALOG_WRITE_DOCS=1 to rewrite it.
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeSegment, SegmentReader } from '../../../lsm/segment/index.js';

const DOC = join(__dirname, '../../../lsm/segment/FORMAT.md');

export function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    lines.push(`${i.toString(16).padStart(4, '0')}  ${Buffer.from(b.subarray(i, i + 16)).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`);
  }
  return lines.join('\n');
}

describe('segment FORMAT.md example', () => {
  it('matches the encoder byte for byte', () => {
    const { bytes } = encodeSegment(1, [
      { table: 1, key: Uint8Array.of(0x61), seq: 2n, kind: 'put', row: ['hi', 7n] },
      { table: 1, key: Uint8Array.of(0x62), seq: 3n, kind: 'del', row: undefined },
    ]);
    const block = `<!-- hex-example:begin -->\n\`\`\`\n${hexDump(bytes)}\n\`\`\`\n<!-- hex-example:end -->`;
    const doc = readFileSync(DOC, 'utf8');
    const re = /<!-- hex-example:begin -->[\s\S]*<!-- hex-example:end -->/;
    if (process.env.PYRALOG_WRITE_DOCS === '1') writeFileSync(DOC, doc.replace(re, block));
    expect(readFileSync(DOC, 'utf8').match(re)![0]).toBe(block);
    expect(bytes.length).toBe(1252);
    const r = SegmentReader.open(bytes, 'example.seg');
    expect(r.get(Uint8Array.of(0x61), 2n)!.row).toEqual(['hi', 7n]);
    expect(r.get(Uint8Array.of(0x61), 1n)).toBeUndefined();
    expect(r.get(Uint8Array.of(0x62), 9n)!.kind).toBe('del');
  });
});
