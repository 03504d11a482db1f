/**
 * The built-in APIs an APIExport may claim without an identity hash, as kcp lists them
 * (pkg/virtual/apiexport/schemas/builtin): the APIExport virtual workspace serves these from the
 * consumer's own storage. Claims of anything else name the export that serves it by identity.
 */
import type { GroupResource } from '../types.js';
import { APIS_GROUP } from '../types.js';

export const BUILTIN_CLAIMABLE_APIS: readonly Readonly<GroupResource>[] = [
  { group: '', resource: 'namespaces' },
  { group: '', resource: 'configmaps' },
  { group: '', resource: 'events' },
  { group: '', resource: 'resourcequotas' },
  { group: '', resource: 'secrets' },
  { group: '', resource: 'serviceaccounts' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  { group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { group: 'rbac.authorization.k8s.io', resource: 'rolebindings' },
  { group: 'certificates.k8s.io', resource: 'certificatesigningrequests' },
  { group: 'coordination.k8s.io', resource: 'leases' },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
  { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' },
  { group: 'events.k8s.io', resource: 'events' },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingadmissionpolicies' },
  { group: 'admissionregistration.k8s.io', resource: 'mutatingadmissionpolicybindings' },
  { group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicies' },
  { group: 'admissionregistration.k8s.io', resource: 'validatingadmissionpolicybindings' },
  { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { group: 'core.kcp.io', resource: 'logicalclusters' },
  { group: 'authorization.k8s.io', resource: 'subjectaccessreviews' },
  { group: 'authorization.k8s.io', resource: 'localsubjectaccessreviews' },
  { group: 'authentication.k8s.io', resource: 'tokenreviews' },
];

const BUILTIN_KEYS = new Set(BUILTIN_CLAIMABLE_APIS.map((a) => `${a.resource}.${a.group}`));

export const isBuiltInAPI = (gr: GroupResource): boolean => BUILTIN_KEYS.has(`${gr.resource}.${gr.group}`);

/** Claims that need no identity hash: built-in APIs and kcp's own apis.kcp.io resources. */
export const claimableWithoutIdentity = (gr: GroupResource): boolean => gr.group === APIS_GROUP || isBuiltInAPI(gr);
