// COPY (query) TO STDOUT in text, csv and binary, byte for byte as PostgreSQL 15 writes them.
import { describe, expect, it } from 'vitest';
import { withEngine, openSession, error } from './helpers.js';
import type { SqlSession } from '../../planner/index.js';

async function copyOut(s: SqlSession, sql: string): Promise<{ format: string; data: Buffer; tag: string }> {
  const ex = await s.execute(s.prepare(s.parse(sql)[0]!, []), [], { reason: undefined });
  if (ex.kind !== 'copyOut') throw new Error(`copyOut expected, got ${ex.kind}`);
  const chunks: Buffer[] = [];
  for (let c = await ex.source.next(); c !== undefined; c = await ex.source.next()) chunks.push(Buffer.from(c));
  s.endImplicit(false);
  return { format: ex.format, data: Buffer.concat(chunks), tag: ex.source.tag() };
}

describe('COPY TO STDOUT', () => {
  it('text format escapes like PostgreSQL', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const r = await copyOut(s, "copy (values (1, E'a\\tb\\\\c', null::text), (2, E'line\\nbreak', 'x')) to stdout");
      expect(r.format).toBe('text');
      expect(r.data.toString()).toBe('1\ta\\tb\\\\c\t\\N\n2\tline\\nbreak\tx\n');
      expect(r.tag).toBe('COPY 2');
      const h = await copyOut(s, "copy (select 1 as a, 'x' as b) to stdout with (header, delimiter '|', null 'NULL')");
      expect(h.data.toString()).toBe('a|b\n1|x\n');
    });
  });

  it('csv format quotes only where needed', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const r = await copyOut(s, "copy (values (1, 'plain', null::text, ''), (2, 'a,b', 'say \"hi\"', E'x\\ny')) to stdout with (format csv, header)");
      expect(r.data.toString()).toBe('column1,column2,column3,column4\n1,plain,,""\n2,"a,b","say ""hi""","x\ny"\n');
      const q = await copyOut(s, "copy (select 'a' as x) to stdout (format csv, force_quote *)");
      expect(q.data.toString()).toBe('"a"\n');
    });
  });

  it('binary format has the PGCOPY header, tuples and trailer', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const r = await copyOut(s, 'copy (select 1::int4, null::text) to stdout (format binary)');
      expect(r.data.toString('hex')).toBe(
        '5047434f50590aff0d0a00' + '00000000' + '00000000' + '0002' + '00000004' + '00000001' + 'ffffffff' + 'ffff',
      );
      expect(r.tag).toBe('COPY 1');
    });
  });

  it('refuses what is not built and bad options', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      expect((await error(s, 'copy t from stdin')).code).toBe('42P01');
      expect((await error(s, "copy (select 1) to stdout (format binary, delimiter ',')")).message).toBe('cannot specify DELIMITER in BINARY mode');
      expect((await error(s, "copy (select 1) to stdout (format xml)")).message).toBe('COPY format "xml" not recognized');
    });
  });
});
