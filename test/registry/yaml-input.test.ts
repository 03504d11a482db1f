/** YAML bodies a client controls must not write to the server's log (stderr) per request. */
import { expect, it } from 'vitest';
import { parseYamlDocuments } from '../../src/registry/input.js';

it('stringifies a collection used as a map key without a process warning', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    expect(parseYamlDocuments('{? [k] : v}', (i) => `document ${i}`)).toEqual([{ '[ k ]': 'v' }]);
    // Process warnings are emitted on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('warning', onWarning);
  }
  expect(warnings).toEqual([]);
});
