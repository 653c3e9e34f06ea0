// `--exec-probes` for `check` and `assess`: after the inventory pass, exec `test -S` of the Kube-OVN daemon
// socket in each node's kube-ovn-cni pod (src/cluster/exec-probe.ts), report what it found on stderr, and hand
// the definite answers to the checks. Only a live cluster can be probed; with a snapshot the flag is a warning.
import type { ChecksConfig } from '../checks/config.js';
import { kubeOvnProbePlan } from '../checks/kube-ovn.js';
import type { ProbeResult, ProbeResults } from '../cluster/exec-probe.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandContext } from './command.js';
import type { GlobalOptions } from './globals.js';
import type { Terminal } from './terminal.js';

export interface ExecProbeRun {
  /** node → socket present, for the nodes with a definite answer only; undefined when none answered. */
  execProbe?: Record<string, boolean>;
  /** Every node's result, unknown ones with their reason. */
  results: ProbeResults;
  /** For the assessment's notes: that probes ran, on which pods, and that they were the only non-GET requests. */
  note: string;
}

/**
 * Whether probes will run: the flag is set and the source is live. With a snapshot it says why not on stderr
 * and the run carries on (the daemon socket is then judged from pods and events, as without the flag).
 */
export function execProbesWanted(asked: boolean, globals: GlobalOptions, terminal: Terminal): boolean {
  if (!asked) return false;
  if (globals.snapshot) {
    terminal.info(
      'warning: --exec-probes needs a live cluster: a snapshot has no pods to exec into; the Kube-OVN daemon socket is judged from pods and events',
    );
    return false;
  }
  return true;
}

/** Probes each node's kube-ovn-cni pod under the run's abort signal, in the namespace the kube-ovn check is configured for. */
export async function runKubeOvnProbes(
  inventory: Inventory,
  { globals, terminal, run, io }: Pick<CommandContext, 'globals' | 'terminal' | 'run' | 'io'>,
  config: ChecksConfig | undefined,
): Promise<ExecProbeRun> {
  const { runExecProbes, PROBE_COMMAND } = await import('../cluster/exec-probe.js');
  const { targets, skipped } = kubeOvnProbePlan(inventory, config);
  const phase = await terminal.phase(
    `Exec probe: ${PROBE_COMMAND.join(' ')} in ${targets.length} kube-ovn-cni pod${targets.length === 1 ? '' : 's'}`,
  );
  const probed = await runExecProbes(targets, {
    kubeconfig: globals.kubeconfig,
    context: globals.context,
    requestTimeoutMs: globals.requestTimeoutMs,
    concurrency: globals.concurrency,
    signal: run.signal,
    env: io.env,
  });
  const results: ProbeResults = Object.fromEntries(
    Object.entries({ ...skipped, ...probed }).sort(([a], [b]) => a.localeCompare(b)),
  );
  const nodes = (present: boolean | null) =>
    Object.entries(results)
      .filter(([, r]) => r.present === present)
      .map(([node]) => node);
  const [present, absent, unknown] = [nodes(true), nodes(false), nodes(null)];
  const summary = `socket present on ${list(present)}, absent on ${list(absent)}, unknown on ${list(unknown)}`;
  if (unknown.length > 0 || targets.length === 0) phase.warn(`Exec probe: ${summary}`);
  else phase.succeed(`Exec probe: ${summary}`);
  for (const node of unknown) terminal.info(`  warning: ${node}: ${results[node]!.detail}`);
  if (globals.verbose)
    for (const node of [...present, ...absent]) terminal.info(`  ${node}: ${results[node]!.detail}`);

  const definite = Object.entries(results).filter(([, r]) => r.present !== null);
  return {
    execProbe:
      definite.length > 0
        ? Object.fromEntries(definite.map(([node, r]) => [node, r.present === true]))
        : undefined,
    results,
    note: probeNote(probed, skipped, PROBE_COMMAND.join(' ')),
  };
}

function list(nodes: string[]): string {
  return nodes.length === 0 ? 'none' : nodes.join(', ');
}

function probeNote(probed: ProbeResults, skipped: ProbeResults, command: string): string {
  const sent = Object.keys(probed).length;
  const pod = (r: ProbeResult) => r.pod ?? '?';
  const found = (r: ProbeResult) =>
    r.present === true ? 'present' : r.present === false ? 'ABSENT' : `unknown (${r.reason})`;
  const probedPods = Object.entries(probed).map(([node, r]) => `${pod(r)} on ${node}: ${found(r)}`);
  const notProbed = Object.entries(skipped).map(([node, r]) => `${pod(r)} on ${node} (${r.reason})`);
  if (sent === 0) {
    return (
      `Exec probes (--exec-probes) were asked for, but no kube-ovn-cni pod could be probed${notProbed.length > 0 ? ` (${notProbed.join('; ')})` : ''}; ` +
      'no exec request was sent. Read-only: only GET requests were sent; the cluster was not changed.'
    );
  }
  return (
    `Exec probes (--exec-probes) ran \`${command}\` in the cni-server container of ${sent} kube-ovn-cni pod${sent === 1 ? '' : 's'}` +
    `${probedPods.length > 0 ? `: ${probedPods.join('; ')}` : ''}.` +
    `${notProbed.length > 0 ? ` Not probed: ${notProbed.join('; ')}.` : ''}` +
    ' These exec requests (RBAC: create pods/exec) are the only requests sent that are not GETs; they change nothing in the cluster.'
  );
}
