// lsm/memtable door (internal to lsm/).
export { Memtable, compareEntry, entryBytes, SEQ_MAX, type KeyRange } from './memtable.js';
export { sortKeyOf } from './sortkey.js';
export { MemtableVisibleScan } from './visible.js';
