// Allowed data roots and the one path check every external location and COPY target passes.
// Invariant: a path is accepted only if its realpath (symlinks and `..` resolved) lies inside
// the realpath of a configured root; anything else is 42501. Object-store URLs are refused up
// front (0A000): DuckDB's httpfs extension is not available (offline), and a clear error beats a
// hang trying to download it.
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve, sep, dirname, basename } from 'node:path';
import { ExternalError } from './errors.js';

export class AllowedRoots {
  /** Realpaths of the roots, each ending without a trailing separator. */
  readonly paths: readonly string[];

  constructor(roots: readonly string[]) {
    if (roots.length === 0) throw new Error('assertion: at least one external data root is required');
    this.paths = roots.map((r) => {
      const abs = resolve(r);
      try {
        return realpathSync(abs);
      } catch {
        throw new ExternalError('58P01', `external data root "${abs}" does not exist`);
      }
    });
  }

  /** True if `real` (already a realpath) is a root or lies under one. */
  contains(real: string): boolean {
    return this.paths.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** The absolute form of a user location: relative locations are taken from the first root. */
  absolute(location: string): string {
    refuseUrl(location);
    if (location.includes('\0')) throw new ExternalError('42501', 'external location contains a NUL byte');
    return isAbsolute(location) ? resolve(location) : resolve(this.paths[0]!, location);
  }

  /**
   * Resolves an existing path to its realpath and checks it against the roots. Missing paths are
   * 58P01 (PostgreSQL's wording for a missing file); escapes are 42501.
   */
  checkExisting(location: string): string {
    const abs = this.absolute(location);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      // Check the lexical path first: a missing file outside the roots is still a privilege error,
      // so probing for file existence outside the roots is not possible.
      if (!this.lexicallyInside(abs)) throw outside(location);
      throw new ExternalError('58P01', `could not open file "${abs}": No such file or directory`, { path: abs });
    }
    if (!this.contains(real)) throw outside(location);
    return real;
  }

  /**
   * A path that is about to be written (COPY TO target): its parent directory must exist inside
   * a root (after realpath); the file itself may not exist yet. Returns the absolute target with
   * the realpath'd directory.
   */
  checkWritable(location: string): string {
    const abs = this.absolute(location);
    const dir = dirname(abs);
    let realDir: string;
    try {
      realDir = realpathSync(dir);
    } catch {
      if (!this.lexicallyInside(abs)) throw outside(location);
      throw new ExternalError('58P01', `could not open file "${abs}" for writing: No such file or directory`, { path: abs });
    }
    if (!this.contains(realDir)) throw outside(location);
    const target = resolve(realDir, basename(abs));
    // An existing symlink at the target would redirect the rename's victim; refuse it.
    try {
      const real = realpathSync(target);
      if (!this.contains(real)) throw outside(location);
      if (statSync(real).isDirectory()) {
        throw new ExternalError('58030', `could not open file "${target}" for writing: Is a directory`, { path: target });
      }
    } catch (e) {
      if (e instanceof ExternalError) throw e;
    }
    return target;
  }

  private lexicallyInside(abs: string): boolean {
    return this.paths.some((r) => abs === r || abs.startsWith(r + sep));
  }
}

function outside(location: string): ExternalError {
  return new ExternalError('42501', `external location "${location}" is outside the allowed data roots`, {
    hint: 'External files must lie under a configured external data root (symlinks and ".." are resolved first).',
  });
}

/** `s3://…`, `https://…`, `gs://…` and friends: refused with a clear reason. */
export function refuseUrl(location: string): void {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(location);
  if (!m) return;
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'file') {
    throw new ExternalError('0A000', 'file:// URLs are not supported for external locations; give a path');
  }
  throw new ExternalError('0A000', `"${scheme}://" locations are not supported: object storage needs DuckDB's httpfs extension, which is not available offline`, {
    detail: "Object storage and HTTP locations need DuckDB's httpfs extension, which is not available on this server (offline).",
    hint: 'Copy the files under an external data root and use a local path.',
  });
}
