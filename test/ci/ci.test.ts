// The CI recipes as a CI system runs them: the GitHub action's own scripts (scripts/github-action.sh and
// scripts/github-gate.sh, with the environment the runner gives them) and the GitLab template's script, against
// the fake API server. They write the report, JSON and JUnit where the artifacts are taken from, tell NO-GO from
// INCOMPLETE, append the step summary, and never leave a plaintext Secret in the workspace.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { parse } from 'yaml';
import { junitSchemaErrors } from '../report/junit-schema.js';
import { CLI_BIN, fixture, REPO_ROOT } from '../support/cli.js';
import { type FakeApiServer, startFakeApiServer } from '../support/fake-apiserver.js';
import { tempDirs } from '../support/temp.js';

const NOW = '2025-10-24T12:00:00Z';
const tempDir = tempDirs('cozy-ci-');

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function bash(script: string, env: Record<string, string>, cwd: string, args: string[] = []): Promise<Ran> {
  return new Promise((done) => {
    execFile(
      'bash',
      ['-c', script, 'ci', ...args],
      {
        cwd,
        env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env },
        maxBuffer: 64 * 1024 * 1024,
        timeout: 120_000,
      },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `KEY=value` lines (GITHUB_OUTPUT, a dotenv report) as an object. */
function keyValues(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

const action = parse(readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
  runs: {
    using: string;
    steps: Array<{
      id?: string;
      uses?: string;
      run?: string;
      env?: Record<string, string>;
      with?: Record<string, string>;
      if?: string;
    }>;
  };
};

describe('action.yml', () => {
  it('is a composite action with the inputs a gate needs, defaulting to no backup', () => {
    assert.equal(action.runs.using, 'composite');
    for (const input of ['kubeconfig', 'context', 'target', 'fail-on', 'backup', 'age-recipient']) {
      assert.ok(action.inputs[input], `no input ${input}`);
    }
    assert.equal(action.inputs.backup?.default, 'none');
    for (const output of ['verdict', 'exit-code', 'report', 'json', 'junit'])
      assert.ok(action.outputs[output]);
  });

  it('hands every input to the script, uploads report, JSON and JUnit even on failure, then gates', () => {
    const text = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8');
    const used = new Set([...text.matchAll(/\$\{\{ inputs\.([\w-]+) \}\}/g)].map((m) => m[1]!));
    assert.deepEqual(
      [...used].filter((name) => !action.inputs[name]),
      [],
    );
    const assess = action.runs.steps.find((s) => s.id === 'assess')!;
    assert.match(assess.run ?? '', /scripts\/github-action\.sh/);
    const upload = action.runs.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    assert.equal(upload.if, 'always()');
    for (const file of ['report.md', 'assessment.json', 'junit.xml'])
      assert.match(upload.with?.path ?? '', new RegExp(file));
    assert.match(action.runs.steps.at(-1)!.run ?? '', /scripts\/github-gate\.sh/);
  });

  it('the example workflow uses only inputs the action has, and takes no backup', () => {
    const workflow = parse(readFileSync(join(REPO_ROOT, 'examples/ci/github-upgrade-gate.yml'), 'utf8')) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>;
    };
    const step = Object.values(workflow.jobs)
      .flatMap((j) => j.steps)
      .find((s) => s.uses?.startsWith('cozystack/cozy-assess@'))!;
    assert.deepEqual(
      Object.keys(step.with ?? {}).filter((k) => !action.inputs[k]),
      [],
    );
    assert.equal(step.with?.backup, 'none');
    assert.match(step.with?.kubeconfig ?? '', /^\$\{\{ secrets\./);
  });
});

describe('the action and the GitLab template, run against the fake API server', () => {
  let seed: FakeApiServer;
  let recipient: string;
  let bin: string;
  before(async () => {
    seed = await startFakeApiServer({ snapshotDir: fixture('seed-incident'), token: 'ci-token' });
    recipient = await identityToRecipient(await generateIdentity());
    bin = join(await tempDir(), 'bin');
    await mkdir(bin);
    await symlink(CLI_BIN, join(bin, 'cozy-assess'));
  });
  after(async () => {
    await seed?.close();
  });

  async function runAction(server: FakeApiServer, inputs: Record<string, string>) {
    const work = await tempDir();
    const runnerTemp = join(work, 'runner-temp');
    await mkdir(runnerTemp);
    const output = join(work, 'github-output');
    const summary = join(work, 'step-summary');
    await writeFile(output, '');
    await writeFile(summary, '# earlier step\n');
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: runnerTemp,
      CI: 'true',
      NO_COLOR: '1',
      COZY_BIN: `${process.execPath} ${CLI_BIN}`,
      COZY_KUBECONFIG: await readFile(server.kubeconfigPath, 'utf8'),
      COZY_TARGET: 'v0.37.2',
      COZY_ARGS: `--now ${NOW}`,
      ...inputs,
    };
    const assess = await bash(`bash ${join(REPO_ROOT, 'scripts/github-action.sh')}`, env, work);
    const outputs = keyValues(await readFile(output, 'utf8'));
    const gate = await bash(
      `bash ${join(REPO_ROOT, 'scripts/github-gate.sh')}`,
      {
        VERDICT: outputs.verdict ?? '',
        CODE: outputs['exit-code'] ?? '',
      },
      work,
    );
    return { work, runnerTemp, assess, outputs, gate, summary: await readFile(summary, 'utf8') };
  }

  it('NO-GO: the step passes with outputs, the files are where the upload takes them, the gate fails with exit 3', async () => {
    const run = await runAction(seed, { COZY_BACKUP: 'encrypted', COZY_AGE_RECIPIENT: recipient });
    assert.equal(run.assess.code, 0, run.assess.stderr);
    assert.equal(run.outputs.verdict, 'NO-GO');
    assert.equal(run.outputs['exit-code'], '3');
    for (const file of ['report.md', 'assessment.json', 'junit.xml']) {
      assert.ok(existsSync(join(run.work, 'cozy-assess', file)), file);
    }
    assert.deepEqual(junitSchemaErrors(await readFile(join(run.work, 'cozy-assess/junit.xml'), 'utf8')), []);
    assert.match(run.summary, /^# earlier step\n/);
    assert.match(run.summary, /NO-GO/);
    assert.equal(run.gate.code, 3);
    assert.match(run.gate.stdout, /^::error title=cozy-assess NO-GO::/m);
    // GITHUB_ACTIONS=true: blocking findings and warnings are annotated on stderr, stdout keeps its output.
    assert.match(run.assess.stderr, /^::error title=cozy-assess blocking%3A kube-ovn/m);
    assert.match(run.assess.stderr, /^::warning title=cozy-assess /m);
    assert.doesNotMatch(run.assess.stdout, /^::(error|warning) title=cozy-assess (blocking|warning)/m);
    // The kubeconfig lived in the runner's temporary folder only while the step ran.
    assert.deepEqual(await filesUnder(run.runnerTemp), []);
    // Secrets are in the backup only encrypted.
    const backup = await filesUnder(join(run.work, 'cozy-assess/backup'));
    assert.ok(
      backup.some((f) => f.endsWith('secrets/secrets.json.age')),
      backup.join(' '),
    );
    assert.deepEqual(
      backup.filter((f) => /secret/i.test(f) && !f.endsWith('.age') && !f.endsWith('/secrets')),
      [],
    );
  });

  it('INCOMPLETE is told apart: its own output, its own annotation, exit 4', async () => {
    const healthy = await startFakeApiServer({
      snapshotDir: fixture('healthy'),
      token: 't',
      forbidden: ['pods'],
    });
    try {
      const run = await runAction(healthy, {});
      assert.equal(run.outputs.verdict, 'INCOMPLETE', run.assess.stderr);
      assert.equal(run.gate.code, 4);
      assert.match(run.gate.stdout, /^::error title=cozy-assess INCOMPLETE::/m);
      assert.equal(await filesUnder(join(run.work, 'cozy-assess/backup')).then((f) => f.length), 0);
    } finally {
      await healthy.close();
    }
  });

  it('refuses an encrypted backup without a recipient, before reading the cluster', async () => {
    const requests = seed.requestLog.length;
    const run = await runAction(seed, { COZY_BACKUP: 'encrypted' });
    assert.equal(run.outputs.verdict, 'BAD-INPUT');
    assert.match(run.assess.stdout, /::error title=cozy-assess::backup: encrypted needs age-recipient/);
    assert.equal(run.gate.code, 2);
    assert.equal(seed.requestLog.length, requests);
  });

  const gitlab = parse(readFileSync(join(REPO_ROOT, 'examples/ci/gitlab-ci.yml'), 'utf8')) as Record<
    string,
    {
      script: string[];
      artifacts: { when: string; paths: string[]; reports: { junit: string; dotenv: string } };
    }
  >;
  const job = gitlab['cozy-assess']!;

  async function runGitlab(env: Record<string, string>) {
    const work = await tempDir();
    const result = await bash(
      job.script.join('\n'),
      {
        PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
        KUBECONFIG: seed.kubeconfigPath,
        COZY_TARGET: 'v0.37.2',
        CI: 'true',
        NO_COLOR: '1',
        ...env,
      },
      work,
    );
    return { work, result };
  }

  it('GitLab: the job exits 3 on NO-GO, the JUnit report is valid, the verdict goes to a dotenv report', async () => {
    const { work, result } = await runGitlab({ AGE_RECIPIENT: recipient });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stdout, /cozy-assess: NO-GO \(exit 3\)/);
    assert.equal(job.artifacts.when, 'always');
    const junit = await readFile(join(work, job.artifacts.reports.junit), 'utf8');
    assert.deepEqual(junitSchemaErrors(junit), []);
    for (const path of job.artifacts.paths) assert.ok(existsSync(join(work, path)), path);
    assert.deepEqual(keyValues(await readFile(join(work, job.artifacts.reports.dotenv), 'utf8')), {
      COZY_ASSESS_VERDICT: 'NO-GO',
      COZY_ASSESS_EXIT_CODE: '3',
    });
    const files = await filesUnder(join(work, 'cozy-assess/backup'));
    assert.ok(files.some((f) => f.endsWith('secrets/secrets.json.age')));
    assert.deepEqual(
      files.filter((f) => /secret/i.test(f) && !f.endsWith('.age') && !f.endsWith('/secrets')),
      [],
    );
  });

  it('GitLab: without AGE_RECIPIENT no backup is taken at all', async () => {
    const { work, result } = await runGitlab({});
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(await filesUnder(join(work, 'cozy-assess/backup')), []);
  });
});
