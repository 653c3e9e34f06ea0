// The gate between a source's objects and the reducers: every object must have the types the inventory reads
// (object-schemas.ts). In a snapshot, an object that does not is bad input (exit 2) naming the file, the
// document, the object and the field: the operator can fix the file. From an API server, it makes its type
// unread (the checks needing it say unknown, the run is INCOMPLETE): nobody can fix what a server sends, and
// the other types still deserve their verdict.
import { describeOrigin } from '../cluster/parse-files.js';
import type { KubeObject, ListOutcome, ObjectOrigin, SourceInfo } from '../cluster/types.js';
import { badInputFromZod, describeZodIssues } from '../errors.js';
import { NamedObject, reducedSchemaOf } from './object-schemas.js';
import { passes } from './schema-check.js';

const SNAPSHOT_HINT =
  'the API server never writes that field with that type: fix the file, or capture it again with kubectl get … -o json';

export interface ObjectGate {
  /**
   * Whether the page's objects may be reduced: every one has the inventory's types. A snapshot's object that
   * does not throws a BadInputError; from a live source the type is refused from then on.
   */
  admits(typeKey: string, tallied: boolean, objects: readonly KubeObject[]): boolean;
  /** The outcome of a type, failed with the reason when its objects were refused. */
  judge(outcome: ListOutcome): ListOutcome;
}

export function createObjectGate(
  source: SourceInfo,
  originOf?: (object: KubeObject) => ObjectOrigin | undefined,
): ObjectGate {
  const refused = new Map<string, string>();
  return {
    admits(typeKey, tallied, objects) {
      if (refused.has(typeKey)) return false;
      const schema = reducedSchemaOf(typeKey) ?? (tallied ? NamedObject : undefined);
      if (!schema) return true;
      for (const object of objects) {
        if (passes(schema, object)) continue;
        const parsed = schema.safeParse(object);
        if (parsed.success) continue;
        if (source.kind === 'snapshot') {
          const origin = originOf?.(object);
          throw badInputFromZod(
            parsed.error,
            origin?.file ?? source.path ?? 'snapshot',
            describeObject(object),
            origin ? describeOrigin(origin) : undefined,
            SNAPSHOT_HINT,
          );
        }
        refused.set(
          typeKey,
          `the API server sent ${describeObject(object)} with a field of the wrong type: ${describeZodIssues(parsed.error)}`,
        );
        return false;
      }
      return true;
    },
    judge(outcome) {
      const reason = refused.get(outcome.type);
      if (reason === undefined || outcome.status !== 'ok') return outcome;
      return { ...outcome, status: 'failed', reason };
    },
  };
}

/** `Pod kube-system/kube-ovn-cni-x`, `Node node-a`, as kubectl names an object. */
function describeObject(object: KubeObject): string {
  const metadata = (object.metadata ?? {}) as { namespace?: unknown; name?: unknown };
  const name = typeof metadata.name === 'string' ? metadata.name : '(no name)';
  const namespace = typeof metadata.namespace === 'string' ? `${metadata.namespace}/` : '';
  return `${typeof object.kind === 'string' ? object.kind : 'object'} ${namespace}${name}`;
}
