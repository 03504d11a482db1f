/**
 * Storage, REST, GraphQL, workspace, CRD and auth benchmarks: `npm run bench` runs every suite in
 * sequence and prints one line per figure; `npm run bench -- watch` runs only the suites whose name
 * contains "watch". Figures are printed, never asserted. A suite that fails or times out is
 * reported and the run goes on.
 */
import { admissionSuite } from './admission.js';
import { admissionQuota } from './admission-quota.js';
import { apiBindingsSuite } from './apibindings.js';
import { authSuite } from './auth.js';
import { crdSuite } from './crds.js';
import { collectGarbage } from './fixtures.js';
import { graphqlSuite } from './graphql.js';
import { section, type Suite } from './report.js';
import { proxySuite } from './proxy.js';
import { proxyViewSuite } from './proxy-view.js';
import { proxyWorkspacesSuite } from './proxy-workspaces.js';
import { restApi } from './rest-api.js';
import { sdkSuite } from './sdk.js';
import { sdlSuite } from './sdl.js';
import { storageBackends } from './storage-backends.js';
import { storageList } from './storage-list.js';
import { storageMemory } from './storage-memory.js';
import { storageWrites } from './storage-writes.js';
import { watchFanout } from './watch-fanout.js';
import { workspacesSuite } from './workspaces.js';
import { wsFloor } from './ws-floor.js';

const suites: Suite[] = [storageWrites, storageList, watchFanout, storageMemory, storageBackends, restApi, graphqlSuite, wsFloor, authSuite, workspacesSuite, crdSuite, apiBindingsSuite, sdkSuite, sdlSuite, admissionSuite, admissionQuota, proxySuite, proxyWorkspacesSuite, proxyViewSuite];

async function main(filters: string[]): Promise<void> {
  const selected = suites.filter((s) => filters.length === 0 || filters.some((f) => s.name.includes(f)));
  if (selected.length === 0) {
    console.error(`no suite matches ${filters.join(', ')}; suites: ${suites.map((s) => s.name).join(', ')}`);
    process.exitCode = 1;
    return;
  }
  console.log(`atoll benchmarks: node ${process.version}, ${process.platform}/${process.arch}`);
  for (const suite of selected) {
    section(suite);
    const start = performance.now();
    try {
      await suite.run();
    } catch (err) {
      console.error(`  FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      process.exitCode = 1;
    }
    console.log(`  (${((performance.now() - start) / 1000).toFixed(1)} s)`);
    collectGarbage();
  }
}

await main(process.argv.slice(2));
