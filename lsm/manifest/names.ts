// File names the manifest owns or recognises in a database directory (see lsm/FILES.md).
// Segment and manifest files draw their numbers from the one nextFileNumber counter that the
// manifest persists, so a number never names two files over the database's life.
export const CURRENT = 'CURRENT';
export const CURRENT_TMP = 'CURRENT.tmp';

export function segmentFileName(fileNumber: number): string {
  return `seg-${String(fileNumber).padStart(6, '0')}.seg`;
}

export function manifestFileName(fileNumber: number): string {
  return `MANIFEST-${String(fileNumber).padStart(6, '0')}`;
}

export type ParsedName =
  | { kind: 'segment'; fileNumber: number }
  | { kind: 'manifest'; fileNumber: number }
  | { kind: 'current' }
  | { kind: 'temp' }
  | { kind: 'other' };

export function parseFileName(name: string): ParsedName {
  let m = /^seg-(\d{6,})\.seg$/.exec(name);
  if (m) return { kind: 'segment', fileNumber: Number(m[1]) };
  m = /^MANIFEST-(\d{6,})$/.exec(name);
  if (m) return { kind: 'manifest', fileNumber: Number(m[1]) };
  if (name === CURRENT) return { kind: 'current' };
  if (name.endsWith('.tmp')) return { kind: 'temp' };
  return { kind: 'other' };
}
