// SET / SHOW / RESET against a transcript recorded on PostgreSQL 15, plus the transactional
// rules of settings, startup parameters and ParameterStatus reporting.
import { describe, expect, it } from 'vitest';
import { withEngine, openSession, scalar, query } from './helpers.js';
import { replay, type Step } from './transcript.js';

const W = (m: string, code = '25P01'): string => `WARNING ${code} ${m}`;

const SET_SHOW: Step[] = [
  ['SET statement_timeout = 5000', 'SET'],
  ['SHOW statement_timeout', 'SHOW', [['5s']]],
  ["SET statement_timeout = '100ms'", 'SET'],
  ['SHOW statement_timeout', 'SHOW', [['100ms']]],
  ['set statement_timeout = 90000', 'SET'],
  ['show statement_timeout', 'SHOW', [['90s']]],
  ["SET statement_timeout = '5x'", { code: '22023', message: 'invalid value for parameter "statement_timeout": "5x"', hint: 'Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".' }],
  ['SET statement_timeout = -1', { code: '22023', message: '-1 ms is outside the valid range for parameter "statement_timeout" (0 .. 2147483647)' }],
  ['SET extra_float_digits = 4', { code: '22023', message: '4 is outside the valid range for parameter "extra_float_digits" (-15 .. 3)' }],
  ["SET extra_float_digits = 'abc'", { code: '22023', message: 'invalid value for parameter "extra_float_digits": "abc"' }],
  ["SET DateStyle = 'sql, dmy'", 'SET'],
  ['SHOW DateStyle', 'SHOW', [['SQL, DMY']]],
  ["SET DateStyle = 'German'", 'SET'],
  ['show datestyle', 'SHOW', [['German, DMY']]],
  ['set datestyle = ymd', 'SET'],
  ['show datestyle', 'SHOW', [['German, YMD']]],
  ["set datestyle = 'foo'", { code: '22023', message: 'invalid value for parameter "DateStyle": "foo"', detail: 'Unrecognized key word: "foo".' }],
  ["SET bytea_output = 'foo'", { code: '22023', message: 'invalid value for parameter "bytea_output": "foo"', hint: 'Available values: escape, hex.' }],
  ['SET foo = 1', { code: '42704', message: 'unrecognized configuration parameter "foo"' }],
  ['SET a.b = 1', 'SET'],
  ['SHOW a.b', 'SHOW', [['1']]],
  ['SHOW foo', { code: '42704', message: 'unrecognized configuration parameter "foo"' }],
  ['SET TIME ZONE -7', 'SET'],
  ['SHOW TimeZone', 'SHOW', [['<-07>+07']]],
  ["SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE", 'SET'],
  ['SHOW TimeZone', 'SHOW', [['<+02>-02']]],
  ["set time zone 'america/new_york'", 'SET'],
  ['show timezone', 'SHOW', [['America/New_York']]],
  ["SET TIME ZONE 'Foo/Bar'", { code: '22023', message: 'invalid value for parameter "TimeZone": "Foo/Bar"' }],
  ["SET client_encoding = 'foo'", { code: '22023', message: 'invalid value for parameter "client_encoding": "foo"' }],
  ["set client_encoding='utf-8'", 'SET'],
  ['show client_encoding', 'SHOW', [['UTF8']]],
  ["SET server_version = '1'", { code: '55P02', message: 'parameter "server_version" cannot be changed' }],
  ['SET search_path TO a, "B", public', 'SET'],
  ['SHOW search_path', 'SHOW', [['a, "B", public']]],
  ['SET LOCAL search_path = x', 'SET', undefined, [W('SET LOCAL can only be used in transaction blocks')]],
  ['SHOW search_path', 'SHOW', [['a, "B", public']]],
  ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', 'SET', undefined, [W('SET TRANSACTION can only be used in transaction blocks')]],
  ['SHOW transaction_isolation', 'SHOW', [['read committed']]],
  ['SHOW TRANSACTION ISOLATION LEVEL', 'SHOW', [['read committed']]],
  ['SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ', 'SET'],
  ['SHOW default_transaction_isolation', 'SHOW', [['repeatable read']]],
  ['show transaction_isolation', 'SHOW', [['repeatable read']]],
  ['set intervalstyle = iso_8601', 'SET'],
  ['show intervalstyle', 'SHOW', [['iso_8601']]],
  ['set is_superuser = off', { code: '55P02', message: 'parameter "is_superuser" cannot be changed' }],
  ['set integer_datetimes = off', { code: '55P02', message: 'parameter "integer_datetimes" cannot be changed' }],
  ['show max_identifier_length', 'SHOW', [['63']]],
  ["set application_name = 'x y'", 'SET'],
  ['show application_name', 'SHOW', [['x y']]],
  ['reset all', 'RESET'],
  ['show application_name', 'SHOW', [['']]],
  ['show search_path', 'SHOW', [['"$user", public']]],
  ['show DateStyle', 'SHOW', [['ISO, MDY']]],
  ['set search_path = default', 'SET'],
  ['show search_path', 'SHOW', [['"$user", public']]],
  ["set lock_timeout = '1min'", 'SET'],
  ['show lock_timeout', 'SHOW', [['1min']]],
  ["set idle_in_transaction_session_timeout = '2h'", 'SET'],
  ['show idle_in_transaction_session_timeout', 'SHOW', [['2h']]],
  ["set statement_timeout = '1.5s'", 'SET'],
  ['show statement_timeout', 'SHOW', [['1500ms']]],
  ["set statement_timeout = '500us'", 'SET'],
  ['show statement_timeout', 'SHOW', [['0']]],
  ['DISCARD ALL', 'DISCARD ALL'],
];

describe('settings', () => {
  it('SET/SHOW/RESET behave as on PostgreSQL 15', async () => {
    await withEngine(async (engine) => replay(openSession(engine), SET_SHOW));
  });

  it('statementTimeoutMs follows statement_timeout', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      expect(s.statementTimeoutMs()).toBe(0);
      await query(s, "set statement_timeout = '2min'");
      expect(s.statementTimeoutMs()).toBe(120_000);
      await query(s, 'set statement_timeout = 250');
      expect(s.statementTimeoutMs()).toBe(250);
    });
  });

  it('SET inside a rolled-back transaction reverts; SET LOCAL ends with the transaction', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      await query(s, "begin; set application_name = 'inside'; set local extra_float_digits = 2");
      expect(await scalar(s, 'show application_name')).toBe('inside');
      expect(await scalar(s, 'show extra_float_digits')).toBe('2');
      await query(s, 'rollback');
      expect(await scalar(s, 'show application_name')).toBe('');
      await query(s, "begin; set application_name = 'kept'; set local extra_float_digits = 2; commit");
      expect(await scalar(s, 'show application_name')).toBe('kept');
      expect(await scalar(s, 'show extra_float_digits')).toBe('1');
      // Savepoints: ROLLBACK TO undoes settings changed after the savepoint only.
      await query(s, "begin; set application_name = 'a'; savepoint s1; set application_name = 'b'; rollback to s1");
      expect(await scalar(s, 'show application_name')).toBe('a');
      await query(s, 'commit');
      expect(await scalar(s, 'show application_name')).toBe('a');
      // A failed implicit transaction (multi-statement Query) rolls its SET back too.
      await expect(query(s, "set application_name = 'lost'; select 1/0")).rejects.toThrow('division by zero');
      expect(await scalar(s, 'show application_name')).toBe('a');
    });
  });

  it('reports every GUC_REPORT setting first, then only changes', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine, { user: 'bob', startupParams: { application_name: 'psql', options: '-c TimeZone=Europe/Paris --extra_float_digits=3' } });
      const first = new Map(s.takeChangedReportedSettings());
      expect(Object.fromEntries(first)).toEqual({
        server_version: '15.0', server_encoding: 'UTF8', client_encoding: 'UTF8', application_name: 'psql',
        default_transaction_read_only: 'off', in_hot_standby: 'off', is_superuser: 'on', session_authorization: 'bob',
        DateStyle: 'ISO, MDY', IntervalStyle: 'postgres', TimeZone: 'Europe/Paris', integer_datetimes: 'on',
        standard_conforming_strings: 'on',
      });
      expect(s.takeChangedReportedSettings()).toEqual([]);
      expect(s.formatSettings().extraFloatDigits).toBe(3);
      await query(s, "set datestyle = 'sql'; set extra_float_digits = 0");
      expect(s.takeChangedReportedSettings()).toEqual([['DateStyle', 'SQL, MDY']]);
      await query(s, 'reset timezone');
      expect(await scalar(s, 'show timezone')).toBe('Europe/Paris');
    });
  });

  it('refuses unknown startup parameters', async () => {
    await withEngine(async (engine) => {
      expect(() => openSession(engine, { startupParams: { nosuch: '1' } })).toThrow('unrecognized configuration parameter "nosuch"');
    });
  });

  it('SHOW ALL lists name, setting and description, custom parameters included', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      await query(s, "set myapp.mode = 'fast'");
      const r = (await query(s, 'show all'))[0]!;
      expect(r.tag).toBe('SHOW');
      expect(r.names).toEqual(['name', 'setting', 'description']);
      const byName = new Map(r.rows.map((row) => [row[0], row[1]]));
      expect(byName.get('TimeZone')).toBe('UTC');
      expect(byName.get('DateStyle')).toBe('ISO, MDY');
      expect(byName.get('myapp.mode')).toBe('fast');
      const names = r.rows.map((row) => row[0]!.toLowerCase());
      expect([...names].sort()).toEqual(names);
    });
  });

  it('current_setting and set_config', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      expect(await scalar(s, "select set_config('application_name', 'cfg', false)")).toBe('cfg');
      expect(await scalar(s, "select current_setting('application_name')")).toBe('cfg');
      expect(await scalar(s, "select current_setting('TimeZone')")).toBe('UTC');
      expect(await scalar(s, 'show server_version_num')).toBe('150000');
    });
  });
});
