// Seeded simulation: random edits (with frequent manifest rolls), the plug pulled at a random
// I/O operation, crash (unsynced bytes torn at random), reopen. The recovered state must be the
// acknowledged edits, plus at most the one that was in flight — never a hole, never a mix.
import { describe, it, expect } from 'vitest';
import { MemIo, Prng } from '../../../lsm/io/index.js';
import { Manifest, type SegmentFile, type VersionEdit } from '../../../lsm/manifest/index.js';

const SEEDS = Number(process.env.PYRALOG_SEEDS ?? 40);
const BASE = Number(process.env.PYRALOG_SEED ?? 1);
const DIR = '/db';

type Model = Map<number, number>; // fileNumber → level
const key = (m: Model): string => [...m].sort((a, b) => a[0] - b[0]).map(([f, l]) => `${f}@${l}`).join(',');
const stateOf = (files: SegmentFile[]): string => key(new Map(files.map((f) => [f.fileNumber, f.level])));

function apply(m: Model, e: VersionEdit): Model {
  const n = new Map(m);
  for (const r of e.removed ?? []) n.delete(r.fileNumber);
  for (const a of e.added ?? []) n.set(a.fileNumber, a.level);
  return n;
}

describe('manifest crash simulation', () => {
  it(`recovers exactly the acknowledged edits (${SEEDS} seeds)`, async () => {
    const seen = { interrupted: 0, inFlightKept: 0, inFlightLost: 0, manifests: new Set<string>() };
    for (let s = BASE; s < BASE + SEEDS; s++) {
      try {
        const prng = new Prng(s);
        let io = new MemIo(s);
        await io.mkdirp(DIR);
        const bytesMax = 200 + prng.int(2000);
        let { manifest } = await Manifest.open(io, DIR, { manifestBytesMax: bytesMax });
        let acked: Model = new Map();
        for (let round = 0; round < 4; round++) {
          io.haltAfterOps(prng.int(60));
          let inFlight: Model | undefined;
          try {
            for (let i = 0; i < 30; i++) {
              // L0 only: files may overlap there, so any add/remove mix is a valid edit.
              const live = [...acked.keys()];
              const removed = live.filter(() => prng.int(3) === 0).map((f) => ({ level: 0, fileNumber: f }));
              const added: SegmentFile[] = [];
              for (let k = prng.int(3); k > 0; k--) {
                const n = manifest.newFileNumber();
                added.push({ level: 0, fileNumber: n, table: prng.int(3), sizeBytes: prng.int(1e6), smallestKey: Uint8Array.of(prng.int(9)), largestKey: Uint8Array.of(9 + prng.int(9)), smallestSeq: 1n, largestSeq: BigInt(n), rowCount: 1 });
              }
              const edit = { added, removed, lastSeq: BigInt(i + round * 100) };
              inFlight = apply(acked, edit);
              await manifest.logAndApply(edit);
              acked = inFlight;
              inFlight = undefined;
            }
          } catch {
            // the plug was pulled
          }
          io = io.crash();
          const r = await Manifest.open(io, DIR, { manifestBytesMax: bytesMax });
          const got = stateOf(r.version.allFiles());
          const ok = got === key(acked) || (inFlight !== undefined && got === key(inFlight));
          expect(ok, `got ${got}\nacked ${key(acked)}\ninflight ${inFlight && key(inFlight)}`).toBe(true);
          if (inFlight !== undefined) {
            seen.interrupted++;
            if (got === key(inFlight) && got !== key(acked)) seen.inFlightKept++;
            else seen.inFlightLost++;
          }
          seen.manifests.add(`${s}:${r.manifest.currentManifestFileName}`);
          if (inFlight !== undefined && got === key(inFlight)) acked = inFlight;
          manifest = r.manifest;
          for (const f of r.version.allFiles()) expect(f.fileNumber).toBeLessThan(r.nextFileNumber);
          const orphans = await manifest.findOrphans();
          expect(orphans.every((o) => o.reason !== 'segment-not-in-version')).toBe(true);
        }
      } catch (e) {
        throw new Error(`seed ${s} failed (replay: PYRALOG_SEED=${s} PYRALOG_SEEDS=1): ${(e as Error).message}`);
      }
    }
    console.log(`interrupted edits ${seen.interrupted} (kept ${seen.inFlightKept}, lost ${seen.inFlightLost}); distinct manifests ${seen.manifests.size}`);
    // The simulation must actually exercise both outcomes and manifest rolls.
    expect(seen.inFlightKept).toBeGreaterThan(0);
    expect(seen.inFlightLost).toBeGreaterThan(0);
    expect(seen.manifests.size).toBeGreaterThan(SEEDS);
  });
});
