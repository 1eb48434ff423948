// File numbers for WAL files and segments come from the manifest's one counter. This wrapper
// adds a floor that never moves back, so a number is never handed out twice even if the
// manifest's in-memory counter were reset by an edit computed before the number was taken (a
// bug lsm-storage has fixed; this stays as defence in depth). Skipped numbers are harmless.
import type { Manifest } from '../manifest/index.js';

export class FileNumbers {
  private floor = 0;
  constructor(private readonly manifest: Manifest) {}

  next(): number {
    let n = this.manifest.newFileNumber();
    if (n < this.floor) {
      this.manifest.markFileNumberUsed(this.floor);
      n = this.floor;
    }
    this.floor = n + 1;
    return n;
  }

  /** The manifest as seen by code that allocates numbers itself (compaction). */
  guarded(): Manifest {
    const self = this;
    return new Proxy(this.manifest, {
      get(target, prop) {
        if (prop === 'newFileNumber') return () => self.next();
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}
