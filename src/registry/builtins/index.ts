/** The built-in kinds validated by the registry (more join with the REST surface issue). */
import type { ResourceType } from '../resource-type.js';
import { configMaps } from './configmap.js';
import { namespaces, NAMESPACE_FINALIZER } from './namespace.js';
import { secrets } from './secret.js';
import { serviceAccounts } from './serviceaccount.js';

export { configMaps, namespaces, secrets, serviceAccounts, NAMESPACE_FINALIZER };

export const builtinResourceTypes: readonly ResourceType[] = [namespaces, configMaps, secrets, serviceAccounts];
