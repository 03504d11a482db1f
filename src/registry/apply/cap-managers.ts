/**
 * Keeps managedFields from growing without bound: beyond ten Update entries, the oldest are
 * folded, per apiVersion, into an `ancient-changes` entry (the apiserver's capManagers step, with
 * the same limit and name). Apply entries are never folded.
 */
import { compareStrings } from './go-values.js';
import { managerId, type ManagerRecord, type Managers } from './managers.js';

export const MAX_UPDATE_MANAGERS = 10;
const BUCKET = 'ancient-changes';

const seconds = (r: ManagerRecord): number => (r.time === undefined ? 0 : Math.floor(Date.parse(r.time) / 1000));

export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): void {
  const updaters = [...managers].filter(([, r]) => r.operation === 'Update');
  if (updaters.length <= max) return;
  updaters.sort(([ia, a], [ib, b]) => seconds(a) - seconds(b) || compareStrings(ia, ib));

  let count = updaters.length;
  // The oldest entry of each apiVersion opens that version's bucket; later ones are folded in.
  const opener = new Map<string, string>();
  for (const [id, r] of updaters) {
    if (count <= max) break;
    const bucketId = managerId({ manager: BUCKET, operation: 'Update', apiVersion: r.apiVersion, subresource: '' });
    // An existing bucket is folded into, never folded away.
    if (id === bucketId) continue;
    const first = opener.get(r.apiVersion);
    if (first === undefined) {
      opener.set(r.apiVersion, id);
      continue;
    }
    let bucket = managers.get(bucketId);
    if (!bucket) {
      const firstRecord = managers.get(first) as ManagerRecord;
      managers.delete(first);
      bucket = { ...firstRecord, manager: BUCKET, subresource: '' };
      managers.set(bucketId, bucket);
    }
    bucket.set = r.set.union(bucket.set);
    bucket.apiVersion = r.apiVersion;
    // The folded entry is the more recent one, so the bucket takes its time.
    if (r.time === undefined) delete bucket.time;
    else bucket.time = r.time;
    managers.delete(id);
    count--;
  }
}
