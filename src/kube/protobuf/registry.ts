/**
 * Builds, once at module load, the protobufjs message types for every group file (reflection
 * API, no code generation) and the lookup tables the decoder needs: message name → field
 * shaping facts, and apiVersion/kind → top-level message.
 */
import protobuf from 'protobufjs';
import { authenticationV1 } from './authentication-v1.js';
import { authenticationV1beta1 } from './authentication-v1beta1.js';
import { authorizationV1 } from './authorization-v1.js';
import { intstr, resource, runtime } from './apimachinery.js';
import { coordinationV1 } from './coordination-v1.js';
import { coreV1 } from './core-v1.js';
import { eventsV1 } from './events-v1.js';
import { metaV1 } from './meta-v1.js';
import { rbacV1 } from './rbac-v1.js';
import { parseField, type FieldInfo, type GroupDef, type SpecialJson } from './schema.js';

export const GROUPS: readonly GroupDef[] = [
  runtime,
  resource,
  intstr,
  metaV1,
  coreV1,
  rbacV1,
  coordinationV1,
  eventsV1,
  authenticationV1,
  authenticationV1beta1,
  authorizationV1,
];

export interface MessageInfo {
  /** Fully qualified name with a leading dot, e.g. `.k8s.io.api.core.v1.ConfigMap`. */
  name: string;
  fields: FieldInfo[];
  special?: SpecialJson;
  type: protobuf.Type;
}

/** The DeleteOptions message: Kubernetes registers it in every group version. */
export const DELETE_OPTIONS = '.k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions';

function build(groups: readonly GroupDef[]): { root: protobuf.Root; messages: Map<string, MessageInfo> } {
  const root = new protobuf.Root();
  const pending: Omit<MessageInfo, 'type'>[] = [];
  for (const group of groups) {
    const ns = root.define(group.package);
    for (const [name, def] of Object.entries(group.messages)) {
      const type = new protobuf.Type(name);
      const fields = Object.entries(def.fields).map(([json, spec]) => parseField(json, spec, group.package));
      for (const f of fields) {
        type.add(
          f.label === 'map'
            ? new protobuf.MapField(f.json, f.number, 'string', f.type)
            : new protobuf.Field(f.json, f.number, f.type, f.label === 'repeated' ? 'repeated' : 'optional'),
        );
      }
      ns.add(type);
      pending.push({ name: `.${group.package}.${name}`, fields, ...(def.special ? { special: def.special } : {}) });
    }
  }
  root.resolveAll(); // throws on a dangling type reference, i.e. at module load
  const messages = new Map<string, MessageInfo>();
  for (const p of pending) messages.set(p.name, { ...p, type: root.lookupType(p.name) });
  return { root, messages };
}

const built = build(GROUPS);

export const root: protobuf.Root = built.root;

export function messageInfo(name: string): MessageInfo {
  const info = built.messages.get(name);
  if (!info) throw new Error(`protobuf message ${name} is not defined`);
  return info;
}

const kinds = new Map<string, string>();
for (const g of GROUPS) {
  for (const kind of g.kinds ?? []) kinds.set(`${g.apiVersion}/${kind}`, `.${g.package}.${kind}`);
}

/** The message a top-level `apiVersion`/`kind` decodes as, or undefined if Atoll has none. */
export function messageForKind(apiVersion: string, kind: string): string | undefined {
  if (kind === 'DeleteOptions') return DELETE_OPTIONS;
  return kinds.get(`${apiVersion}/${kind}`);
}

/** Every supported `apiVersion/kind`, for tests and error messages. */
export function supportedKinds(): string[] {
  return [...kinds.keys()];
}
