/* global db, sh, print, process */
// One-shot, run by mongosh against mongos (docker/compose.yaml), after the shards' replica sets have a
// primary. Running it again changes nothing.
//   $SHARDS     the shard replica sets to add, "<set>/<host:port>" separated by spaces
//   $DATABASES  each Atoll shard's database and the MongoDB shard that is its primary, "<db>:<set>"
//               separated by spaces: one Atoll process per database (docs/mongodb.md), placed apart.
// In each database `objects` is sharded on the logical cluster first (one workspace's objects stay on
// one shard; docs/mongodb.md, "Sharding"). The unique index it is sharded on is made first, with the
// name and key Atoll's store gives it when it opens (src/storage/mongodb/collections.ts), so the
// store finds it already there. `changes` stays unsharded (its fence document has no shard key).
const words = (text) => (text ?? '').split(/\s+/).filter((w) => w !== '');
const shards = words(process.env.SHARDS);
const databases = words(process.env.DATABASES).map((pair) => {
  const [name, primary] = pair.split(':');
  return { name, primary };
});
if (shards.length === 0 || databases.length === 0) throw new Error('SHARDS and DATABASES must be set');

const added = new Set(db.adminCommand({ listShards: 1 }).shards.map((s) => s._id));
for (const shard of shards) {
  const id = shard.split('/')[0];
  if (!added.has(id)) sh.addShard(shard);
}
for (const { name, primary } of databases) {
  sh.enableSharding(name, primary);
  const namespace = `${name}.objects`;
  if (db.getSiblingDB('config').collections.findOne({ _id: namespace, dropped: { $ne: true } })) continue;
  const key = { c: 1, r: 1, ns: 1, n: 1 };
  db.getSiblingDB(name).objects.createIndex(key, { unique: true, name: 'objects_by_key' });
  sh.shardCollection(namespace, key, true);
}
print(`shards: ${shards.join(', ')}; databases: ${databases.map((d) => `${d.name} on ${d.primary}`).join(', ')}`);
