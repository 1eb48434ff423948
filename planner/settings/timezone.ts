// Time zone names accepted by SET TIME ZONE / TimeZone. Names are checked against the IANA
// database that Node's Intl carries (the same database PostgreSQL ships), case-insensitively as
// PostgreSQL does; fixed offsets (SET TIME ZONE -7, INTERVAL '+02:00') become PostgreSQL's
// POSIX-style "<+02>-02" spelling.

import { resolveZone } from '../../catalog/index.js';

/** Canonical spelling of a zone name as SHOW TimeZone prints it, or undefined if unknown. */
export function normalizeTimeZone(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  // catalog decides what a zone is (the codecs must understand every accepted name).
  const zone = resolveZone(v);
  if (zone === undefined) return undefined;
  if (zone.kind === 'iana') return zone.name;
  if (v.startsWith('<') || /\d/.test(v)) return v;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: v }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  if (resolved.toLowerCase() === v.toLowerCase()) return resolved;
  // Intl canonicalises aliases (GMT → UTC, EST → America/Panama); PostgreSQL keeps the name
  // the user chose, spelled as in the tz database (abbreviation-like names upper-case).
  if (/^[a-z]+\d*[a-z]*$/i.test(v) && v.length <= 8) return v.toUpperCase();
  return v.split('/').map((seg) => seg.charAt(0).toUpperCase() + seg.slice(1)).join('/');
}

/** "<+05:30>-05:30" for an offset east of UTC in seconds (PostgreSQL's numeric time zones). */
export function fixedOffsetZoneName(offsetEastSec: number): string {
  const fmt = (sec: number): string => {
    const sign = sec < 0 ? '-' : '+';
    const a = Math.abs(sec);
    const h = Math.floor(a / 3600);
    const m = Math.floor((a % 3600) / 60);
    const s = a % 60;
    let out = `${sign}${String(h).padStart(2, '0')}`;
    if (m !== 0 || s !== 0) out += `:${String(m).padStart(2, '0')}`;
    if (s !== 0) out += `:${String(s).padStart(2, '0')}`;
    return out;
  };
  return `<${fmt(offsetEastSec)}>${fmt(-offsetEastSec)}`;
}
