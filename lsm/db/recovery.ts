// Recovery at open, after the manifest is loaded (see ../FILES.md):
//  1. WAL files numbered below the manifest's logNumber are fully in segments: delete them.
//  2. Replay every remaining WAL file in number order into the memtable. A torn tail (crash in
//     the middle of a write) is cut off — legal only in the newest file with records, because
//     the writer syncs a log before it writes to the next; elsewhere it is corruption (XX001).
//     A zero tail (the unwritten rest of a preallocated log) is the log's end, never cut.
//  3. Delete orphans: segment files no version lists (an interrupted flush or compaction),
//     stale manifests, temp files.
import type { Packr } from 'msgpackr';
import type { Manifest } from '../manifest/index.js';
import type { Memtable } from '../memtable/index.js';
import { LsmError } from '../types.js';
import type { Entry, Io, Seq } from '../types.js';
import { parseWalFileName, scanWal, walFileName } from '../wal/index.js';

export interface RecoveryResult {
  lastSeq: Seq;
  replayedLogs: number[];
  replayedRecords: number;
  truncatedTail: boolean;
  removedFiles: string[];
}

export async function recover(io: Io, dir: string, manifest: Manifest, packr: Packr, mem: Memtable, recordBytesMax: number): Promise<RecoveryResult> {
  const res: RecoveryResult = { lastSeq: manifest.lastSeq, replayedLogs: [], replayedRecords: 0, truncatedTail: false, removedFiles: [] };
  const names = await io.list(dir);
  const logs: number[] = [];
  for (const name of names) {
    const n = parseWalFileName(name);
    if (n === undefined) continue;
    manifest.markFileNumberUsed(n);
    if (n < manifest.logNumber) {
      await io.remove(`${dir}/${name}`);
      res.removedFiles.push(name);
    } else logs.push(n);
  }
  logs.sort((a, b) => a - b);
  // A torn tail is legal in the last log that holds RECORDS: a rotation that created a newer log
  // but failed before its first record (or whose directory entry a later fsync of the directory
  // made durable) leaves newer logs without records behind — empty, or all zeros when
  // preallocated (a zero tail is the log's clean end, not damage: ../wal/FORMAT.md) — and the
  // writer syncs a log before it writes to the next one, so a newer log with records proves the
  // older one complete. So every log is scanned first, then tears are judged and cut.
  // Every replayed version is gathered first and loaded into the (empty) memtable with one
  // sort (Memtable.bulkLoad): inserting a million random keys one by one was most of the time.
  const replayed: Entry[] = [];
  const scans: Array<{ path: string; count: number; torn: boolean; validBytes: number }> = [];
  for (let i = 0; i < logs.length; i++) {
    const path = `${dir}/${walFileName(logs[i]!)}`;
    const bytes = await io.readFile(path);
    const scan = scanWal(packr, path, bytes, recordBytesMax, (rec) => {
      for (const e of rec.entries) replayed.push(e);
      if (rec.seq > res.lastSeq) res.lastSeq = rec.seq;
    });
    scans.push({ path, count: scan.count, torn: scan.torn, validBytes: scan.validBytes });
    res.replayedRecords += scan.count;
    res.replayedLogs.push(logs[i]!);
  }
  let lastWithRecords = -1;
  for (let i = 0; i < scans.length; i++) if (scans[i]!.count > 0) lastWithRecords = i;
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i]!;
    if (!s.torn) continue;
    if (i < lastWithRecords) {
      throw new LsmError('XX001', `WAL file "${s.path}" is corrupt at offset ${s.validBytes}: damaged tail, but newer WAL files hold records`);
    }
    await io.truncate(s.path, s.validBytes);
    res.truncatedTail = true;
  }
  mem.bulkLoad(replayed);
  for (const o of await manifest.findOrphans()) {
    await io.remove(`${dir}/${o.name}`);
    res.removedFiles.push(o.name);
  }
  if (res.removedFiles.length > 0) await io.syncDir(dir);
  return res;
}
