/** The built-in kinds validated by the registry, in the order discovery lists their groups. */
import type { ResourceType } from '../resource-type.js';
import { configMaps } from './configmap.js';
import { events } from './event.js';
import { eventsV1 } from './events-v1.js';
import { leases } from './lease.js';
import { limitRanges } from './limitrange.js';
import { namespaces, NAMESPACE_FINALIZER } from './namespace.js';
import { resourceQuotas } from './resourcequota.js';
import { clusterRoles, roles } from './role.js';
import { clusterRoleBindings, roleBindings } from './rolebinding.js';
import { secrets } from './secret.js';
import { serviceAccounts } from './serviceaccount.js';

export {
  clusterRoleBindings,
  clusterRoles,
  configMaps,
  events,
  eventsV1,
  leases,
  limitRanges,
  namespaces,
  resourceQuotas,
  roleBindings,
  roles,
  secrets,
  serviceAccounts,
  NAMESPACE_FINALIZER,
};
export { eventFieldSet } from './event.js';
export { ageColumn, nameColumn } from './columns.js';
export { labelSelectorSchema, validateLabelSelector, type LabelSelectorValue } from './label-selector-check.js';
export { eventFromStored, eventToStored, EVENTS_V1_FIELD_LABELS } from './event-conversion.js';
export { canonicalQuantity, compareQuantities, formatQuantity, parseQuantity, quantityFrom, type Quantity } from './quantity.js';
export { readQuantity, validateQuotaQuantity, validateQuotaResourceName } from './resource-names.js';

export const builtinResourceTypes: readonly ResourceType[] = [
  namespaces,
  configMaps,
  secrets,
  serviceAccounts,
  events,
  limitRanges,
  resourceQuotas,
  eventsV1,
  leases,
  roles,
  clusterRoles,
  roleBindings,
  clusterRoleBindings,
];
