// The built-in checks, in the order they run and are reported. To add one: import it and append it.
import { cniAgentCheck } from './cni-agent.js';
import { helmReleasesCheck } from './helmreleases.js';
import { imagePullCauseCheck } from './image-pull-cause.js';
import { kubeOvnCheck } from './kube-ovn.js';
import { nodeHealthCheck } from './node-health.js';
import { podFailuresCheck } from './pod-failures.js';
import { resourceHeadroomCheck } from './resource-headroom.js';
import { restartsCheck } from './restarts.js';
import type { Check } from './types.js';
import { versionGapCheck } from './version-gap.js';
import { webhooksApiServicesCheck } from './webhooks-apiservices.js';
import { workloadAvailabilityCheck } from './workload-availability.js';

export const BUILTIN_CHECKS: readonly Check[] = [
  kubeOvnCheck,
  cniAgentCheck,
  nodeHealthCheck,
  podFailuresCheck,
  restartsCheck,
  imagePullCauseCheck,
  helmReleasesCheck,
  workloadAvailabilityCheck,
  webhooksApiServicesCheck,
  resourceHeadroomCheck,
  versionGapCheck,
];
