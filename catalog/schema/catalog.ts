// SchemaCatalog: the server's one view of schemas, tables and sequences, stored in the LSM's
// system tables (systables.ts). Reads and writes go through the caller's transaction (an lsm
// Txn), so a statement sees its own transaction's DDL and nobody else's uncommitted DDL.
// Server-wide counters (OIDs, hidden row ids, sequence values) live here, in memory, persisted
// ahead in chunks outside transactions (as PostgreSQL does; a crash skips at most one chunk).
//
// Invariants:
// - OIDs (= lsm storage ids of user tables) are never reused, so rows of a dropped or
//   truncated storage id can never become visible again, whatever happens to the drop.
// - Decoded descriptors are shared and must be treated as immutable (copy before changing).

import { LsmError, type KeyRow, type LockOptions, type LsmDb, type Row, type ScanOptions, type TableId, type WriteOp } from '../../lsm/index.js';
import { DbError } from '../errors.js';
import { CATALOG_FORMAT_VERSION, FIRST_USER_OID, OID_CHUNK, SEQ_LOG_VALS, SYS_META, SYS_NAMESPACE, SYS_RELATION, SYS_SEQUENCE,
  metaKey, namespaceKey, namespacePrefix, namespaceRow, relationKey, relationPrefix, relationRow, sequenceKey, sequenceRow } from './systables.js';
import type { TableDesc } from './desc.js';
import { informationSchemaView } from './information-schema.js';
import { pgCatalogView } from './pg-catalog.js';
import { decodeKey, prefixSuccessor } from '../../lsm/index.js';

/** What the catalog reads through: an lsm Txn (or anything with the same reads). */
export interface CatalogReader {
  get(table: TableId, key: Uint8Array): Row | undefined;
  scan(table: TableId, opts?: ScanOptions): Iterable<KeyRow>;
}

/** What DDL writes through: an lsm Txn. */
export interface CatalogWriter extends CatalogReader {
  put(table: TableId, key: Uint8Array, row: Row): void;
  delete(table: TableId, key: Uint8Array): void;
  lockRow(table: TableId, key: Uint8Array, opts?: LockOptions): Promise<void>;
  getLatestCommitted(table: TableId, key: Uint8Array): { row: Row } | undefined;
}

/** Schemas that always exist in every database. */
export const BUILTIN_SCHEMAS = ['pg_catalog', 'public', 'information_schema'] as const;

const DESC_CACHE_MAX = 4096;

interface SeqState {
  last: bigint;
  called: boolean;
  /** Highest value made durable ahead (a restart resumes after it). */
  logged: bigint;
}

export class SchemaCatalog {
  private nextOid = FIRST_USER_OID;
  private oidLimit = FIRST_USER_OID;
  private oidPersist: Promise<void> | undefined;
  private readonly descCache = new Map<string, TableDesc>();
  private readonly rowIds = new Map<number, bigint>();
  private readonly seqs = new Map<number, SeqState>();

  private constructor(readonly db: LsmDb) {}

  static open(db: LsmDb): SchemaCatalog {
    const c = new SchemaCatalog(db);
    const row = db.get(SYS_META, metaKey('next_oid'));
    if (row) {
      c.nextOid = Number(row[0] as bigint);
      c.oidLimit = c.nextOid;
    }
    // Ingested storage (COPY into a fresh table, ALTER … ADD PRIMARY KEY) that no committed
    // relation names: its transaction rolled back or crashed before COMMIT. Nobody can reach it
    // (storage ids are never reused), so it is dropped in the background.
    // OIDs taken synchronously (allocOidNow) may run past the persisted limit: the committed rows
    // that hold them raise the counter here, so none is handed out twice.
    const used = c.highestCommittedOid();
    if (used >= c.nextOid) c.nextOid = c.oidLimit = used + 1;
    const live = c.committedStorageIds();
    for (const id of db.ingestedOnlyTables()) if (id >= FIRST_USER_OID && !live.has(id)) void c.reclaimStorage(id).catch(() => undefined);
    return c;
  }

  /** Every storage id (tables, unique and secondary indexes) named by a committed relation of any database. */
  committedStorageIds(): Set<number> {
    const ids = new Set<number>();
    for (const kr of this.db.scan(SYS_RELATION, {})) {
      // Any field named storageId at any depth: a kind of storage added later is never missed.
      JSON.parse(kr.row[3] as string, (k, v: unknown) => {
        if (k === 'storageId' && typeof v === 'number') ids.add(v);
        return v;
      });
    }
    return ids;
  }

  /** The highest `oid` field of any committed relation row (at any depth: CHECK constraints' too). */
  private highestCommittedOid(): number {
    let max = 0;
    for (const kr of this.db.scan(SYS_RELATION, {})) {
      JSON.parse(kr.row[3] as string, (k, v: unknown) => {
        if (k === 'oid' && typeof v === 'number' && v > max) max = v;
        return v;
      });
    }
    return max;
  }

  // ---- OIDs -------------------------------------------------------------------------------

  /**
   * An OID now, for writers that cannot wait (putTable). Past the persisted limit it starts
   * persisting the next chunk and hands the OID out anyway: an OID matters only once a committed
   * row holds it, and open() raises the counter past every committed row's OIDs.
   */
  private allocOidNow(): number {
    if (this.nextOid >= this.oidLimit && !this.oidPersist) {
      const limit = this.nextOid + OID_CHUNK;
      this.oidPersist = this.db
        .write([{ table: SYS_META, key: metaKey('next_oid'), kind: 'put', row: [BigInt(limit)] }])
        .then(() => { this.oidLimit = Math.max(this.oidLimit, limit); })
        .catch(() => undefined)
        .finally(() => { this.oidPersist = undefined; });
    }
    return this.nextOid++;
  }

  async allocOid(): Promise<number> {
    while (this.nextOid >= this.oidLimit) {
      if (!this.oidPersist) {
        const limit = this.oidLimit + OID_CHUNK;
        this.oidPersist = this.db
          .write([{ table: SYS_META, key: metaKey('next_oid'), kind: 'put', row: [BigInt(limit)] }])
          .then(() => { this.oidLimit = limit; })
          .finally(() => { this.oidPersist = undefined; });
      }
      await this.oidPersist;
    }
    return this.nextOid++;
  }

  // ---- reads --------------------------------------------------------------------------------

  private decode(row: Row): TableDesc {
    if ((row[0] as number) > CATALOG_FORMAT_VERSION) {
      throw new DbError('XX001', `catalog row has format version ${String(row[0])}, newer than this server (${CATALOG_FORMAT_VERSION})`);
    }
    const json = row[3] as string;
    let d = this.descCache.get(json);
    if (!d) {
      d = JSON.parse(json) as TableDesc;
      if (this.descCache.size >= DESC_CACHE_MAX) this.descCache.delete(this.descCache.keys().next().value!);
      this.descCache.set(json, d);
    }
    return d;
  }

  table(r: CatalogReader, db: string, schema: string, name: string): TableDesc | undefined {
    const row = r.get(SYS_RELATION, relationKey(db, schema, name));
    return row ? this.decode(row) : undefined;
  }

  /** First match along the search path (`schema` given: only there). */
  resolve(r: CatalogReader, db: string, searchPath: readonly string[], name: string, schema?: string): TableDesc | undefined {
    if (schema !== undefined) {
      // `pg_temp` names the session's own temporary schema (the search path's pg_temp_N).
      if (schema === 'pg_temp') schema = searchPath.find((s) => s.startsWith('pg_temp_')) ?? schema;
      const t = this.table(r, db, schema, name);
      if (t && /^pg_temp_\d+$/.test(schema) && !searchPath.includes(schema)) throw new DbError('0A000', 'cannot access temporary tables of other sessions');
      return t ?? this.builtinView(r, db, schema, name);
    }
    // As PostgreSQL: pg_catalog is searched first when the search path does not name it.
    const implicit = searchPath.includes('pg_catalog') ? undefined : this.builtinView(r, db, 'pg_catalog', name);
    if (implicit) return implicit;
    for (const s of searchPath) {
      const t = this.table(r, db, s, name) ?? this.builtinView(r, db, s, name);
      if (t) return t;
    }
    return undefined;
  }

  /** information_schema's views (information-schema.ts), while that schema exists. */
  private builtinView(r: CatalogReader, db: string, schema: string, name: string): TableDesc | undefined {
    if (schema === 'pg_catalog') return pgCatalogView(db, name); // pg-catalog.ts
    return schema === 'information_schema' && this.schemaExists(r, db, schema) ? informationSchemaView(db, name) : undefined;
  }

  listTables(r: CatalogReader, db: string, schema?: string): TableDesc[] {
    const out: TableDesc[] = [];
    for (const kr of scanPrefix(r, SYS_RELATION, relationPrefix(db, schema))) out.push(this.decode(kr.row));
    return out;
  }

  schemaExists(r: CatalogReader, db: string, name: string): boolean {
    if ((BUILTIN_SCHEMAS as readonly string[]).includes(name)) return r.get(SYS_NAMESPACE, namespaceKey(db, '\u0000dropped:' + name)) === undefined;
    return r.get(SYS_NAMESPACE, namespaceKey(db, name)) !== undefined;
  }

  /** The schema's owner (information_schema.schemata): built-in public belongs to
   *  pg_database_owner in PostgreSQL 15, the other built-in schemas to the bootstrap user. */
  schemaOwner(r: CatalogReader, db: string, name: string): string {
    if ((BUILTIN_SCHEMAS as readonly string[]).includes(name)) return name === 'public' ? 'pg_database_owner' : 'postgres';
    return (r.get(SYS_NAMESPACE, namespaceKey(db, name))?.[2] as string | undefined) ?? 'postgres';
  }

  /** The schema's OID (PostgreSQL's fixed ones for the built-in schemas). */
  schemaOid(r: CatalogReader, db: string, name: string): number {
    const builtin: Record<string, number> = { pg_catalog: 11, public: 2200, information_schema: 13000 };
    return builtin[name] ?? ((r.get(SYS_NAMESPACE, namespaceKey(db, name))?.[1] as number | undefined) ?? 0);
  }

  listSchemas(r: CatalogReader, db: string): string[] {
    const out: string[] = BUILTIN_SCHEMAS.filter((s) => this.schemaExists(r, db, s));
    for (const kr of scanPrefix(r, SYS_NAMESPACE, namespacePrefix(db))) {
      const name = kr.row[3] as string | undefined;
      if (name !== undefined) out.push(name);
    }
    return out;
  }

  // ---- DDL writes (transactional) -------------------------------------------------------------

  /**
   * Locks the relation name for this transaction (concurrent CREATE/DROP/ALTER of the same name
   * wait), then tells whether a relation of that name exists in the latest committed state or
   * in this transaction's own writes. `wait` bounds the wait as PostgreSQL bounds a DDL's lock
   * wait: lock_timeout (55P03) and the statement's cancel token (CancelRequest, statement_timeout:
   * 57014, whatever reason the token carries).
   */
  async lockName(w: CatalogWriter, db: string, schema: string, name: string, wait: NameLockWait = {}): Promise<TableDesc | undefined> {
    const key = relationKey(db, schema, name);
    // The relation lock in exclusive mode: it waits for (and blocks) DML holding it shared.
    const oid = (w.getLatestCommitted(SYS_RELATION, key)?.row[1] as number | undefined) ?? 0; // for a deadlock report
    await lockOrThrow(w, SYS_RELATION, key, wait, { relation: 'exclusive', label: `relation ${oid}` });
    return this.ownOrLatest(w, key);
  }

  /**
   * lockName in PostgreSQL's SHARE UPDATE EXCLUSIVE mode (ALTER TABLE … VALIDATE CONSTRAINT),
   * built from the lock manager's two modes: the relation name in shared mode — as DML holds it,
   * so concurrent SELECT / INSERT / UPDATE / DELETE proceed while DDL (exclusive) waits for it and
   * it waits for DDL — and then a second key of the relation in exclusive mode, because the mode
   * conflicts with itself (another VALIDATE of the table waits). Only a statement whose every
   * subcommand takes this mode may use it; it may write the relation's row (no exclusive holder
   * can be between, and a second such writer waits on the second key).
   */
  async lockNameShareUpdateExclusive(w: CatalogWriter, db: string, schema: string, name: string, wait: NameLockWait = {}): Promise<TableDesc | undefined> {
    const key = relationKey(db, schema, name);
    const oid = (w.getLatestCommitted(SYS_RELATION, key)?.row[1] as number | undefined) ?? 0;
    const modeName = 'ShareUpdateExclusiveLock';
    await lockOrThrow(w, SYS_RELATION, key, wait, { relation: 'shared', label: `relation ${oid}`, modeName });
    const t = this.ownOrLatest(w, key);
    if (!t) return undefined;
    // Keyed by OID in the meta table: never a row, never another relation's lock.
    await lockOrThrow(w, SYS_META, metaKey(`share update exclusive ${t.oid}`), wait, { relation: 'exclusive', label: `relation ${t.oid}`, modeName });
    // Read again: a VALIDATE we waited for may have committed a newer version of the row.
    return this.ownOrLatest(w, key);
  }

  /** The relation row as this transaction wrote it, else as committed now (a lock holder's view). */
  private ownOrLatest(w: CatalogWriter, key: Uint8Array): TableDesc | undefined {
    const row = w.get(SYS_RELATION, key) ?? w.getLatestCommitted(SYS_RELATION, key)?.row;
    return row ? this.decode(row) : undefined;
  }

  /**
   * The relation as this transaction wrote it (`own`) or else as committed now, regardless of the
   * snapshot: what a statement holding the relation's lock must work on (PostgreSQL re-reads the
   * catalog after locking). No lock taken here.
   */
  latestTable(w: CatalogWriter, db: string, schema: string, name: string, own: boolean): TableDesc | undefined {
    const key = relationKey(db, schema, name);
    const row = own ? w.get(SYS_RELATION, key) : w.getLatestCommitted(SYS_RELATION, key)?.row;
    return row ? this.decode(row) : undefined;
  }

  /** Writes the relation row; CHECK constraints without an OID get one here (pg_constraint's). */
  putTable(w: CatalogWriter, t: TableDesc): void {
    const row = t.checks.some((c) => c.oid === undefined) ? { ...t, checks: t.checks.map((c) => (c.oid === undefined ? { ...c, oid: this.allocOidNow() } : c)) } : t;
    w.put(SYS_RELATION, relationKey(t.db, t.schema, t.name), relationRow(row));
  }

  deleteTable(w: CatalogWriter, t: TableDesc): void {
    w.delete(SYS_RELATION, relationKey(t.db, t.schema, t.name));
  }

  async createSchema(w: CatalogWriter, db: string, name: string, owner: string): Promise<void> {
    const oid = await this.allocOid();
    if ((BUILTIN_SCHEMAS as readonly string[]).includes(name)) {
      w.delete(SYS_NAMESPACE, namespaceKey(db, '\u0000dropped:' + name));
      return;
    }
    const row = [...namespaceRow(oid, owner), name];
    w.put(SYS_NAMESPACE, namespaceKey(db, name), row);
  }

  dropSchema(w: CatalogWriter, db: string, name: string): void {
    if ((BUILTIN_SCHEMAS as readonly string[]).includes(name)) {
      w.put(SYS_NAMESPACE, namespaceKey(db, '\u0000dropped:' + name), [CATALOG_FORMAT_VERSION, 0, '']);
      return;
    }
    w.delete(SYS_NAMESPACE, namespaceKey(db, name));
  }

  /**
   * ALTER SCHEMA … RENAME: the namespace row moves to the new name keeping its OID and owner
   * (the caller moves the relation rows). A built-in name (public) is marked dropped on the way
   * out and un-dropped on the way in, as createSchema/dropSchema treat it.
   */
  async renameSchema(w: CatalogWriter, db: string, from: string, to: string): Promise<void> {
    const old = w.get(SYS_NAMESPACE, namespaceKey(db, from));
    const oid = old ? (old[1] as number) : await this.allocOid();
    const owner = old ? (old[2] as string) : 'postgres';
    this.dropSchema(w, db, from);
    if ((BUILTIN_SCHEMAS as readonly string[]).includes(to)) {
      w.delete(SYS_NAMESPACE, namespaceKey(db, '\u0000dropped:' + to));
      return;
    }
    w.put(SYS_NAMESPACE, namespaceKey(db, to), [...namespaceRow(oid, owner), to]);
  }

  /**
   * DROP DATABASE: removes every catalog row of the database in one atomic batch (a database
   * of the same name created later starts empty) and returns the storage ids to reclaim.
   */
  async dropDatabase(db: string): Promise<number[]> {
    const ops: Array<{ table: number; key: Uint8Array; kind: 'del'; row: undefined }> = [];
    const storage: number[] = [];
    const latest: CatalogReader = { get: (t, k) => this.db.get(t, k), scan: (t, o) => this.db.scan(t, o ?? {}) };
    for (const kr of scanPrefix(latest, SYS_RELATION, relationPrefix(db))) {
      ops.push({ table: SYS_RELATION, key: kr.key, kind: 'del', row: undefined });
      const d = this.decode(kr.row);
      if (d.kind === 'table') storage.push(d.storageId, ...d.uniques.map((u) => u.storageId));
    }
    for (const kr of scanPrefix(latest, SYS_NAMESPACE, namespacePrefix(db))) ops.push({ table: SYS_NAMESPACE, key: kr.key, kind: 'del', row: undefined });
    if (ops.length > 0) await this.db.write(ops);
    return storage;
  }

  /**
   * Server start: removes every schema (and its relations) whose name `doomed` accepts, in all
   * databases, in one atomic batch — temporary schemas left by a crash must not survive a
   * restart. Returns the storage ids to reclaim.
   */
  async dropSchemasWhere(doomed: (schema: string) => boolean): Promise<number[]> {
    const ops: Array<{ table: number; key: Uint8Array; kind: 'del'; row: undefined }> = [];
    const storage: number[] = [];
    for (const kr of this.db.scan(SYS_RELATION, {})) {
      const d = this.decode(kr.row);
      if (!doomed(d.schema)) continue;
      ops.push({ table: SYS_RELATION, key: kr.key, kind: 'del', row: undefined });
      if (d.kind === 'table') storage.push(d.storageId, ...d.uniques.map((u) => u.storageId), ...(d.indexes ?? []).map((i) => i.storageId));
    }
    for (const kr of this.db.scan(SYS_NAMESPACE, {})) {
      const name = kr.row[3] as string | undefined;
      if (name !== undefined && doomed(name)) ops.push({ table: SYS_NAMESPACE, key: kr.key, kind: 'del', row: undefined });
    }
    if (ops.length > 0) await this.db.write(ops);
    return storage;
  }

  /** After a committed DROP/TRUNCATE: tombstone the unreachable rows to reclaim space. */
  async reclaimStorage(storageId: number): Promise<void> {
    this.rowIds.delete(storageId);
    await this.db.dropTable(storageId);
  }

  // ---- hidden row ids -------------------------------------------------------------------------

  /** Next hidden row id of a table without a primary key (monotonic, gaps allowed). */
  nextRowId(storageId: number): bigint {
    let last = this.rowIds.get(storageId);
    if (last === undefined) {
      last = 0n;
      for (const kr of this.db.scan(storageId, { reverse: true })) {
        last = rowIdOf(kr.key);
        break;
      }
    }
    last++;
    this.rowIds.set(storageId, last);
    return last;
  }

  // ---- sequences (non-transactional, as in PostgreSQL) ----------------------------------------

  async initSequence(seqOid: number, start: bigint): Promise<void> {
    this.seqs.set(seqOid, { last: start, called: false, logged: start });
    await this.db.write([{ table: SYS_SEQUENCE, key: sequenceKey(seqOid), kind: 'put', row: sequenceRow(start, false) }]);
  }

  private seqState(seq: TableDesc): SeqState {
    let s = this.seqs.get(seq.oid);
    if (!s) {
      const row = this.db.get(SYS_SEQUENCE, sequenceKey(seq.oid));
      const start = BigInt(seq.sequence!.start);
      s = row ? { last: row[0] as bigint, called: row[1] as boolean, logged: row[0] as bigint } : { last: start, called: false, logged: start };
      this.seqs.set(seq.oid, s);
    }
    return s;
  }

  async nextval(seq: TableDesc): Promise<bigint> {
    const r = this.nextvalNow(seq);
    if (r.persist) await r.persist;
    return r.value;
  }

  /**
   * nextval without waiting: the log-ahead write (when one is due) is queued in the WAL before
   * anything the caller commits afterwards, so a durable commit that used the value implies the
   * log-ahead is durable too (one WAL, written in order).
   */
  nextvalNow(seq: TableDesc): { value: bigint; persist: Promise<unknown> | undefined } {
    const o = seq.sequence!;
    const s = this.seqState(seq);
    let v: bigint;
    if (!s.called) v = s.last;
    else {
      const inc = BigInt(o.increment), max = BigInt(o.max), min = BigInt(o.min);
      v = s.last + inc;
      if (inc > 0n && v > max) {
        if (!o.cycle) throw new DbError('2200H', `nextval: reached maximum value of sequence "${seq.name}" (${max})`);
        v = min;
      } else if (inc < 0n && v < min) {
        if (!o.cycle) throw new DbError('2200H', `nextval: reached minimum value of sequence "${seq.name}" (${min})`);
        v = max;
      }
    }
    s.last = v;
    s.called = true;
    const inc = BigInt(o.increment);
    // Log ahead once the handed-out value reaches the durable one (PostgreSQL's SEQ_LOG_VALS).
    if (inc > 0n ? v >= s.logged : v <= s.logged) {
      const logged = v + inc * BigInt(SEQ_LOG_VALS);
      s.logged = logged;
      return { value: v, persist: this.db.write([{ table: SYS_SEQUENCE, key: sequenceKey(seq.oid), kind: 'put', row: sequenceRow(logged, true) }]) };
    }
    return { value: v, persist: undefined };
  }

  /**
   * Clean shutdown: every sequence used since open gets its exact state written. The log-ahead
   * row holds a value up to SEQ_LOG_VALS ahead — what a crash skips, as in PostgreSQL — while
   * after a clean shutdown PostgreSQL continues exactly where it stopped (its checkpoint writes
   * the sequence page). A sequence without a committed row (dropped, or created by a transaction
   * that never committed) is skipped.
   */
  async persistSequences(): Promise<void> {
    const ops: WriteOp[] = [];
    for (const [oid, s] of this.seqs) {
      if (s.logged === s.last) continue;
      const key = sequenceKey(oid);
      if (this.db.get(SYS_SEQUENCE, key) === undefined) continue;
      ops.push({ table: SYS_SEQUENCE, key, kind: 'put', row: sequenceRow(s.last, s.called) });
      s.logged = s.last;
    }
    if (ops.length > 0) await this.db.write(ops);
  }

  async setval(seq: TableDesc, value: bigint, isCalled: boolean): Promise<void> {
    await this.setvalNow(seq, value, isCalled);
  }

  /** setval; the returned promise is the durable write (already queued in the WAL). */
  setvalNow(seq: TableDesc, value: bigint, isCalled: boolean): Promise<unknown> {
    const o = seq.sequence!;
    if (value < BigInt(o.min) || value > BigInt(o.max)) {
      throw new DbError('22003', `setval: value ${value} is out of bounds for sequence "${seq.name}" (${o.min}..${o.max})`);
    }
    const s = this.seqState(seq);
    s.last = value;
    s.called = isCalled;
    s.logged = value;
    return this.db.write([{ table: SYS_SEQUENCE, key: sequenceKey(seq.oid), kind: 'put', row: sequenceRow(value, isCalled) }]);
  }
}

function* scanPrefix(r: CatalogReader, table: TableId, prefix: Uint8Array): Generator<KeyRow> {
  const upper = prefixSuccessor(prefix);
  yield* r.scan(table, { lower: prefix, lowerInclusive: true, ...(upper ? { upper, upperInclusive: false } : {}) });
}

function rowIdOf(key: Uint8Array): bigint {
  return decodeKey(ROWID_SCHEMA, key)[0] as bigint;
}
const ROWID_SCHEMA = [{ type: 'rowid' as const }];

/** How long a statement's lock wait may last: lock_timeout (0 or undefined = no limit) and the
 *  running statement's cancel token (polled by the lock manager; a reason set there ends the wait
 *  with that reason, and the waiter leaves the queue). */
export interface NameLockWait {
  timeoutMs?: number;
  cancel?: { readonly reason: unknown };
}

/** Row (or relation: `extra`) lock with lsm errors mapped to SQL errors. */
export async function lockOrThrow(w: CatalogWriter, table: TableId, key: Uint8Array, wait: NameLockWait = {}, extra?: LockOptions): Promise<void> {
  const opts: LockOptions = { ...extra };
  if (wait.timeoutMs !== undefined && wait.timeoutMs > 0) opts.timeoutMs = wait.timeoutMs;
  if (wait.cancel) opts.cancel = wait.cancel;
  try {
    await w.lockRow(table, key, opts);
  } catch (e) {
    throw lsmToDbError(e);
  }
}

/** lsm errors carry SQLSTATEs already; wrap them into DbError (others pass through). */
export function lsmToDbError(e: unknown): unknown {
  if (e instanceof LsmError) {
    switch (e.code) {
      case '55P03':
        return new DbError('55P03', 'canceling statement due to lock timeout');
      case '40P01': {
        // lsm's DeadlockError describes the cycle as PostgreSQL's DETAIL does.
        const detail = (e as { detail?: unknown }).detail;
        return new DbError('40P01', e.message, typeof detail === 'string' ? { detail, hint: 'See server log for query details.' } : {});
      }
      default: {
        // Limit errors (lsm/mvcc/budget.ts) carry PostgreSQL-style DETAIL/HINT text: pass it on
        // whatever statement hit the limit (INSERT, COPY, UPDATE …).
        const { detail, hint } = e as { detail?: unknown; hint?: unknown };
        const extra: { detail?: string; hint?: string } = {};
        if (typeof detail === 'string') extra.detail = detail;
        if (typeof hint === 'string') extra.hint = hint;
        return new DbError(e.code, e.message, extra);
      }
    }
  }
  return e;
}
