// One session's configuration values with PostgreSQL's transactional rules:
// - SET changes the session value; it is undone if the enclosing transaction (or the savepoint
//   it was set after) rolls back.
// - SET LOCAL changes the value until the end of the current transaction only.
// - RESET returns to the value the session started with (startup packet), else the default.
// The transaction machinery calls begin/commit/rollback/savepoint/rollbackTo; this class keeps
// only values, never transaction state of its own beyond the snapshots it was handed.
//
// Invariant: a stored value is always the normalised text SHOW prints.

import { DbError } from '../../catalog/index.js';
import { findSetting, normalizeDateStyle, SETTING_DEFS, type SettingDef } from './defs.js';

/** Everything needed to restore the values at a transaction or savepoint boundary. */
export interface SettingsSnapshot {
  readonly session: ReadonlyMap<string, string>;
  readonly local: ReadonlyMap<string, string>;
}

/** Custom ("placeholder") parameters must be qualified: `myapp.mode`. */
function isCustomName(name: string): boolean {
  return /^[a-z_][a-z0-9_$]*(\.[a-z_][a-z0-9_$]*)+$/i.test(name);
}

/** Number of custom parameters a session may create (each is a small string; bounded anyway). */
const CUSTOM_SETTINGS_MAX = 1000;

export class SessionSettings {
  /** Session-level values by lower-case name (absent = startup value or default). */
  private session = new Map<string, string>();
  /** SET LOCAL values, cleared at transaction end. */
  private local = new Map<string, string>();
  /** Values from the startup packet: RESET returns here. */
  private readonly startup = new Map<string, string>();
  /** Values at the start of the current transaction, taken lazily at the first change. */
  private txSnapshot: SettingsSnapshot | undefined;
  private inTx = false;
  /** Bumped on every change so callers can cache derived objects (formatSettings). */
  version = 0;

  constructor(private readonly fixedDefaults: ReadonlyMap<string, string>) {}

  /** Applies a startup-packet parameter (PostgreSQL: PGC_BACKEND/PGC_USER GUCs from the client). */
  applyStartup(name: string, value: string): void {
    const key = name.toLowerCase();
    const def = findSetting(key);
    if (def === undefined && !isCustomName(key)) {
      throw new DbError('42704', `unrecognized configuration parameter "${name}"`);
    }
    const v = def ? this.normalize(def, value) : value;
    this.startup.set(key, v);
    this.version++;
  }

  /** Current value as SHOW prints it, or undefined when the parameter does not exist. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    const v = this.local.get(key) ?? this.session.get(key) ?? this.startup.get(key);
    if (v !== undefined) return v;
    const fixed = this.fixedDefaults.get(key);
    if (fixed !== undefined) return fixed;
    return findSetting(key)?.defaultValue;
  }

  /** The canonical name of a known or already-created custom parameter. */
  canonicalName(name: string): string | undefined {
    const def = findSetting(name);
    if (def) return def.name;
    const key = name.toLowerCase();
    return this.get(key) !== undefined ? key : undefined;
  }

  /** SET [LOCAL] name = value. `value` undefined means DEFAULT. */
  set(name: string, value: string | undefined, isLocal: boolean): void {
    const key = name.toLowerCase();
    const def = findSetting(key);
    if (def === undefined) {
      if (!isCustomName(key)) throw new DbError('42704', `unrecognized configuration parameter "${name}"`);
      if (this.countCustom() >= CUSTOM_SETTINGS_MAX && this.get(key) === undefined) {
        throw new DbError('54000', `too many custom configuration parameters (limit ${CUSTOM_SETTINGS_MAX})`);
      }
    }
    let v: string | undefined;
    if (value === undefined) {
      if (def?.context === 'readonly') throw new DbError('55P02', `parameter "${def.name}" cannot be changed`);
      v = this.startup.get(key) ?? this.fixedDefaults.get(key) ?? def?.defaultValue ?? '';
    } else {
      v = def ? this.normalize(def, value) : value;
    }
    this.snapshotBeforeChange();
    if (isLocal) {
      this.local.set(key, v);
    } else {
      this.session.set(key, v);
      this.local.delete(key);
    }
    this.version++;
  }

  /** RESET name. */
  reset(name: string): void {
    this.set(name, undefined, false);
  }

  /** RESET ALL: every user-settable parameter back to its startup value or default. */
  resetAll(): void {
    this.snapshotBeforeChange();
    for (const key of [...this.session.keys(), ...this.local.keys()]) {
      const def = findSetting(key);
      if (def?.context === 'readonly') continue;
      this.session.delete(key);
      this.local.delete(key);
    }
    this.version++;
  }

  /** Names of every parameter SHOW ALL lists (known ones plus custom ones in use). */
  allNames(): string[] {
    const names = SETTING_DEFS.map((d) => d.name);
    for (const k of new Set([...this.session.keys(), ...this.local.keys(), ...this.startup.keys()])) {
      if (!findSetting(k)) names.push(k);
    }
    return names.sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
  }

  // --- transaction hooks -------------------------------------------------------------------

  beginTx(): void {
    this.inTx = true;
    this.txSnapshot = undefined;
  }

  commitTx(): void {
    if (this.local.size > 0) {
      this.local.clear();
      this.version++;
    }
    this.inTx = false;
    this.txSnapshot = undefined;
  }

  rollbackTx(): void {
    if (this.txSnapshot) {
      this.restore(this.txSnapshot);
    } else if (this.local.size > 0) {
      this.local.clear();
      this.version++;
    }
    this.inTx = false;
    this.txSnapshot = undefined;
  }

  snapshot(): SettingsSnapshot {
    return { session: new Map(this.session), local: new Map(this.local) };
  }

  restore(s: SettingsSnapshot): void {
    this.session = new Map(s.session);
    this.local = new Map(s.local);
    this.version++;
  }

  private snapshotBeforeChange(): void {
    if (this.inTx && this.txSnapshot === undefined) this.txSnapshot = this.snapshot();
  }

  private normalize(def: SettingDef, value: string): string {
    // DateStyle is relative: "SET DateStyle = DMY" keeps the current output style.
    if (def.name === 'DateStyle') return normalizeDateStyle(value, this.get('datestyle') ?? def.defaultValue);
    return def.normalize(value);
  }

  private countCustom(): number {
    let n = 0;
    for (const k of new Set([...this.session.keys(), ...this.local.keys()])) if (!findSetting(k)) n++;
    return n;
  }
}
