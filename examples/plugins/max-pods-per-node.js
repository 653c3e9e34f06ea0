// An external check for cozy-assess, loaded with:
//   cozy-assess check --plugin examples/plugins/max-pods-per-node.js
//
// A plugin is a plain ES module whose default export is a check (or an array of checks) with the same
// interface as the built-in ones (src/checks/types.ts). `run` is pure: it reads the inventory (compact facts
// the tool gathered once) and returns findings. If it throws, cozy-assess reports the check as `unknown`
// with the error and carries on with the others.
//
// What it checks: nodes that run more pods than a limit (kubelet's default `maxPods` is 110). A node near
// its pod limit cannot take the pods that an in-place upgrade drains from its neighbours.
// Tune it in the config file:   checks: { max-pods-per-node: { params: { maxPods: 80 } } }

const ID = 'max-pods-per-node';
const TITLE = 'Pods per node below the kubelet limit';

/** Pods that hold a slot on their node: scheduled and not finished. */
function holdsSlot(pod) {
  return pod.node !== undefined && pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

function maxPodsParam(params) {
  const value = params.maxPods ?? 110;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`params.maxPods must be a whole number of 1 or more, got ${JSON.stringify(value)}`);
  }
  return value;
}

export default {
  id: ID,
  title: TITLE,
  description: 'Counts the pods scheduled on each node and warns when a node runs more than params.maxPods.',
  defaultSeverity: 'warning',
  blocking: false,
  // Inventory type keys this check cannot do without: if one was not readable, the check is `unknown`.
  needs: ['pods', 'nodes'],

  run(inventory, context) {
    const maxPods = maxPodsParam(context.settings.params);
    const perNode = new Map(inventory.nodes.map((node) => [node.name, 0]));
    for (const pod of inventory.pods) {
      if (holdsSlot(pod)) perNode.set(pod.node, (perNode.get(pod.node) ?? 0) + 1);
    }
    const crowded = [...perNode].filter(([, count]) => count > maxPods).sort((a, b) => b[1] - a[1]);
    const base = {
      check: ID,
      title: TITLE,
      severity: context.settings.severity ?? 'warning',
      blocking: false,
      scope: 'cluster',
      objects: [],
    };
    if (crowded.length === 0) {
      return [
        {
          ...base,
          id: ID,
          status: 'pass',
          summary: `Every node runs at most ${maxPods} pods (${perNode.size} nodes).`,
          nodes: [],
          evidence: [],
        },
      ];
    }
    return crowded.map(([node, count]) => ({
      ...base,
      id: `${ID}:${node}`,
      status: 'warn',
      summary: `Node ${node} runs ${count} pods, more than the limit of ${maxPods}.`,
      nodes: [node],
      objects: [`node/${node}`],
      evidence: [{ kind: 'node', name: node, count }],
      counts: { pods: count, maxPods },
      remediation: 'Spread the workloads, or raise the kubelet maxPods on this node before upgrading.',
    }));
  },
};
