/**
 * The OpenAPI v3 component schemas of Atoll's built-in kinds, merged into one frozen set shared by
 * every API set (discovery documents, `kubectl explain`, strategic merge patch and server-side
 * apply read them), and the rule that names a kind's schema the way Kubernetes does.
 */
import type { OpenApiComponents, OpenApiSchema } from '../../../meta/index.js';
import { coordinationV1Schemas } from './coordination-v1.js';
import { coreV1Schemas } from './core-v1.js';
import { eventsV1Schemas } from './events-v1.js';
import { metaV1Schemas } from './meta-v1.js';
import { rbacV1Schemas } from './rbac-v1.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function merge(...groups: Record<string, OpenApiSchema>[]): OpenApiComponents {
  const all: Record<string, OpenApiSchema> = {};
  for (const group of groups) {
    for (const [name, schema] of Object.entries(group)) {
      if (name in all) throw new Error(`built-in OpenAPI schema ${name} is defined twice`);
      all[name] = schema;
    }
  }
  return deepFreeze(all);
}

export const builtinComponents: OpenApiComponents = merge(
  metaV1Schemas,
  coreV1Schemas,
  rbacV1Schemas,
  coordinationV1Schemas,
  eventsV1Schemas,
);

/** Kubernetes' Go package (k8s.io/api/<package>) of each built-in group whose name is not its first label. */
const BUILTIN_PACKAGES: Record<string, string> = {
  '': 'core',
  'rbac.authorization.k8s.io': 'rbac',
  'coordination.k8s.io': 'coordination',
  'events.k8s.io': 'events',
};

/**
 * The component name Kubernetes gives a kind's schema: `io.k8s.api.<package>.<version>.<Kind>` for
 * built-in groups (core is `io.k8s.api.core.v1.ConfigMap`). Other groups get the name Kubernetes
 * gives CRDs, the reversed group then version and kind (`io.kcp.tenancy.v1alpha1.Workspace`).
 */
export function builtinSchemaName(group: string, version: string, kind: string): string {
  const pkg = BUILTIN_PACKAGES[group];
  if (pkg !== undefined) return `io.k8s.api.${pkg}.${version}.${kind}`;
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}
