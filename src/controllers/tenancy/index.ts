/** Controllers of the workspace tree: lifecycle (scheduling, phases, teardown), the universal initializer and WorkspaceType status. */
import type { Registry } from '../../registry/index.js';
import type { WorkspaceTypeRules } from '../../tenancy/index.js';
import type { RunningControllers } from '../index.js';
import { silentLog, type ControllerLog } from '../log.js';
import { UniversalInitializer } from './universal-initializer.js';
import { WorkspaceLifecycle } from './workspace-lifecycle.js';
import { WorkspaceTypeStatus } from './workspace-type-status.js';
import type { Placement } from './placement.js';

export { WorkspaceLifecycle, type WorkspaceLifecycleOptions } from './workspace-lifecycle.js';
export type { Placement } from './placement.js';
export { UniversalInitializer, UNIVERSAL_INITIALIZER, type UniversalInitializerOptions } from './universal-initializer.js';
export { finishInitializer } from './initializers.js';
export { WorkspaceTypeStatus, type WorkspaceTypeStatusOptions } from './workspace-type-status.js';

export interface TenancyControllerOptions {
  registry: Registry;
  rules: WorkspaceTypeRules;
  baseUrl: () => string;
  /** Where logical clusters may be placed besides here (the installation's other shards). */
  placement?: Placement;
  log?: ControllerLog;
}

export function startTenancyControllers(options: TenancyControllerOptions): RunningControllers {
  const log = options.log ?? silentLog;
  const lifecycle = new WorkspaceLifecycle({ ...options, log });
  const universal = new UniversalInitializer({ registry: options.registry, log });
  const types = new WorkspaceTypeStatus({ registry: options.registry, log });
  return {
    synced: Promise.all([lifecycle.synced, universal.synced, types.synced]).then(() => undefined),
    stop: async () => {
      await Promise.all([lifecycle.stop(), universal.stop(), types.stop()]);
    },
  };
}
