/**
 * Where a CPU profile's busy time went (`node dist/bench/profile-summary.js <file.cpuprofile> [N]`):
 * the N functions with the most samples of their own, then the N with the most samples beneath them
 * (each counted once per sample however often it recurs), as shares of the busy samples (idle
 * left out). Inclusive shares are also given without the samples spent in `writev`, the socket
 * write, which dominates fan-out profiles and hides what the JavaScript around it costs.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

const shortUrl = (url: string): string => url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, '').replace(/^node:internal\//, '');
const label = (n: ProfileNode): string => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;

function summarize(profile: CpuProfile, top: number): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const perNode = new Map<number, number>();
  for (const id of profile.samples) perNode.set(id, (perNode.get(id) ?? 0) + 1);

  const own = new Map<string, number>();
  const inclusive = new Map<string, { all: number; notWritev: number }>();
  let busy = 0;
  for (const [id, samples] of perNode) {
    const leaf = byId.get(id);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    busy += samples;
    own.set(label(leaf), (own.get(label(leaf)) ?? 0) + samples);
    const inWritev = leaf.callFrame.functionName === 'writev';
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (!node || seen.has(label(node))) continue;
      seen.add(label(node));
      const entry = inclusive.get(label(node)) ?? { all: 0, notWritev: 0 };
      entry.all += samples;
      if (!inWritev) entry.notWritev += samples;
      inclusive.set(label(node), entry);
    }
  }
  const share = (n: number): string => `${((100 * n) / busy).toFixed(1).padStart(5)} %`;
  const idle = profile.samples.length - busy;
  console.log(`${profile.samples.length} samples: ${busy} busy, ${idle} idle`);
  console.log(`\nown samples (top ${top})`);
  for (const [name, n] of [...own].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${share(n)}  ${name}`);
  console.log(`\nsamples beneath (top ${top}): all / without writev`);
  const ranked = [...inclusive].filter(([name]) => !name.startsWith('(root)')).sort((a, b) => b[1].all - a[1].all);
  for (const [name, n] of ranked.slice(0, top)) console.log(`${share(n.all)} ${share(n.notWritev)}  ${name}`);
}

const [file, topText] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node dist/bench/profile-summary.js <file.cpuprofile> [top N, default 30]');
  process.exitCode = 2;
} else {
  summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, Number(topText ?? 30));
}
