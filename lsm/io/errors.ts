// Maps a filesystem error to the LsmError the SQL layer sees: ENOSPC → 53100 disk_full,
// anything else from the OS → 58030 io_error. Messages follow PostgreSQL's wording style
// ("could not write to file ...: No space left on device").
import { LsmError } from '../types.js';

export function errnoToLsmError(e: unknown, what: string): LsmError {
  if (e instanceof LsmError) return e;
  const code = (e as { code?: string } | undefined)?.code;
  const msg = e instanceof Error ? e.message : String(e);
  if (code === 'ENOSPC') return new LsmError('53100', `could not ${what}: No space left on device`, { cause: e });
  return new LsmError('58030', `could not ${what}: ${msg}`, { cause: e });
}
