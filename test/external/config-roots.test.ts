// External roots in the server configuration (wire/config.ts): --external-root (repeatable) over
// PYRALOG_EXTERNAL_ROOTS over the config file's externalRoots; empty means <dataDir>/external.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../wire/index.js';

const roots = (argv: string[], env: Record<string, string> = {}, file?: string): string[] | string => {
  const r = parseConfig(argv, env, () => file ?? '{}');
  return r.kind === 'ok' ? r.config.externalRoots : r.kind === 'error' ? r.message : 'help';
};

describe('external roots configuration', () => {
  it('defaults to none (the engine then uses <dataDir>/external)', () => {
    expect(roots([])).toEqual([]);
  });
  it('--external-root is repeatable and wins over the environment and the file', () => {
    expect(roots(['--external-root', '/a', '--external-root=/b'], { PYRALOG_EXTERNAL_ROOTS: '/c' })).toEqual(['/a', '/b']);
    expect(roots([], { PYRALOG_EXTERNAL_ROOTS: '/c:/d', PYRALOG_CONFIG: 'f.json' }, '{"externalRoots":["/e"]}')).toEqual(['/c', '/d']);
    expect(roots([], { PYRALOG_CONFIG: 'f.json' }, '{"externalRoots":["/e"]}')).toEqual(['/e']);
  });
  it('rejects bad values', () => {
    expect(roots(['--external-root'])).toBe('--external-root needs a value');
    expect(roots([], { PYRALOG_CONFIG: 'f.json' }, '{"externalRoots":"/e"}')).toBe('externalRoots must be a list of non-empty strings');
  });
});
