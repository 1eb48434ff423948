// Write backpressure (LevelDB's MakeRoomForWrite): before a commit takes its sequence number it
// asks admit(), which
//  - stops it (waits for a flush or compaction to finish) while `immutableMemtablesMax` sealed
//    memtables wait for their flush, or while level 0 holds `l0StopTrigger` files;
//  - slows it down once by `slowdownMs` while level 0 holds `l0SlowdownTrigger` files, or while
//    the active memtable is 3/4 full and the next seal would reach the stop: writers lose a
//    little throughput early instead of all of it later, when flushes or compactions fall
//    behind (after a bulk load, say).
// The level-0 triggers apply only when compaction runs automatically (otherwise nothing would
// ever bring level 0 down).

export interface BackpressureSettings {
  /** Level-0 files at which each commit is delayed once. Default 8 (LevelDB's). */
  l0SlowdownTrigger: number;
  /** Level-0 files at which commits wait for a compaction. Default 12 (LevelDB's). */
  l0StopTrigger: number;
  /** One commit's delay while slowed down. Default 1 ms (LevelDB's). */
  slowdownMs: number;
}

export const BACKPRESSURE_DEFAULTS: BackpressureSettings = { l0SlowdownTrigger: 8, l0StopTrigger: 12, slowdownMs: 1 };

/** What admit() reads from the database, sampled afresh on every check. */
export interface WriteState {
  immutableMemtables: number;
  immutableMemtablesMax: number;
  memtableBytes: number;
  memtableBytesMax: number;
  l0Files: number;
  /** Compaction runs by itself (level-0 triggers apply). */
  autoCompaction: boolean;
}

export type Admission = 'go' | 'slow' | 'stop';

export function admission(s: WriteState, b: BackpressureSettings): Admission {
  if (s.immutableMemtables >= s.immutableMemtablesMax) return 'stop';
  if (s.autoCompaction && s.l0Files >= b.l0StopTrigger) return 'stop';
  if (s.autoCompaction && s.l0Files >= b.l0SlowdownTrigger) return 'slow';
  if (s.immutableMemtables >= s.immutableMemtablesMax - 1 && s.immutableMemtables > 0 && s.memtableBytes * 4 >= s.memtableBytesMax * 3) return 'slow';
  return 'go';
}

export class WriteCounters {
  /** Commits that waited for a flush or compaction (stop). */
  stalls = 0;
  stallMs = 0;
  /** Commits delayed once (slowdown). */
  slowdowns = 0;
}

/**
 * Waits until a commit may go. `wait` resolves at the next flush/compaction step (or failure);
 * `check` throws when the database cannot take writes any more.
 */
export async function admit(
  state: () => WriteState,
  b: BackpressureSettings,
  counters: WriteCounters,
  wait: () => Promise<void>,
  check: () => void,
  nowMs: () => number,
): Promise<void> {
  let slowed = false;
  for (;;) {
    check();
    const a = admission(state(), b);
    switch (a) {
      case 'go':
        return;
      case 'slow':
        if (slowed) return;
        slowed = true;
        counters.slowdowns++;
        await new Promise((r) => setTimeout(r, b.slowdownMs));
        break;
      case 'stop': {
        counters.stalls++;
        const t0 = nowMs();
        await wait();
        counters.stallMs += nowMs() - t0;
        break;
      }
      default: {
        const never: never = a;
        throw new Error(`unknown admission ${String(never)}`);
      }
    }
  }
}
