// tzfile.ts: TZif parsing and POSIX footer rules. The footer rule is checked against the
// file's own explicit transitions (zic writes them up to 2037), so both paths must agree.
import { describe, it, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTzFile, parsePosixTz, parseTzif, tzTypeAt } from '../../../catalog/types/tzfile.js';

const HAVE = existsSync('/usr/share/zoneinfo/America/New_York');

describe.skipIf(!HAVE)('TZif files', () => {
  it('POSIX footer rules agree with the explicit transitions of 2025..2037 (current rules)', () => {
    for (const name of ['America/New_York', 'Europe/Paris', 'Australia/Sydney', 'Europe/Dublin', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham']) {
      const tz = loadTzFile(name)!;
      expect(tz, name).toBeDefined();
      const rule = tz.rule!;
      expect(rule, name).toBeDefined();
      const onlyRule = { times: [], typeIdx: [], types: [rule.std], rule };
      for (let sec = 1_735_689_600; sec < 2_114_380_800; sec += 3 * 86400 + 3607) {
        const a = tzTypeAt(tz, sec);
        const b = tzTypeAt(onlyRule, sec);
        expect([b.offsetSec, b.abbrev], `${name} ${new Date(sec * 1000).toISOString()}`).toEqual([a.offsetSec, a.abbrev]);
      }
    }
  });
  it('rejects what is not a zone file: missing, bad names, bad magic, truncation', () => {
    expect(loadTzFile('No/Such_Zone')).toBeUndefined();
    expect(loadTzFile('../etc/passwd')).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'tzf-'));
    writeFileSync(join(dir, 'Bad'), Buffer.from('TZjf2 not a zone file at all, really not'));
    expect(loadTzFile('Bad', dir)).toBeUndefined();
    const real = readFileSync('/usr/share/zoneinfo/America/New_York');
    writeFileSync(join(dir, 'Short'), real.subarray(0, 200));
    expect(loadTzFile('Short', dir)).toBeUndefined();
    writeFileSync(join(dir, 'Copy'), real);
    expect(tzTypeAt(loadTzFile('Copy', dir)!, 0).abbrev).toBe('EST');
    expect(() => parseTzif(Buffer.alloc(10))).toThrow();
  });
});

describe('POSIX TZ strings', () => {
  it('fixed and DST rules, west-positive offsets', () => {
    expect(parsePosixTz('<+0530>-5:30')!.std).toEqual({ offsetSec: 19800, isDst: false, abbrev: '+0530' });
    const r = parsePosixTz('EST5EDT,M3.2.0,M11.1.0')!;
    const at = (iso: string) => tzTypeAt({ times: [], typeIdx: [], types: [r.std], rule: r }, Date.parse(iso) / 1000);
    expect(at('2024-03-10T06:59:59Z').abbrev).toBe('EST');
    expect(at('2024-03-10T07:00:00Z').abbrev).toBe('EDT');
    expect(at('2024-11-03T05:59:59Z').abbrev).toBe('EDT');
    expect(at('2024-11-03T06:00:00Z').offsetSec).toBe(-18000);
    expect(() => parsePosixTz('5')).toThrow();
  });
});
