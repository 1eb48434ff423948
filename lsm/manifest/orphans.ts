// Orphan detection: files in a database directory that no live state references, left by an
// interrupted flush, compaction or manifest roll. Only names this folder owns are judged
// (segments, manifests, temp files); WAL files belong to lsm/wal and lsm/db.ts.
import { CURRENT_TMP, parseFileName } from './names.js';

export type OrphanReason = 'segment-not-in-version' | 'stale-manifest' | 'temp-file';

export interface Orphan {
  name: string;
  reason: OrphanReason;
}

export function findOrphans(names: readonly string[], liveFileNumbers: ReadonlySet<number>, currentManifestNumber: number): Orphan[] {
  const out: Orphan[] = [];
  for (const name of names) {
    const p = parseFileName(name);
    switch (p.kind) {
      case 'segment':
        if (!liveFileNumbers.has(p.fileNumber)) out.push({ name, reason: 'segment-not-in-version' });
        break;
      case 'manifest':
        if (p.fileNumber !== currentManifestNumber) out.push({ name, reason: 'stale-manifest' });
        break;
      case 'temp':
        if (name === CURRENT_TMP || name.startsWith('seg-')) out.push({ name, reason: 'temp-file' });
        break;
      case 'current':
      case 'other':
        break;
      default: {
        const never: never = p;
        throw new Error(`unknown file kind ${String(never)}`);
      }
    }
  }
  return out;
}
