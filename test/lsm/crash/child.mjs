// Crash-test child: writes and acknowledges commits against a real directory until killed.
// Usage: node child.mjs <build dir with lsm/index.js> <db dir> <first index>
// Every commit i writes table 1 key i and table 2 key i (atomic pair); after the commit
// resolves (durable: syncMode 'fsync') it prints "ack i". Several commits are in flight at
// once (group commit); flushes and compactions run underneath (small memtable).
const [build, dir, firstArg] = process.argv.slice(2);
const { LsmDb, encodeKey } = await import(`${build}/lsm/index.js`);
const db = await LsmDb.open({ dir, memtableBytesMax: 32 * 1024, workers: 1, compaction: { l0FileTrigger: 2, l1BytesMax: 64 * 1024, targetFileBytes: 32 * 1024 } });
process.stdout.write('ready\n');
let next = Number(firstArg);
const key = (i) => encodeKey([{ type: 'int8' }], [BigInt(i)]);
async function worker() {
  for (;;) {
    const i = next++;
    const row = [i, 'p'.repeat(i % 200), BigInt(i) * 7n];
    if (i % 3 === 0) {
      const t = db.begin();
      t.put(1, key(i), row);
      t.put(2, key(i), [i]);
      await t.commit();
    } else {
      await db.write([
        { table: 1, key: key(i), kind: 'put', row },
        { table: 2, key: key(i), kind: 'put', row: [i] },
      ]);
    }
    process.stdout.write(`ack ${i}\n`);
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
