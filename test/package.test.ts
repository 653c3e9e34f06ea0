// What `npm pack` puts in the tarball, and that kubectl finds the plugin binary on PATH. The slow half (a clean
// clone, npm install -g of the tarball, the demo from another folder, npx) is scripts/check-package.sh, which
// CI runs after the suite. This half needs the built dist/ (npm test builds first).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { kubectlAvailable } from './support/kubectl.js';
import { REPO_ROOT } from './support/repo.js';

const run = promisify(execFile);
const ROOT = `${REPO_ROOT}/`;
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  repository?: { url?: string };
  keywords?: string[];
};

async function packedFiles(): Promise<string[]> {
  // --ignore-scripts: the suite has just built dist/; prepack would build it again.
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: ROOT,
    timeout: 60_000,
  });
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  return pack!.files.map((f) => f.path).sort();
}

/** Relative specifiers of static and lazy imports in a built module. */
function relativeImports(source: string): string[] {
  const found = source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g);
  return [...found].map((m) => m[1]!);
}

describe('the npm package', () => {
  let files: string[];
  before(async () => {
    files = await packedFiles();
  });

  it('builds before packing, and names its licence, repository and keywords', () => {
    assert.match(manifest.scripts.prepack ?? '', /npm run build/);
    assert.equal(manifest.license, 'Apache-2.0');
    assert.match(readFileSync(join(ROOT, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0, January 2004/);
    assert.match(manifest.repository?.url ?? '', /github\.com\/cozystack\/cozy-assess/);
    assert.ok((manifest.keywords ?? []).includes('kubectl-plugin'));
  });

  it('ships the binaries, the catalog, the schema and the licence; no sources, tests or source maps', () => {
    for (const needed of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/cli/bin.js',
      'dist/catalog/releases.yaml',
      'dist/catalog/releases.json',
      'dist/cluster/client-node.js',
      'schema/assessment.schema.json',
    ]) {
      assert.ok(files.includes(needed), `${needed} is not in the tarball`);
    }
    const stray = files.filter((f) => /\.map$|\.ts$/.test(f) || /^(src|test|fixtures|scripts)\//.test(f));
    assert.deepEqual(stray, []);
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      assert.doesNotMatch(readFileSync(join(ROOT, file), 'utf8'), /sourceMappingURL/, file);
    }
  });

  it('every relative import of a shipped module resolves to a shipped file', () => {
    const shipped = new Set(files);
    const missing: string[] = [];
    for (const file of files.filter((f) => f.endsWith('.js'))) {
      for (const spec of relativeImports(readFileSync(join(ROOT, file), 'utf8'))) {
        const target = normalize(join(dirname(file), spec));
        if (!shipped.has(target)) missing.push(`${file} → ${spec}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('has the bins cozy-assess, the kubectl plugin kubectl-cozy_assess and its completion kubectl_complete-cozy_assess', () => {
    assert.deepEqual(Object.keys(manifest.bin).sort(), [
      'cozy-assess',
      'kubectl-cozy_assess',
      'kubectl_complete-cozy_assess',
    ]);
    assert.equal(manifest.bin['kubectl-cozy_assess'], manifest.bin['cozy-assess']);
    for (const target of Object.values(manifest.bin)) {
      assert.ok(files.includes(target), `${target} is not shipped`);
      assert.match(readFileSync(join(ROOT, target), 'utf8'), /^#!\/usr\/bin\/env node\n/);
    }
  });
});

describe('kubectl cozy-assess (a kubectl plugin found on PATH)', {
  skip: kubectlAvailable() ? false : 'kubectl is not on PATH',
}, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(async () => {
    // What npm install -g does: a link named after the bin, in a folder on PATH.
    dir = await mkdtemp(join(tmpdir(), 'cozy-plugin-'));
    for (const name of ['kubectl-cozy_assess', 'kubectl_complete-cozy_assess'])
      await symlink(join(ROOT, manifest.bin[name]!), join(dir, name));
    env = { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('kubectl plugin list shows it, and kubectl cozy-assess runs it with its arguments', async () => {
    const list = await run('kubectl', ['plugin', 'list'], { env, timeout: 30_000 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }), // exits 1 when another plugin on PATH warns
    );
    assert.match(list.stdout, new RegExp(`${dir}/kubectl-cozy_assess`));
    const version = await run('kubectl', ['cozy-assess', '--version'], { env, timeout: 30_000 });
    assert.equal(version.stdout.trim(), manifest.version);
    const check = await run(
      'kubectl',
      ['cozy-assess', 'check', '--snapshot', join(ROOT, 'fixtures/healthy'), '-o', 'json'],
      { env, timeout: 60_000, cwd: dir, maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal((JSON.parse(check.stdout) as { exitCode: number }).exitCode, 0);
  });

  it("kubectl completes kubectl cozy-assess's commands and flags through kubectl_complete-cozy_assess", async () => {
    // `kubectl __complete …` is what kubectl's own completion script asks (cobra); its stdout is the answer.
    const complete = async (...words: string[]) => {
      const result = await run('kubectl', ['__complete', 'cozy-assess', ...words], { env, timeout: 30_000 });
      return result.stdout.split('\n').filter(Boolean);
    };
    const commands = await complete('as');
    assert.deepEqual(
      commands.map((l) => l.split('\t')[0]),
      ['assess', ':4'],
    );
    const formats = await complete('check', '-o', 'j');
    assert.deepEqual(formats, ['json', 'junit', ':4']);
    assert.deepEqual(await complete('backup', 'verify', ''), [':16']);
  });
});
