// Findings and root causes: what checks produce and every later room reads. Part of the assessment
// contract, so they are zod-described. A leaf: imports nothing of this repository.
import { z } from 'zod';

export const SeveritySchema = z.enum(['info', 'warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

export const FindingStatusSchema = z.enum(['pass', 'warn', 'fail', 'unknown']);
export type FindingStatus = z.infer<typeof FindingStatusSchema>;

/** Where a finding applies: the platform (cozy-*, kube-system, tenant-root), tenant workloads, or the whole cluster. */
export const ScopeSchema = z.enum(['platform', 'tenant', 'cluster']);
export type Scope = z.infer<typeof ScopeSchema>;

/** One piece of evidence: an object, a node or an event, with the numbers that matter. */
export const EvidenceSchema = z.object({
  /** pod, node, event, helmrelease, daemonset, deployment, webhook, apiservice, configmap, ... */
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string().optional(),
  node: z.string().optional(),
  /** The status or reason as Kubernetes reports it (CrashLoopBackOff, Init:0/5, NotReady, ...). */
  reason: z.string().optional(),
  /** A message quoted from the cluster (never secret data). */
  message: z.string().optional(),
  restarts: z.number().int().nonnegative().optional(),
  count: z.number().int().nonnegative().optional(),
  /** When this started being a problem (RFC 3339). */
  since: z.string().optional(),
  /** Days between `since` and the inventory clock, rounded down. */
  ageDays: z.number().nonnegative().optional(),
});
export type Evidence = z.infer<typeof EvidenceSchema>;

export const SuppressionSchema = z.object({ reason: z.string(), until: z.string().optional() });

export const FindingSchema = z.object({
  /** The check that produced it. */
  check: z.string(),
  /** Unique within one assessment, stable across runs: `<check>` or `<check>:<subject>`. */
  id: z.string(),
  title: z.string(),
  status: FindingStatusSchema,
  severity: SeveritySchema,
  /** True when this finding alone prevents an in-place upgrade. */
  blocking: z.boolean(),
  scope: ScopeSchema,
  /** One or two sentences for a person. */
  summary: z.string(),
  nodes: z.array(z.string()),
  /** `namespace/kind/name` or `kind/name` for cluster-scoped objects. */
  objects: z.array(z.string()),
  evidence: z.array(EvidenceSchema),
  /** Named counts that the report quotes (e.g. {CrashLoopBackOff: 5}). */
  counts: z.record(z.string(), z.number()).optional(),
  /** Range of failure ages in days, when ages are known. */
  ageDays: z.object({ min: z.number(), max: z.number() }).optional(),
  remediation: z.string().optional(),
  /** Set when a config suppression applies: the finding is kept, but neither blocks nor warns. */
  suppressed: SuppressionSchema.optional(),
  /** Why the status is unknown. */
  unknownReason: z.string().optional(),
});
export type Finding = z.infer<typeof FindingSchema>;

/** A root cause and the failures that follow from it, as a chain a person can read left to right. */
export const RootCauseSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** The finding that is the cause. */
  finding: z.string(),
  nodes: z.array(z.string()),
  since: z.string().optional(),
  /** Ordered stages: ["Kube-OVN daemon missing", "pod sandboxes fail", "image pulls time out", "components down"]. */
  chain: z.array(z.string()),
  /**
   * True when the effects recover by themselves once the cause is repaired (the pods of a node that comes back,
   * evicted pods already replaced): there is no cascade to clear afterwards.
   */
  effectsRecover: z.boolean().optional(),
  effects: z.array(
    z.object({
      title: z.string(),
      count: z.number().int().nonnegative(),
      /** Findings explained by this cause. */
      findings: z.array(z.string()),
      objects: z.array(z.string()),
    }),
  ),
});
export type RootCause = z.infer<typeof RootCauseSchema>;
