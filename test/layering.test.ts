// Holds the import rules of DESIGN.md: lsm and external import nothing internal; catalog may
// import lsm; planner may import catalog, lsm, external; wire may import planner and catalog
// (wire/main.ts is the one place that wires everything together and may import anything).
// Outside a folder, only its door (index.ts) may be imported — except that a folder's own
// files import each other freely.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

const root = resolve(__dirname, '..');
const FOLDERS = ['lsm', 'external', 'catalog', 'planner', 'wire'] as const;
type Folder = (typeof FOLDERS)[number];
const ALLOWED: Record<Folder, readonly Folder[]> = {
  lsm: [],
  external: [],
  catalog: ['lsm'],
  planner: ['catalog', 'lsm', 'external'],
  wire: ['planner', 'catalog'],
};

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...tsFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

function importsOf(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|new URL\(\s*['"]([^'"]+)['"]/g;
  for (let m = re.exec(src); m; m = re.exec(src)) specs.push((m[1] ?? m[2] ?? m[3])!);
  return specs.filter((s) => s.startsWith('.'));
}

describe('layering', () => {
  for (const folder of FOLDERS) {
    it(`${folder}/ imports only what the design allows`, () => {
      const violations: string[] = [];
      for (const file of tsFiles(join(root, folder))) {
        const isMain = relative(root, file) === join('wire', 'main.ts');
        for (const spec of importsOf(file)) {
          const target = relative(root, resolve(dirname(file), spec));
          const targetFolder = target.split(sep)[0] as Folder;
          if (targetFolder === folder) continue;
          if (!FOLDERS.includes(targetFolder)) {
            violations.push(`${relative(root, file)} imports ${spec} (outside the source folders)`);
            continue;
          }
          if (isMain) continue;
          if (!ALLOWED[folder].includes(targetFolder)) {
            violations.push(`${relative(root, file)} imports ${targetFolder}/ (${spec})`);
          }
          const door = target.replace(/\.(js|ts)$/, '');
          // planner/api.ts is the declared wire<->planner contract and may be imported directly.
          if (door !== join(targetFolder, 'index') && door !== join('planner', 'api')) {
            violations.push(`${relative(root, file)} bypasses ${targetFolder}/index.ts (${spec})`);
          }
        }
      }
      expect(violations).toEqual([]);
    });
  }

  it('detects a violation (the rule itself can fail)', () => {
    const fake = "import { x } from '../wire/index.js';";
    const re = /from\s*['"]([^'"]+)['"]/;
    expect(re.exec(fake)?.[1]).toBe('../wire/index.js');
  });
});
