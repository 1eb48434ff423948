// Keeps the hex example in lsm/manifest/FORMAT.md true (PYRALOG_WRITE_DOCS=1 rewrites it).
import { describe, it, expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemIo } from '../../../lsm/io/index.js';
import { Manifest, scanManifest } from '../../../lsm/manifest/index.js';

const DOC = join(__dirname, '../../../lsm/manifest/FORMAT.md');

function hexDump(b: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < b.length; i += 16) {
    lines.push(`${i.toString(16).padStart(4, '0')}  ${Buffer.from(b.subarray(i, i + 16)).toString('hex').replace(/(..)(?!$)/g, '$1 ')}`);
  }
  return lines.join('\n');
}

describe('manifest FORMAT.md example', () => {
  it('matches the encoder byte for byte', async () => {
    const io = new MemIo(1);
    await io.mkdirp('/db');
    const { manifest } = await Manifest.open(io, '/db');
    const n = manifest.newFileNumber();
    await manifest.logAndApply({
      added: [{ level: 0, fileNumber: n, table: 1, sizeBytes: 1252, smallestKey: Uint8Array.of(0x61), largestKey: Uint8Array.of(0x62), smallestSeq: 2n, largestSeq: 3n, rowCount: 2 }],
      logNumber: 3,
      lastSeq: 3n,
    });
    const bytes = await io.readFile('/db/MANIFEST-000001');
    const current = new TextDecoder().decode(await io.readFile('/db/CURRENT'));
    expect(current).toBe('MANIFEST-000001\n');
    const block = `<!-- hex-example:begin -->\n\`\`\`\n${hexDump(bytes)}\n\`\`\`\n<!-- hex-example:end -->`;
    const doc = readFileSync(DOC, 'utf8');
    const re = /<!-- hex-example:begin -->[\s\S]*<!-- hex-example:end -->/;
    if (process.env.PYRALOG_WRITE_DOCS === '1') writeFileSync(DOC, doc.replace(re, block));
    expect(readFileSync(DOC, 'utf8').match(re)![0]).toBe(block);
    const scan = scanManifest('MANIFEST-000001', bytes);
    expect(scan.edits).toHaveLength(2);
    expect(scan.edits[1]!.added![0]!.fileNumber).toBe(2);
  });
});
