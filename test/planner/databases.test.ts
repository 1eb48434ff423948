// CREATE/DROP DATABASE: PostgreSQL's errors, and the list survives an engine restart.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createEngine } from '../../planner/index.js';
import { openSession, query, error } from './helpers.js';

describe('databases', () => {
  it('create, drop, errors, persistence across restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-dbs-'));
    try {
      let engine = await createEngine({ dataDir: dir });
      expect(engine.databaseExists('postgres')).toBe(true);
      expect(engine.databaseExists('app')).toBe(false);
      const s = openSession(engine);
      expect((await query(s, 'create database app'))[0]!.tag).toBe('CREATE DATABASE');
      const dup = await error(s, 'create database app');
      expect([dup.code, dup.message]).toEqual(['42P04', 'database "app" already exists']);
      const missing = await error(s, 'drop database nosuch');
      expect([missing.code, missing.message]).toEqual(['3D000', 'database "nosuch" does not exist']);
      expect((await query(s, 'drop database if exists nosuch'))[0]!.tag).toBe('DROP DATABASE');
      expect(s.takeNotices().map((n) => n.message)).toEqual(['database "nosuch" does not exist, skipping']);
      const self = await error(s, 'drop database postgres');
      expect([self.code, self.message]).toEqual(['55006', 'cannot drop the currently open database']);
      const other = openSession(engine, { database: 'app' });
      const busy = await error(s, 'drop database app');
      expect([busy.code, busy.message, busy.fields.detail]).toEqual(['55006', 'database "app" is being accessed by other users', 'There is 1 other session using the database.']);
      other.close();
      await query(s, 'create database gone');
      await query(s, 'drop database gone');
      await engine.close();

      engine = await createEngine({ dataDir: dir });
      expect(engine.databaseExists('app')).toBe(true);
      expect(engine.databaseExists('gone')).toBe(false);
      expect(() => openSession(engine, { database: 'gone' })).toThrow('database "gone" does not exist');
      try {
        openSession(engine, { database: 'gone' });
      } catch (e) {
        expect((e as { code: string }).code).toBe('3D000');
      }
      const s2 = openSession(engine, { database: 'app' });
      expect((await query(s2, 'select current_database()'))[0]!.rows).toEqual([['app']]);
      await engine.close();

      const file = JSON.parse(readFileSync(join(dir, 'databases.json'), 'utf8')) as { databases: Array<{ name: string; oid: number }> };
      expect(file.databases).toEqual([{ name: 'postgres', oid: 5 }, { name: 'app', oid: 16384 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start on a damaged list instead of forgetting databases', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-dbs-'));
    try {
      writeFileSync(join(dir, 'databases.json'), '{"format":"pyralog-databases","version":1,"nextOid":');
      await expect(createEngine({ dataDir: dir })).rejects.toThrow(/damaged/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
