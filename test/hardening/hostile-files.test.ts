// Hostile and unlucky snapshot paths (issue 12): each ends in bounded time with a BadInputError (exit 2)
// naming the path and the fault, never a hang, a stack overflow or exit 1. Most cases run in-process on the
// reader the CLI calls; the FIFO and the nesting bomb also go through the binary, because a hang or a stack
// overflow shows only there.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MAX_NESTING_DEPTH } from '../../src/cluster/parse-files.js';
import { openSnapshotSource } from '../../src/cluster/snapshot.js';
import { BadInputError } from '../../src/errors.js';
import { fixture, runGuarded, tempFolder } from './guard.js';

const root = await tempFolder('cozy-hostile-');
let counter = 0;

/** A copy of fixtures/healthy plus whatever `add` puts into it. */
function snapshotWith(add: (dir: string) => void): string {
  const dir = join(root, `case-${++counter}`);
  cpSync(fixture('healthy'), dir, { recursive: true });
  add(dir);
  return dir;
}

async function readError(path: string): Promise<BadInputError> {
  try {
    const source = await openSnapshotSource(path);
    await source.close();
  } catch (error) {
    assert.ok(error instanceof BadInputError, `a BadInputError, not ${String(error)}`);
    return error;
  }
  assert.fail(`${path} was accepted`);
}

const configMap = (extra: string) =>
  `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","namespace":"default"},"data":{}${extra}}`;

/** A 504-byte YAML file whose 9 levels of 10 aliases expand to 10^9 strings. */
function aliasBomb(): string {
  const lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: default}\n`;
}

describe('hostile snapshot paths', () => {
  it('refuses a FIFO among the files, naming it, without opening it', async () => {
    const dir = snapshotWith((d) => execFileSync('mkfifo', [join(d, 'pipe.json')]));
    const error = await readError(dir);
    assert.match(error.message, /pipe\.json: not a regular file but a FIFO/);
  });

  it('refuses a socket-like or device path given as the snapshot itself', async () => {
    const error = await readError('/dev/null');
    assert.match(error.message, /\/dev\/null: a snapshot is a folder or a regular file, not a device/);
  });

  it('names a symbolic link loop (ELOOP) instead of crashing', async () => {
    const dir = snapshotWith((d) => {
      symlinkSync('b.json', join(d, 'a.json'));
      symlinkSync('a.json', join(d, 'b.json'));
    });
    const error = await readError(dir);
    assert.match(error.message, /a\.json: snapshot path cannot be read \(ELOOP/);
  });

  it('refuses an alias bomb in bounded time, naming the file', async () => {
    const dir = snapshotWith((d) => writeFileSync(join(d, 'bomb.yaml'), aliasBomb()));
    const error = await readError(dir);
    assert.match(error.message, /bomb\.yaml: not valid YAML: Excessive alias count/);
  });

  it('refuses nesting deeper than the API server accepts, in JSON and in YAML', async () => {
    const depth = MAX_NESTING_DEPTH + 5;
    const json = snapshotWith((d) =>
      writeFileSync(join(d, 'deep.json'), configMap(`,"x":${'['.repeat(depth)}${']'.repeat(depth)}`)),
    );
    assert.match((await readError(json)).message, /deep\.json: nested more than 10000 levels deep/);
    const yaml = snapshotWith((d) =>
      writeFileSync(join(d, 'deep.yaml'), `x: ${'['.repeat(depth)}${']'.repeat(depth)}\n`),
    );
    assert.match((await readError(yaml)).message, /deep\.yaml: nested more than 10000 levels deep/);
  });

  it('accepts nesting at the API server limit', async () => {
    const depth = MAX_NESTING_DEPTH - 10;
    const dir = snapshotWith((d) =>
      writeFileSync(join(d, 'deep.json'), configMap(`,"x":${'['.repeat(depth)}${']'.repeat(depth)}`)),
    );
    const source = await openSnapshotSource(dir);
    await source.close();
  });

  it('names the file and field of a version.json whose gitVersion is not a string', async () => {
    const dir = snapshotWith((d) =>
      writeFileSync(join(d, 'version.json'), '{"serverVersion":{"gitVersion":5}}'),
    );
    const error = await readError(dir);
    assert.match(error.message, /version\.json: invalid version file: serverVersion\.gitVersion/);
  });
});

describe('hostile snapshot paths through the binary', () => {
  const noStack = (stderr: string) => assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n|internal error/);

  it('check with a FIFO in the snapshot exits 2 at once instead of hanging', async () => {
    const dir = snapshotWith((d) => execFileSync('mkfifo', [join(d, 'state.json')]));
    const result = await runGuarded(['check', '--snapshot', dir], { killAfterMs: 30_000 });
    assert.equal(result.hung, false);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /state\.json: not a regular file but a FIFO/);
    noStack(result.stderr);
  });

  it('backup of a snapshot with 100 000 nested arrays exits 2 naming the file (no stack overflow)', async () => {
    const dir = snapshotWith((d) =>
      writeFileSync(join(d, 'deep.json'), configMap(`,"x":${'['.repeat(100_000)}${']'.repeat(100_000)}`)),
    );
    const out = join(root, `backup-${++counter}`);
    mkdirSync(out);
    const result = await runGuarded(['backup', '--snapshot', dir, '--out', out], { killAfterMs: 60_000 });
    assert.equal(result.hung, false);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /deep\.json: nested more than 10000 levels deep/);
    noStack(result.stderr);
  });
});
