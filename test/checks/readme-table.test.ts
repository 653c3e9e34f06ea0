// The README's "Built-in checks" table is the registry as people read it: one row per check, in registry
// order, with the same id, title, role, blocking default, needs and params. Changing one without the other
// fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { BUILTIN_CHECKS } from '../../src/checks/registry.js';
import type { Check } from '../../src/checks/types.js';
import { repoPath } from '../support/repo.js';

const README = readFileSync(repoPath('README.md'), 'utf8');

interface Row {
  id: string;
  title: string;
  role: string;
  blocking: boolean;
  needs: string[];
  params: string[];
}

/** The table under "### Built-in checks", up to the first blank line. */
function tableRows(): string[][] {
  const section = README.split('\n### Built-in checks\n')[1];
  assert.ok(section, 'README has a "### Built-in checks" section');
  const lines = section.trimStart().split('\n\n')[0]!.split('\n');
  assert.match(lines[0]!, /^\| id \| title \| role \| blocking \| needs \(types\) \| params \|$/);
  return lines.slice(2).map((line) =>
    line
      .replace(/^\|/, '')
      .replace(/\|$/, '')
      .split('|')
      .map((cell) => cell.trim()),
  );
}

/** `a, b` → [a, b]; `none (…)` → []; parenthesised notes and backticks dropped. */
function list(cell: string): string[] {
  const text = cell
    .replace(/\([^)]*\)/g, '')
    .replace(/`/g, '')
    .trim();
  return text === 'none' || text === '' ? [] : text.split(',').map((item) => item.trim());
}

function parse(cells: string[]): Row {
  assert.equal(cells.length, 6, cells.join(' | '));
  const [id, title, role, blocking, needs, params] = cells as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  assert.match(blocking, /^(yes|no)\b/, `blocking of ${id}: yes or no, then an optional note`);
  return {
    id: id.replace(/`/g, ''),
    title,
    role,
    blocking: blocking.startsWith('yes'),
    needs: list(needs),
    params: list(params),
  };
}

function rowOf(check: Check): Row {
  const schema = check.paramsSchema;
  return {
    id: check.id,
    title: check.title,
    role: check.role ?? 'standalone',
    blocking: check.blocking,
    needs: [...check.needs],
    params: schema instanceof z.ZodObject ? Object.keys(schema.shape) : [],
  };
}

describe('README "Built-in checks" table', () => {
  it('lists every built-in check, in registry order, as the registry declares it', () => {
    assert.deepEqual(tableRows().map(parse), BUILTIN_CHECKS.map(rowOf));
  });
});
