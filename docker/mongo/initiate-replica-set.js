/* global db, rs, sleep, print, process */
// One-shot, run by mongosh against one mongod (docker/compose.yaml): make it a one-member replica set
// named $REPLICA_SET with $MEMBER as its address ($CONFIG_SERVER=true for the config servers), then
// wait until it is primary, so what depends on this container finding it done can write. Running it
// again changes nothing.
const name = process.env.REPLICA_SET;
const member = process.env.MEMBER;
if (!name || !member) throw new Error('REPLICA_SET and MEMBER must be set');
let initiated = true;
try {
  rs.status();
} catch (err) {
  if (err.codeName !== 'NotYetInitialized') throw err;
  initiated = false;
}
if (!initiated) {
  rs.initiate({ _id: name, configsvr: process.env.CONFIG_SERVER === 'true', members: [{ _id: 0, host: member }] });
}
while (!db.hello().isWritablePrimary) sleep(500);
print(`replica set ${name} has a primary: ${member}`);
