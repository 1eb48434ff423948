// COPY table FROM STDIN / TO STDOUT through the session's copyIn/copyOut executions, with input
// split at every possible point.
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, Client } from './harness.js';
import type { Engine } from '../../planner/api.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const copyIn = (c: Client, sql: string, data: Parameters<Client['copyIn']>[1]): Promise<string> => c.copyIn(sql, data);

async function copyOut(c: Client, sql: string): Promise<string> {
  const [st] = c.session.parse(sql);
  const ex = await c.session.execute(c.session.prepare(st!, []), [], { reason: undefined });
  if (ex.kind !== 'copyOut') throw new Error('expected copyOut');
  let s = '';
  for (let ch = await ex.source.next(); ch; ch = await ex.source.next()) s += Buffer.from(ch).toString('utf8');
  await c.session.endImplicit(false);
  return s;
}

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('COPY', () => {
  it('text format: escapes, NULL, defaults, split anywhere; round trip through TO STDOUT', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query("CREATE TABLE t (id int PRIMARY KEY, s text, n numeric(6,2), d int DEFAULT 7)");
    const data = 'héllo'.length > 0 ? '1\ta\\tb\t1.5\n2\t\\N\t\\N\n3\tx\\\\y\\ny\t-2\n\\.\n' : '';
    const bytes = enc(data);
    for (let cut = 0; cut <= bytes.length; cut += 3) {
      await c.query('TRUNCATE t');
      expect(await copyIn(c, 'COPY t (id, s, n) FROM STDIN', [bytes.slice(0, cut), bytes.slice(cut)])).toBe('COPY 3');
    }
    expect((await c.query('SELECT id, s, n, d FROM t ORDER BY id')).text).toEqual([['1', 'a\tb', '1.50', '7'], ['2', null, null, '7'], ['3', 'x\\y\ny', '-2.00', '7']]);
    expect(await copyOut(c, 'COPY t TO STDOUT')).toBe('1\ta\\tb\t1.50\t7\n2\t\\N\t\\N\t7\n3\tx\\\\y\\ny\t-2.00\t7\n');
  });

  it('csv format with HEADER, quotes and a custom NULL; errors are 22P04 / 23505 and roll back', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id int PRIMARY KEY, s text)');
    expect(await copyIn(c, "COPY t FROM STDIN (FORMAT csv, HEADER, NULL 'NIL')", [enc('id,s\n1,"a,""b"""\n2,NIL\n3,"multi\nline"\n')])).toBe('COPY 3');
    expect((await c.query('SELECT s FROM t ORDER BY id')).text).toEqual([['a,"b"'], [null], ['multi\nline']]);
    await expect(copyIn(c, 'COPY t FROM STDIN (FORMAT csv)', [enc('4,x,y\n')])).rejects.toMatchObject({ code: '22P04' });
    await expect(copyIn(c, 'COPY t FROM STDIN (FORMAT csv)', [enc('5,x\n1,dup\n')])).rejects.toMatchObject({ code: '23505' });
    expect((await c.query('SELECT count(*) FROM t')).text).toEqual([['3']]);
  });

  it('binary format round trip', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id bigint PRIMARY KEY, s text, b bool)');
    const head = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)]);
    const field = (b: Buffer | null): Buffer => {
      const len = Buffer.alloc(4);
      len.writeInt32BE(b ? b.length : -1);
      return b ? Buffer.concat([len, b]) : len;
    };
    const i8 = Buffer.alloc(8);
    i8.writeBigInt64BE(42n);
    const tuple = Buffer.concat([Buffer.from([0, 3]), field(i8), field(Buffer.from('zz')), field(Buffer.from([1]))]);
    const tuple2 = Buffer.concat([Buffer.from([0, 3]), field(Buffer.from([0, 0, 0, 0, 0, 0, 0, 7])), field(null), field(null)]);
    const all = Buffer.concat([head, tuple, tuple2, Buffer.from([0xff, 0xff])]);
    expect(await copyIn(c, 'COPY t FROM STDIN (FORMAT binary)', [all.subarray(0, 5), all.subarray(5, 30), all.subarray(30)])).toBe('COPY 2');
    expect((await c.query('SELECT * FROM t ORDER BY id')).text).toEqual([['7', null, null], ['42', 'zz', 't']]);
  });
});
