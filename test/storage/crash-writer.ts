/**
 * Child process of the SIGKILL durability test: 64 concurrent writers create and update objects
 * forever, printing "name resourceVersion" for every write the store acknowledged. The parent
 * kills this process mid-burst and checks that every printed write survived.
 *
 * argv: <module exporting openForCrashTest(arg)> <arg>
 */
import type { Store } from '../../src/storage/index.js';

const [modulePath, arg] = process.argv.slice(2);
const mod = (await import(modulePath as string)) as { openForCrashTest(arg: string): Promise<Store> };
const store = await mod.openForCrashTest(arg as string);

async function writer(w: number): Promise<never> {
  for (let i = 0; ; i++) {
    const name = `w${w}-${i}`;
    const key = { cluster: 'crash', resource: 'configmaps', namespace: 'default', name };
    const created = await store.create(key, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { i: String(i) } });
    process.stdout.write(`${name} ${created.metadata.resourceVersion}\n`);
    if (i % 3 === 0) {
      const updated = await store.update(key, { ...created, data: { i: String(i), updated: 'yes' } });
      process.stdout.write(`${name} ${updated.metadata.resourceVersion}\n`);
    }
  }
}

await Promise.all(Array.from({ length: 64 }, (_, w) => writer(w)));
