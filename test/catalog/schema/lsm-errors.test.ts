import { describe, expect, it } from 'vitest';
import { DbError } from '../../../catalog/errors.js';
import { lsmToDbError } from '../../../catalog/schema/index.js';
import { LimitError } from '../../../lsm/mvcc/index.js';
import { LsmError } from '../../../lsm/types.js';

describe('lsmToDbError', () => {
  it('passes a limit error\'s DETAIL and HINT on (any statement that hits the write-set limit)', () => {
    const e = lsmToDbError(new LimitError('54000', 'transaction write set exceeds 100 bytes', 'the detail', 'the hint'));
    expect(e).toBeInstanceOf(DbError);
    expect((e as DbError).code).toBe('54000');
    expect((e as DbError).message).toBe('transaction write set exceeds 100 bytes');
    expect((e as DbError).fields).toEqual({ detail: 'the detail', hint: 'the hint' });
    const m = lsmToDbError(new LimitError('53200', 'out of memory', 'only a detail', undefined)) as DbError;
    expect(m.fields).toEqual({ detail: 'only a detail' });
  });

  it('keeps plain lsm errors bare and other errors untouched', () => {
    const e = lsmToDbError(new LsmError('58030', 'could not write file')) as DbError;
    expect(e).toBeInstanceOf(DbError);
    expect(e.message).toBe('could not write file');
    expect(e.fields).toEqual({});
    const other = new Error('x');
    expect(lsmToDbError(other)).toBe(other);
  });
});
