/**
 * The `scale` subresource of a custom resource: an autoscaling/v1 Scale read from and written to
 * the paths the CRD names (`.spec.replicas`, `.status.replicas`, a label selector), which is
 * what `kubectl scale` and autoscalers use.
 */
import type { KubeObject } from '../meta/index.js';
import { errors, type SubresourceView } from '../registry/index.js';
import type { ScaleSpec } from './crd-types.js';
import { evaluate, fieldsOf, parseJsonPath } from './jsonpath.js';

const SCALE = { group: 'autoscaling', version: 'v1', kind: 'Scale', resource: 'scale' };

function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cur = root;
  for (const p of path.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[path[path.length - 1] as string] = value;
}

export function scaleView(spec: ScaleSpec): SubresourceView {
  const specPath = parseJsonPath(spec.specReplicasPath);
  const statusPath = parseJsonPath(spec.statusReplicasPath);
  const selectorPath = spec.labelSelectorPath ? parseJsonPath(spec.labelSelectorPath) : undefined;
  const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
  return {
    ...SCALE,
    read(o: KubeObject): KubeObject {
      const m = o.metadata;
      const selector = selectorPath ? evaluate(selectorPath, o)[0] : undefined;
      return {
        apiVersion: 'autoscaling/v1',
        kind: 'Scale',
        metadata: {
          name: m.name,
          ...(m.namespace ? { namespace: m.namespace } : {}),
          uid: m.uid,
          resourceVersion: m.resourceVersion,
          creationTimestamp: m.creationTimestamp,
        },
        spec: { replicas: int(evaluate(specPath, o)[0]) },
        status: { replicas: int(evaluate(statusPath, o)[0]), ...(typeof selector === 'string' ? { selector } : {}) },
      };
    },
    write(input: KubeObject, old: KubeObject): KubeObject {
      const replicas = (input.spec as { replicas?: unknown } | undefined)?.replicas;
      const name = old.metadata.name ?? '';
      if (replicas === undefined) return old;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas)) {
        throw errors.invalid(SCALE, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be an integer' }]);
      }
      if (replicas < 0) {
        throw errors.invalid(SCALE, name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
      }
      if (evaluate(specPath, old)[0] === replicas) return old;
      setAt(old as unknown as Record<string, unknown>, fieldsOf(specPath), replicas);
      old.metadata.generation = (old.metadata.generation ?? 0) + 1;
      return old;
    },
  };
}
