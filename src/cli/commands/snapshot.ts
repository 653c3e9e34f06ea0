// Placeholder until the 'snapshot' command lands in this session; replaced, never committed as is.
import type { GlobalOptions } from '../globals.js';
import { CozyError, ExitCode } from '../../errors.js';

export async function run(_options: Record<string, unknown>, _globals: GlobalOptions, _args: string[]): Promise<number> {
  throw new CozyError('the snapshot command is not available yet', ExitCode.INTERNAL);
}
