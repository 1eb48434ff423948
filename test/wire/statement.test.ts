// wire/statement.ts tagWithCount: the CommandComplete tag of a row-returning statement carries
// the rows of this Execute (PostgreSQL's nprocessed), computed without a RegExp.
import { describe, it, expect } from 'vitest';
import { tagWithCount } from '../../wire/statement.js';

describe('tagWithCount', () => {
  it('keeps a tag that already holds the count (same string, no copy)', () => {
    const tag = `SELECT ${1}`;
    expect(tagWithCount(tag, 1)).toBe(tag);
    expect(tagWithCount('SELECT 0', 0)).toBe('SELECT 0');
    expect(tagWithCount('INSERT 0 12', 12)).toBe('INSERT 0 12');
  });

  it('replaces the trailing count only', () => {
    expect(tagWithCount('SELECT 10', 0)).toBe('SELECT 0');
    expect(tagWithCount('SELECT 3', 12345)).toBe('SELECT 12345');
    expect(tagWithCount('INSERT 0 5', 2)).toBe('INSERT 0 2');
    expect(tagWithCount('UPDATE 7', 70)).toBe('UPDATE 70');
    expect(tagWithCount('SELECT 9007199254740993', 1)).toBe('SELECT 1');
  });

  it('leaves a tag without a count alone', () => {
    expect(tagWithCount('SHOW', 3)).toBe('SHOW');
    expect(tagWithCount('SET', 0)).toBe('SET');
    expect(tagWithCount('', 0)).toBe('');
  });

  it('a count with leading zeros is rewritten', () => {
    expect(tagWithCount('SELECT 01', 1)).toBe('SELECT 1');
  });
});
