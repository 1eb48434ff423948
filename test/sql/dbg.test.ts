import { it } from 'vitest';
import { Client, openEngine } from './harness.js';
it('dbg', async () => {
  const { engine } = await openEngine();
  const c = Client.open(engine);
  await c.query('create table t (v1 int)');
  const r = await c.query('insert into t values (1+2),(4) returning *');
  console.log(JSON.stringify(r.columns), r.text, r.tag);
  await engine.close();
});
