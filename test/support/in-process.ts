// Runs a command module (`src/cli/commands/*.ts`) in this process, with stdout and stderr captured, so that
// scenario tests get the command's real answer (exit code and document) without spawning the binary.
import { resolveGlobals } from '../../src/cli/globals.js';

type Command = {
  run(
    options: Record<string, unknown>,
    globals: ReturnType<typeof resolveGlobals>,
    args: string[],
  ): Promise<number>;
};

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * One command at a time: its output is captured by swapping process.stdout/stderr.write while it runs.
 * Commands write strings; the test runner's own reports to its parent are binary, and pass through.
 */
export async function runInProcess(
  command: Command,
  options: Record<string, unknown>,
  globals: Record<string, unknown>,
): Promise<InProcessResult> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (into: string[], original: typeof process.stdout.write, stream: NodeJS.WriteStream) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      if (typeof chunk !== 'string')
        return (original as (...a: unknown[]) => boolean).call(stream, chunk, ...rest);
      into.push(chunk);
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture(out, write.stdout, process.stdout);
  process.stderr.write = capture(err, write.stderr, process.stderr);
  try {
    const code = await command.run(options, resolveGlobals({ color: false, ...globals }), []);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = write.stdout;
    process.stderr.write = write.stderr;
  }
}
