// The container image without the image: the Dockerfile's promises (multi-stage, a pinned Node 20 base,
// production dependencies only, a non-root user, ENTRYPOINT cozy-assess), and its runtime layout rebuilt in a
// temporary folder (dist/, package.json, schema/, the production dependencies alone) run through a
// `cozy-assess` link on PATH, from a working folder, writing nothing anywhere else: what a read-only root
// filesystem allows. scripts/check-image.sh builds and runs the real image where buildah or podman can.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { copyFile, cp, link, mkdir, readdir, readlink, stat, symlink } from 'node:fs/promises';
import { delimiter, dirname, join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { CLI_BIN, fixture, REPO_ROOT } from './support/cli.js';
import { tempDirs } from './support/temp.js';

const run = promisify(execFile);
// A CommonJS module whose types declare an ES default export: required, so that both agree.
const dockerignore = createRequire(import.meta.url)(
  '@balena/dockerignore',
) as typeof import('@balena/dockerignore').default;
const tempDir = tempDirs('cozy-image-');
const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
const instructions = dockerfile
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const stages = instructions.reduce<string[][]>((all, line) => {
  if (/^FROM /.test(line)) all.push([line]);
  else all.at(-1)?.push(line);
  return all;
}, []);

describe('Dockerfile', () => {
  it('is multi-stage on a Node 20 base pinned to one release', () => {
    assert.ok(stages.length >= 2, 'one stage only');
    const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1] ?? '';
    assert.match(base, /^docker\.io\/library\/node:20\.\d+\.\d+-[a-z]+-slim$/);
    for (const stage of stages) assert.match(stage[0]!, /^FROM \$\{NODE_IMAGE\}/);
  });

  it('ships production dependencies only, from the lock file, into the runtime stage', () => {
    const deps = stages.find((s) => / AS deps$/.test(s[0]!));
    assert.ok(deps?.some((l) => /^RUN npm ci --omit=dev\b/.test(l)));
    const runtime = stages.at(-1)!;
    assert.ok(runtime.includes('COPY --from=deps /build/node_modules ./node_modules'));
    assert.ok(!runtime.some((l) => /COPY --from=build \S*node_modules/.test(l)), 'dev dependencies copied');
  });

  it('copies only files the build context holds (.dockerignore does not filter them out)', () => {
    const ignored = dockerignore().add(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n'));
    const sources = instructions
      .filter((l) => /^COPY /.test(l) && !l.includes('--from='))
      .flatMap((l) => l.split(/\s+/).slice(1, -1));
    assert.ok(sources.includes('scripts/build.mjs'));
    for (const source of sources) assert.ok(!ignored.ignores(source), `${source} is in .dockerignore`);
  });

  it('starts node with the smaller young generation the README measures', () => {
    const runtime = stages.at(-1)!;
    assert.ok(runtime.some((l) => /^ENV .*NODE_OPTIONS=--max-semi-space-size=4(\s|$)/.test(l)));
  });

  it('runs as a non-root user, with cozy-assess as the entry point', () => {
    const runtime = stages.at(-1)!;
    const user = runtime.filter((l) => l.startsWith('USER ')).at(-1);
    assert.ok(user && !/^USER (root|0)(:|$)/.test(user), `USER: ${user}`);
    assert.ok(runtime.includes('ENTRYPOINT ["cozy-assess"]'));
    assert.ok(
      runtime.some((l) => l.includes('ln -s /opt/cozy-assess/dist/cli/bin.js /usr/local/bin/cozy-assess')),
    );
  });
});

/** Every file (not folder) under `dir` with its size and modification time, to tell whether anything was written. */
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const lines = await Promise.all(
    entries
      .filter((e) => !e.isDirectory())
      .map(async (e) => {
        const path = join(e.parentPath, e.name);
        const info = await stat(path).catch(() => undefined);
        return `${relative(dir, path)} ${info?.size ?? '-'} ${info?.mtimeMs ?? '-'}`;
      }),
  );
  return lines.sort();
}

/**
 * `from` re-made at `to`, its files hard-linked (copied where linking fails, across file systems): the ~6 000
 * files of the production dependencies in a fraction of a copy's time. A file the run wrote into would still show
 * in the listing (its size or time changes).
 */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  const info = await stat(from).catch(() => undefined);
  if (!info?.isDirectory()) return info ? linkFile(from, to) : undefined;
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const [source, target] = [join(from, entry.name), join(to, entry.name)];
    if (entry.isDirectory()) await linkTree(source, target);
    else if (entry.isSymbolicLink())
      await symlink(await readlink(source), target).catch((e: NodeJS.ErrnoException) => ignoreExisting(e));
    else await linkFile(source, target);
  }
}

/** A file already there came with its parent package (npm ls lists nested packages too): never copied onto. */
function ignoreExisting(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EEXIST') throw error;
}

async function linkFile(source: string, target: string): Promise<void> {
  await link(source, target).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return;
    if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
    await copyFile(source, target);
  });
}

describe('the image layout, without the image', () => {
  let app: string;
  let data: string;
  let env: NodeJS.ProcessEnv;
  let before_: string[];

  before(async () => {
    const root = await tempDir();
    app = join(root, 'opt/cozy-assess');
    data = join(root, 'data');
    const bin = join(root, 'usr/local/bin');
    await Promise.all([mkdir(app, { recursive: true }), mkdir(data), mkdir(bin, { recursive: true })]);
    // What the runtime stage copies: dist/, package.json, schema/ and the production dependencies alone.
    await cp(join(REPO_ROOT, 'dist'), join(app, 'dist'), { recursive: true });
    await cp(join(REPO_ROOT, 'schema'), join(app, 'schema'), { recursive: true });
    await cp(join(REPO_ROOT, 'package.json'), join(app, 'package.json'));
    const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
      cwd: REPO_ROOT,
      timeout: 60_000,
    });
    const modules = join(REPO_ROOT, 'node_modules');
    for (const path of stdout.split('\n').filter((p) => p.startsWith(`${modules}/`))) {
      await linkTree(path, join(app, 'node_modules', relative(modules, path)));
    }
    await symlink(join(app, relative(REPO_ROOT, CLI_BIN)), join(bin, 'cozy-assess'));
    const home = join(root, 'home');
    await mkdir(home);
    env = { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, HOME: home, NO_COLOR: '1', CI: '1' };
    before_ = await listing(root);
  });

  const cozyAssess = (...args: string[]) =>
    run('cozy-assess', args, { cwd: data, env, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('runs the entry point with production dependencies only, and writes only into its working folder', async () => {
    const version = await cozyAssess('--version');
    assert.equal(
      version.stdout.trim(),
      JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version,
    );
    const assess = await cozyAssess(
      'assess',
      '--snapshot',
      fixture('healthy'),
      '--target',
      'v0.37.2',
      '--no-backup',
      '--now',
      '2025-10-24T12:00:00Z',
      '--json',
      'assessment.json',
    );
    assert.equal(assess.code, 0, assess.stderr);
    const root = join(app, '../..');
    const written = (await listing(root)).filter((line) => !before_.includes(line));
    const paths = written.map((line) => line.split(' ')[0]!);
    assert.deepEqual(
      paths.filter((p) => !p.startsWith('data/')),
      [],
    );
    assert.ok(paths.includes('data/assessment.json'), paths.join(' '));
    assert.ok(
      paths.some((p) => /^data\/cozy-assess-report-.*\.md$/.test(p)),
      paths.join(' '),
    );
  });
});
