// The image's HEALTHCHECK (docker/Dockerfile, docs/docker.md): GET /readyz of the Atoll process in
// this container; exit 0 when it answers 200, 1 otherwise. Plain JavaScript on node:http(s), as the
// slim image has no curl. Every role (single node, shard, front proxy) serves /readyz to anyone.
//   node docker/healthcheck.mjs [URL]   (default https://127.0.0.1:$ATOLL_PORT/readyz, port 6443;
//                                         http:// when ATOLL_PLAIN_HTTP is true)
// The serving certificate is not verified: the probe asks a process on loopback whether it is
// ready, and where its CA lives differs by role (<data-dir>/pki, or the shared --pki-dir).
import http from 'node:http';
import https from 'node:https';
import process from 'node:process';
import { URL } from 'node:url';

const TIMEOUT_MS = 4000;

const plain = ['true', '1'].includes(process.env.ATOLL_PLAIN_HTTP ?? '');
const url = new URL(process.argv[2] ?? `${plain ? 'http' : 'https'}://127.0.0.1:${process.env.ATOLL_PORT || 6443}/readyz`);
const client = url.protocol === 'https:' ? https : http;

const req = client.get(url, { rejectUnauthorized: false, timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  res.on('end', () => {
    if (res.statusCode !== 200) process.stderr.write(`${url.href}: ${res.statusCode}\n`);
    process.exit(res.statusCode === 200 ? 0 : 1);
  });
});
req.on('timeout', () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
req.on('error', (err) => {
  process.stderr.write(`${url.href}: ${err.message}\n`);
  process.exit(1);
});
