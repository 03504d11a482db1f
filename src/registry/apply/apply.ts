/**
 * Server-side apply (PATCH with application/apply-patch+yaml, GraphQL applyKind): merges an
 * applier's configuration into the live object and records what the applier now owns. The
 * applier's previous Apply set is replaced by its configuration's fields; fields it owned before
 * and dropped are removed unless someone else owns them; changing a field another manager owns
 * is a 409 conflict unless forced, which moves ownership to the applier; setting a field to the
 * value it already has shares ownership. Written by hand (DESIGN.md: no library does this), after
 * the behaviour of sigs.k8s.io/structured-merge-diff and k8s.io/apimachinery's managedfields.
 */
import { deepEqual, type KubeObject } from '../../meta/index.js';
import { ApiError, errors } from '../errors.js';
import { dropAppliedNulls } from './applied-nulls.js';
import type { KindSchema } from '../resource-type.js';
import { compareObjects, excluding } from './compare.js';
import { conflictError } from './conflict-error.js';
import { fieldSetOf, type Problems } from './field-set-of.js';
import { kindShape } from './kind-shape.js';
import { decodeManagedFields, managerId, type ManagerRecord, type Managers } from './managers.js';
import { mergeConfig } from './merge.js';
import { conflictsOf, releaseChanged, storeManagedFields, withoutManagedFields } from './ownership.js';
import { pruneDisowned, unionOf } from './prune.js';
import { pathsAsSet, withoutUntracked } from './untracked-fields.js';

export interface ApplyArgs {
  /** The stored object; undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applier's configuration (name already checked against the URL). */
  config: KubeObject;
  manager: string;
  force: boolean;
  schema: KindSchema | undefined;
  /** The endpoint's `group/version`; the configuration must be written in it. */
  apiVersion: string;
  /** RFC 3339 time recorded on the applier's entry when the object changes. */
  now: string;
  subresource?: string;
  /** The endpoint's kind, checked against the configuration's (defaults to the live object's). */
  kind?: string;
  /**
   * Fields this endpoint's strategy resets (`[['status']]` on the main resource of a kind with a
   * status subresource, `[['spec']]` on `/status`): never owned by the applier, never a conflict.
   */
  resetFields?: readonly (readonly string[])[];
}

/** The object to store, with managedFields updated; throws ApiError (400, 409) on refusal. */
export function applyConfiguration(args: ApplyArgs): KubeObject {
  const { config, manager, apiVersion } = args;
  checkConfiguration(args);
  const shape = kindShape(args.schema);
  const live = args.live ? withoutManagedFields(args.live) : { metadata: {} };
  const managers = liveManagers(args.live);

  const problems: Problems = [];
  const configured = fieldSetOf(config, shape, problems);
  if (problems.length > 0) throw typedPatchError(args, problems);
  const reset = pathsAsSet(args.resetFields);

  const subresource = args.subresource ?? '';
  const id = managerId({ manager, operation: 'Apply', apiVersion, subresource });
  const previous = managers.get(id);
  const applier: ManagerRecord = { manager, operation: 'Apply', apiVersion, subresource, set: configured.recursiveDifference(reset) };
  if (previous?.time !== undefined) applier.time = previous.time;
  managers.set(id, applier);

  let merged = mergeConfig(live, config, shape) as KubeObject;
  if (previous) merged = pruneDisowned(merged, previous.set, unionOf([...managers.values()].map((r) => r.set)), shape) as KubeObject;

  const changes = excluding(compareObjects(live, merged, shape), reset);
  const conflicts = conflictsOf(managers, id, changes);
  if (conflicts.length > 0 && !args.force) throw conflictError(conflicts);
  releaseChanged(managers, id, changes);

  applier.set = withoutUntracked(applier.set);
  if (applier.set.isEmpty) managers.delete(id);
  // A no-op apply keeps the entry's time (Kubernetes only stamps appliers that changed something).
  if (!deepEqual(live, merged)) applier.time = args.now;
  dropAppliedNulls(merged, config, shape);
  return storeManagedFields(merged, managers);
}

function gvkString(apiVersion: string, kind: string): string {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return `${group}/${apiVersion.slice(slash + 1)}, Kind=${kind}`;
}

function checkConfiguration(args: ApplyArgs): void {
  const { config } = args;
  const kind = args.kind ?? args.live?.kind;
  if (config.apiVersion !== args.apiVersion || (kind !== undefined && config.kind !== kind)) {
    throw errors.badRequest(`invalid object type: ${gvkString(String(config.apiVersion ?? ''), String(config.kind ?? ''))}`);
  }
  if (config.metadata.managedFields !== undefined && config.metadata.managedFields !== null) {
    throw errors.badRequest('metadata.managedFields must be nil');
  }
}

function liveManagers(live: KubeObject | undefined): Managers {
  try {
    return decodeManagedFields(live?.metadata.managedFields);
  } catch (e) {
    throw errors.internal(`failed to decode managed fields: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * A configuration that cannot be typed (a map-list item without its key, duplicate items).
 * Kubernetes words it so and answers 500; it is the client's fault, so this is a 400.
 */
function typedPatchError(args: ApplyArgs, problems: Problems): ApiError {
  const { config } = args;
  const where = `${config.metadata.namespace ?? ''}/${config.metadata.name ?? ''}; ${gvkString(args.apiVersion, String(config.kind ?? ''))}`;
  const what = problems.length === 1 ? problems[0] : `errors:\n  ${problems.join('\n  ')}`;
  return errors.badRequest(`failed to create typed patch object (${where}): ${what}`);
}
