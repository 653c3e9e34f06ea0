// The room map (docs/design-notes.md, "Rooms"): every folder of src/ imports only rooms below it, and no file
// imports in a cycle. Type imports and lazy `import()` count too: a type pulled from a higher room is the
// same dependency as a value.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { repoPath } from './support/repo.js';

const SRC = `${repoPath('src')}/`;

/** Rank of each room: a room may import rooms of a lower rank only. Rooms of one rank do not import each other. */
export const ROOMS: Record<string, number> = {
  model: 0,
  'errors.ts': 0,
  cluster: 1,
  inventory: 2,
  catalog: 3,
  checks: 4,
  backup: 5,
  decide: 5,
  report: 5,
  migration: 6,
  cli: 7,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative specifiers a file imports: static (value or type), re-exports and dynamic `import()`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [
    ...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g),
    ...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]!);
  return specifiers.filter((s) => s.startsWith('.'));
}

/** `src/<room>/...` → room; a file directly in src/ is its own room. */
function roomOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.split('/')[0]!;
}

function resolveTs(from: string, specifier: string): string {
  return normalize(join(dirname(from), specifier)).replace(/\.js$/, '.ts');
}

describe('rooms import one way', () => {
  const files = sourceFiles(SRC);
  const edges = files.map((file) => ({
    file,
    targets: importsOf(file).map((s) => resolveTs(file, s)),
  }));

  it('names every room of src/ in the map', () => {
    const unknown = [...new Set(files.map(roomOf))].filter((room) => !(room in ROOMS));
    assert.deepEqual(unknown, [], 'add new rooms to ROOMS here and to the room map in docs/design-notes.md');
  });

  it('imports only from lower rooms (or its own)', () => {
    const wrong: string[] = [];
    for (const { file, targets } of edges) {
      const from = roomOf(file);
      for (const target of targets) {
        const to = roomOf(target);
        if (to === from) continue;
        if (!((ROOMS[to] ?? 99) < (ROOMS[from] ?? -1))) {
          wrong.push(`${relative(SRC, file)} → ${relative(SRC, target)} (${from} → ${to})`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('has no file-level import cycle', () => {
    const graph = new Map(edges.map(({ file, targets }) => [file, targets]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    assert.deepEqual(cycles, []);
  });
});

describe('tests', () => {
  // `npm test` runs them compiled in .test-build/, where a path taken from a test's own location points into
  // the build, not at the repository's files: they go through test/support/repo.ts.
  it('find the repository files they read through test/support/repo.ts, never from their own location', () => {
    const readers = sourceFiles(repoPath('test'))
      .filter((file) => !file.endsWith(join('support', 'repo.ts')))
      .filter((file) =>
        /new URL\([^)]*import\.meta\.url\)|import\.meta\.(?:dirname|filename)/.test(
          readFileSync(file, 'utf8'),
        ),
      )
      .map((file) => relative(repoPath(), file));
    assert.deepEqual(readers, []);
  });
});
