/**
 * Quotas that hold (docs/admission.md): ResourceQuota enforcement and the workspace quota, as the
 * last validating link of the admission chain, with the controller that keeps quotas' status.
 */
import type { ResourceType } from '../../registry/index.js';
import type { Store } from '../../storage/index.js';
import { totalResources } from './limits.js';
import { QuotaController, type QuotaControllerOptions } from './controller.js';
import { QuotaLedger, type LedgerOptions } from './ledger.js';
import { QuotaIndex } from './quota-index.js';
import { QuotaStage } from './stage.js';

export { QuotaController, QUOTA_RESYNC_MS, QUOTA_STATUS_DELAY_MS, type QuotaControllerOptions } from './controller.js';
export { QuotaLedger, IN_FLIGHT_TTL_MS } from './ledger.js';
export { QuotaIndex } from './quota-index.js';
export { QuotaStage } from './stage.js';
export { chargedNames, exceededMessage, TOTAL_OBJECTS, WORKSPACE_QUOTA } from './limits.js';
export { MAX_TOTAL_OBJECTS_ANNOTATION, workspaceLimits } from './workspace-quota.js';

export interface QuotasOptions extends LedgerOptions {
  /** The API set of a logical cluster: the resources its total counts. */
  typesFor?: (cluster: string) => Promise<readonly ResourceType[]>;
}

/** The stage and the state it shares with its controller: one per store. */
export class Quotas {
  readonly index = new QuotaIndex();
  readonly ledger: QuotaLedger;
  readonly stage: QuotaStage;

  constructor(store: Pick<Store, 'get' | 'list' | 'revision'>, { typesFor, ...options }: QuotasOptions = {}) {
    const resourcesOf = typesFor ? async (cluster: string) => totalResources(await typesFor(cluster)) : undefined;
    this.ledger = new QuotaLedger(store, { ...options, ...(resourcesOf ? { resourcesOf } : {}) });
    this.stage = new QuotaStage(this.index, this.ledger);
  }

  /** Starts the controller that fills the index and keeps quotas' status. */
  start(options: Omit<QuotaControllerOptions, 'index' | 'ledger'>): QuotaController {
    return new QuotaController({ ...options, index: this.index, ledger: this.ledger });
  }
}
