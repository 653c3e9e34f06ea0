// The thread a plugin runs in. It imports the plugin (running the plugin's own code), says what it exports,
// then answers the main thread's requests one at a time: validate params, take the inventory, run one check.
// The main thread bounds each answer with --plugin-timeout and terminates this thread when one is late, so a
// plugin that loops, at import or in run(), stops only itself.
import { Console } from 'node:console';
import { parentPort, workerData } from 'node:worker_threads';
import { callCheck } from '../checks/run.js';
import type { Check, CheckSettings } from '../checks/types.js';
import { BadInputError } from '../errors.js';
import {
  describePluginCheck,
  importPluginChecks,
  type ParamsIssue,
  type PluginReply,
  type PluginRequest,
  type PluginThreadData,
  type PluginWorld,
} from './plugin-module.js';

const port = parentPort;
if (!port) throw new Error('plugin-worker.ts runs as a worker thread only');
const { path, file } = workerData as PluginThreadData;
const post = (reply: PluginReply) => port.postMessage(reply);

// The process's stdout carries the results (`-o json`, `-o junit`): whatever a plugin prints goes to stderr.
globalThis.console = new Console({ stdout: process.stderr, stderr: process.stderr });
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

let checks = new Map<string, Check>();
let world: PluginWorld | undefined;

// Listening keeps the thread alive, so an import that awaits forever is stopped by the deadline, not by an
// empty event loop.
port.on('message', (request: PluginRequest) => {
  if (request.kind === 'params') post({ kind: 'params', issues: paramsIssues(request.params) });
  else if (request.kind === 'inventory') {
    world = JSON.parse(request.world) as PluginWorld;
    post({ kind: 'ready' });
  } else postResult(request.id, request.settings);
});

post({ kind: 'started' });
try {
  const loaded = await importPluginChecks(path, file);
  checks = new Map(loaded.map((check) => [check.id, check]));
  post({ kind: 'loaded', checks: loaded.map(describePluginCheck) });
} catch (error) {
  const refused =
    error instanceof BadInputError ? error : new BadInputError(`--plugin ${file}: ${String(error)}`);
  post({ kind: 'refused', message: refused.message, field: refused.field, hint: refused.hint });
}

/** Each check's params as its own schema reads them (the config file gave them). */
function paramsIssues(params: Record<string, unknown>): ParamsIssue[] {
  return Object.entries(params).flatMap(([id, raw]) => {
    const parsed = checks.get(id)?.paramsSchema?.safeParse(raw);
    if (!parsed || parsed.success) return [];
    return parsed.error.issues.map((issue) => ({ id, path: [...issue.path], message: issue.message }));
  });
}

function postResult(id: string, settings: CheckSettings): void {
  const check = checks.get(id);
  if (!check || !world) {
    post({ kind: 'result', id, outcome: { failed: `the plugin no longer exports a check '${id}'` } });
    return;
  }
  const outcome = callCheck(check, settings, world.inventory, world);
  try {
    post({ kind: 'result', id, outcome });
  } catch (error) {
    // A finding holding a function or a class the structured clone refuses.
    const why = error instanceof Error ? error.message : String(error);
    post({
      kind: 'result',
      id,
      outcome: { failed: `the check returned findings that cannot be passed on (${why})` },
    });
  }
}
