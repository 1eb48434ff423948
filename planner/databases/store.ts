// The list of databases, kept durably in one small file of the data directory
// (see databases/FORMAT.md). Until the catalog moves into the LSM (storage-engine issue), this
// file is the source of truth for which databases exist.
//
// Invariants:
// - The in-memory set changes only after the new file is durable (write temp, fsync, rename,
//   fsync the directory), so a crash leaves either the old or the new list, never a mix.
// - Writers are serialised by a promise chain; two CREATE DATABASE of one name cannot both win
//   because the name is reserved synchronously before the write starts.
// - A file that does not parse is corruption: opening refuses with a clear message rather than
//   starting with an empty list.

import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DbError } from '../../catalog/index.js';

export const DATABASES_FILE = 'databases.json';
const FORMAT_TAG = 'pyralog-databases';
const FORMAT_VERSION = 1;
/** PostgreSQL's template1/template0/postgres take OIDs 1, 4, 5; user objects start at 16384. */
const POSTGRES_OID = 5;
const FIRST_USER_OID = 16384;
/** A limit like every other table in the server: far above what anyone runs on one node. */
export const DATABASES_MAX = 10_000;

export interface DatabaseEntry {
  readonly name: string;
  readonly oid: number;
}

interface FileShape {
  format: string;
  version: number;
  nextOid: number;
  databases: DatabaseEntry[];
}

export class DatabaseStore {
  private readonly byName = new Map<string, DatabaseEntry>();
  /** Names being created or dropped right now (reserved before their file write finishes). */
  private readonly pending = new Set<string>();
  private nextOid = FIRST_USER_OID;
  private writeChain: Promise<void> = Promise.resolve();

  private constructor(private readonly dir: string) {}

  /** Opens (or initialises with `postgres`) the list in `dir`. */
  static async open(dir: string): Promise<DatabaseStore> {
    const store = new DatabaseStore(dir);
    await mkdir(dir, { recursive: true });
    const path = join(dir, DATABASES_FILE);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    if (text === undefined) {
      store.byName.set('postgres', { name: 'postgres', oid: POSTGRES_OID });
      await store.persist();
      return store;
    }
    const parsed = parseFile(text, path);
    store.nextOid = parsed.nextOid;
    for (const d of parsed.databases) store.byName.set(d.name, d);
    return store;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): DatabaseEntry | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  /** CREATE DATABASE: 42P04 when it exists. Resolves once the new list is durable. */
  async create(name: string): Promise<void> {
    if (this.byName.has(name) || this.pending.has(name)) {
      throw new DbError('42P04', `database "${name}" already exists`);
    }
    if (this.byName.size >= DATABASES_MAX) {
      throw new DbError('54000', `too many databases (limit ${DATABASES_MAX})`);
    }
    this.pending.add(name);
    try {
      await this.serialised(async () => {
        const entry = { name, oid: this.nextOid };
        this.byName.set(name, entry);
        this.nextOid++;
        try {
          await this.persist();
        } catch (e) {
          this.byName.delete(name);
          this.nextOid--;
          throw e;
        }
      });
    } finally {
      this.pending.delete(name);
    }
  }

  /** DROP DATABASE: returns false when it did not exist (the caller words the error). */
  async drop(name: string): Promise<boolean> {
    const entry = this.byName.get(name);
    if (entry === undefined || this.pending.has(name)) return false;
    this.pending.add(name);
    try {
      await this.serialised(async () => {
        this.byName.delete(name);
        try {
          await this.persist();
        } catch (e) {
          this.byName.set(name, entry);
          throw e;
        }
      });
    } finally {
      this.pending.delete(name);
    }
    return true;
  }

  /** Waits for writes in flight (engine close). */
  async flush(): Promise<void> {
    await this.writeChain;
  }

  private serialised(fn: () => Promise<void>): Promise<void> {
    const run = this.writeChain.then(fn, fn);
    this.writeChain = run.catch(() => undefined);
    return run;
  }

  private async persist(): Promise<void> {
    const shape: FileShape = {
      format: FORMAT_TAG,
      version: FORMAT_VERSION,
      nextOid: this.nextOid,
      databases: [...this.byName.values()].sort((a, b) => a.oid - b.oid),
    };
    const path = join(this.dir, DATABASES_FILE);
    const tmp = `${path}.tmp`;
    await writeFile(tmp, JSON.stringify(shape) + '\n');
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    const dh = await open(this.dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  }
}

function parseFile(text: string, path: string): FileShape {
  const corrupt = (why: string): Error =>
    new Error(`database list ${path} is damaged (${why}); refusing to start. Restore it from a backup.`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw corrupt('not valid JSON');
  }
  const f = v as Partial<FileShape>;
  if (f === null || typeof f !== 'object' || f.format !== FORMAT_TAG) throw corrupt('wrong format tag');
  if (f.version !== FORMAT_VERSION) throw corrupt(`unknown version ${String(f.version)}`);
  if (!Number.isInteger(f.nextOid) || !Array.isArray(f.databases)) throw corrupt('missing fields');
  for (const d of f.databases) {
    if (typeof d?.name !== 'string' || !Number.isInteger(d.oid)) throw corrupt('bad database entry');
  }
  return f as FileShape;
}
