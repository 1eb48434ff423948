// Validation of what a caller asks the database to store, before anything is written.
// Statement-ending problems (too large) are LsmError 54000; values that are not Cells at all,
// or integers a segment column cannot hold, are programmer errors (the catalog maps every SQL
// value to a Cell kind first).
import { KEY_BYTES_MAX } from '../keys/index.js';
import { cellBytes } from '../memtable/memtable.js';
import { LsmError } from '../types.js';
import type { Row, TableId } from '../types.js';
import { INT64_MAX, INT64_MIN } from './options.js';

export function checkValue(table: TableId, key: Uint8Array, row: Row | undefined, valueBytesMax: number): void {
  if (!Number.isInteger(table) || table < 0) throw new Error(`lsm: bad table id ${table}`);
  if (key.length > KEY_BYTES_MAX) throw new LsmError('54000', `index row size ${key.length} exceeds maximum ${KEY_BYTES_MAX}`);
  if (!row) return;
  let n = 0;
  for (const c of row) {
    if (typeof c === 'bigint') {
      if (c < INT64_MIN || c > INT64_MAX) throw new Error(`lsm: bigint cell ${c} is outside int64`);
    } else if (c !== null && typeof c !== 'boolean' && typeof c !== 'number' && typeof c !== 'string' && !(c instanceof Uint8Array)) {
      throw new Error(`lsm: unsupported cell value of type ${typeof c}`);
    }
    n += cellBytes(c);
  }
  if (n > valueBytesMax) throw new LsmError('54000', `row is too big: size ${n}, maximum size ${valueBytesMax}`);
}
