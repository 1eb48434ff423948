// catalog/sqlstate.ts is generated from PostgreSQL's errcodes.txt; these checks pin the codes
// clients match on and the generator's collision rule (errors win names shared with warnings).
import { describe, it, expect } from 'vitest';
import { SQLSTATE, CONDITION_NAME_BY_CODE, conditionName } from '../../catalog/sqlstate.js';

describe('SQLSTATE constants', () => {
  it('has the codes the engine raises', () => {
    expect(SQLSTATE.successful_completion).toBe('00000');
    expect(SQLSTATE.division_by_zero).toBe('22012');
    expect(SQLSTATE.numeric_value_out_of_range).toBe('22003');
    expect(SQLSTATE.invalid_text_representation).toBe('22P02');
    expect(SQLSTATE.invalid_binary_representation).toBe('22P03');
    expect(SQLSTATE.invalid_datetime_format).toBe('22007');
    expect(SQLSTATE.datetime_field_overflow).toBe('22008');
    expect(SQLSTATE.string_data_right_truncation).toBe('22001');
    expect(SQLSTATE.feature_not_supported).toBe('0A000');
    expect(SQLSTATE.syntax_error).toBe('42601');
    expect(SQLSTATE.undefined_table).toBe('42P01');
    expect(SQLSTATE.undefined_column).toBe('42703');
    expect(SQLSTATE.unique_violation).toBe('23505');
    expect(SQLSTATE.serialization_failure).toBe('40001');
    expect(SQLSTATE.deadlock_detected).toBe('40P01');
    expect(SQLSTATE.in_failed_sql_transaction).toBe('25P02');
    expect(SQLSTATE.protocol_violation).toBe('08P01');
    expect(SQLSTATE.query_canceled).toBe('57014');
    expect(SQLSTATE.too_many_connections).toBe('53300');
    expect(SQLSTATE.invalid_password).toBe('28P01');
    expect(SQLSTATE.internal_error).toBe('XX000');
  });

  it('maps codes back to condition names', () => {
    expect(conditionName('22012')).toBe('division_by_zero');
    expect(conditionName('22008')).toBe('datetime_field_overflow');
    expect(conditionName('01004')).toBe('string_data_right_truncation');
    expect(conditionName('ZZZZZ')).toBeUndefined();
    for (const [code, name] of CONDITION_NAME_BY_CODE) expect(code).toMatch(/^[0-9A-Z]{5}$/), expect(typeof name).toBe('string');
  });

  it('has every code well formed and every name unique', () => {
    const entries = Object.entries(SQLSTATE);
    expect(entries.length).toBeGreaterThan(240);
    for (const [name, code] of entries) {
      expect(name).toMatch(/^[a-z_0-9]+$/);
      expect(code).toMatch(/^[0-9A-Z]{5}$/);
    }
  });
});

describe('SQLSTATE_NAME / sqlStateName aliases', () => {
  it('agree with CONDITION_NAME_BY_CODE', async () => {
    const m = await import('../../catalog/sqlstate.js');
    expect(m.SQLSTATE_NAME['22012']).toBe('division_by_zero');
    expect(m.sqlStateName('42P01')).toBe('undefined_table');
    expect(Object.keys(m.SQLSTATE_NAME).length).toBe(m.CONDITION_NAME_BY_CODE.size);
  });
});
