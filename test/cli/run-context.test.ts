// The run context on its own: signals abort the run and map to 130/143 in one place, a second signal or a
// run that ignores the abort ends the process, and --timeout ends the run INCOMPLETE naming the phase.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError, type SignalSource, type StopSignal, startRun } from '../../src/cli/run-context.js';
import { IncompleteError } from '../../src/errors.js';

/** A signal source the test fires by hand, and a record of every forced exit. */
function harness(graceMs = 60_000) {
  let listener: ((signal: StopSignal) => void) | undefined;
  const signals: SignalSource = {
    listen: (l) => {
      listener = l;
      return () => {
        listener = undefined;
      };
    },
  };
  const exits: Array<{ line: string; code: number }> = [];
  const run = startRun({
    command: 'check',
    signals,
    graceMs,
    forceExit: (line, code) => exits.push({ line, code }),
  });
  return {
    run,
    exits,
    send: (signal: StopSignal) => listener?.(signal),
    listening: () => listener !== undefined,
  };
}

describe('run context', () => {
  it('SIGINT aborts the signal; the run ends 130 with a line naming the command and the phase', () => {
    const { run, send } = harness();
    run.context.enterPhase('Reading 12 resource types from context prod');
    send('SIGINT');
    assert.equal(run.context.signal.aborted, true);
    assert.equal(run.context.received(), 'SIGINT');
    assert.equal(run.context.timedOut(), false);
    const failure = run.failure(new Error('aborted'), () => {});
    assert.ok(failure instanceof InterruptedError);
    assert.equal(failure.exitCode, 130);
    assert.equal(
      failure.message,
      'interrupted by SIGINT: cozy-assess check stopped before it finished (it was at: Reading 12 resource types from context prod); no results were written',
    );
    run.dispose();
  });

  it('SIGTERM is 143, and what the command cleaned up replaces the generic line', () => {
    const { run, send } = harness();
    send('SIGTERM');
    run.context.noteCleanup('removed the partial backup folder x; no backup was written');
    const failure = run.failure(new Error('aborted'), () => {});
    assert.ok(failure instanceof InterruptedError);
    assert.equal(failure.exitCode, 143);
    assert.equal(
      failure.message,
      'interrupted by SIGTERM: removed the partial backup folder x; no backup was written',
    );
    run.dispose();
  });

  it('a second signal ends the process at once with its code', () => {
    const { run, send, exits } = harness();
    send('SIGINT');
    assert.equal(exits.length, 0, 'the first signal only asks the run to stop');
    send('SIGTERM');
    assert.equal(exits.length, 1);
    assert.equal(exits[0]!.code, 143);
    assert.match(exits[0]!.line, /^interrupted by SIGTERM: cozy-assess check stopped/);
    run.dispose();
  });

  it('a run that ignores the abort is ended after the grace period; one that ends in time is not', async () => {
    const ignoring = harness(20);
    ignoring.send('SIGINT');
    await sleep(80);
    assert.equal(ignoring.exits.length, 1);
    assert.equal(ignoring.exits[0]!.code, 130);
    ignoring.run.dispose();

    const prompt = harness(20);
    prompt.send('SIGINT');
    prompt.run.dispose();
    await sleep(80);
    assert.deepEqual(prompt.exits, []);
    assert.equal(prompt.listening(), false, 'dispose stops listening');
  });

  it('--timeout aborts the run; it ends INCOMPLETE (exit 4) naming the phase, and is bounded like a signal', async () => {
    const { run, exits } = harness(20);
    run.limit(5);
    run.context.enterPhase('Writing and verifying the backup');
    await sleep(10);
    assert.equal(run.context.signal.aborted, true);
    assert.equal(run.context.timedOut(), true);
    const failure = run.failure(new Error('aborted'), () => {});
    assert.ok(failure instanceof IncompleteError);
    assert.equal(failure.exitCode, 4);
    assert.equal(
      failure.message,
      'cozy-assess check did not finish within --timeout (5 ms) (it was at: Writing and verifying the backup)',
    );
    await sleep(80);
    assert.equal(exits.length, 1);
    assert.equal(exits[0]!.code, 4);
    assert.match(exits[0]!.line, /^error: cozy-assess check did not finish within --timeout/);
    run.dispose();
  });

  it('an error that is not a stop is returned as is, after saying what the command cleaned up', () => {
    const { run } = harness();
    const lines: string[] = [];
    const error = new Error('disk full');
    run.context.noteCleanup('removed the partial folder y; no snapshot was written');
    assert.equal(
      run.failure(error, (l) => lines.push(l)),
      error,
    );
    assert.deepEqual(lines, [
      'cozy-assess check stopped: removed the partial folder y; no snapshot was written',
    ]);
    run.dispose();
  });
});
