/**
 * Shared printing and statistics for the benchmarks: one aligned line per figure (name, value,
 * unit, and the ratio to a baseline measured in the same run when there is one), so runs can be
 * compared by eye and diffed.
 */
import type { LoadResult } from './http-load.js';

/** One benchmark suite; `npm run bench -- <word>` runs the suites whose name contains <word>. */
export interface Suite {
  name: string;
  /** One line: what the suite measures. */
  title: string;
  run(): Promise<void>;
}

export interface Baseline {
  value: number;
  /** What the baseline is, e.g. "raw sqlite". */
  label: string;
}

const NAME_WIDTH = 52;
const VALUE_WIDTH = 12;
const UNIT_WIDTH = 10;

export function section(suite: Suite): void {
  console.log(`\n== ${suite.name}: ${suite.title}`);
}

/** Prints `name  value unit  (ratio x label)`. */
export function figure(name: string, value: number, unit: string, baseline?: Baseline): void {
  let text = `  ${name.padEnd(NAME_WIDTH)} ${formatNumber(value).padStart(VALUE_WIDTH)} ${unit.padEnd(UNIT_WIDTH)}`;
  if (baseline && baseline.value > 0) text += ` ${(value / baseline.value).toFixed(2)}x ${baseline.label}`;
  console.log(text.trimEnd());
}

/** A load's result and what to call it in figure names. */
export interface NamedLoad {
  label: string;
  result: LoadResult;
}

/** req/s, then p50 and p99, of `base` and of each of `others` with its ratio to `base`. */
export function reportLoads(what: string, base: NamedLoad, ...others: NamedLoad[]): void {
  const ratioTo = (value: number): Baseline => ({ value, label: base.label });
  figure(`${what}, ${base.label} (${base.result.count} requests)`, base.result.perSecond, 'req/s');
  for (const o of others) figure(`${what}, ${o.label} (${o.result.count} requests)`, o.result.perSecond, 'req/s', ratioTo(base.result.perSecond));
  for (const p of [50, 99]) {
    const b = percentile(base.result.latencies, p);
    figure(`${what}, ${base.label} latency p${p}`, b, 'ms');
    for (const o of others) figure(`${what}, ${o.label} latency p${p}`, percentile(o.result.latencies, p), 'ms', ratioTo(b));
  }
}

/** A line of context under the figures (what a baseline is, why one is missing). */
export function note(text: string): void {
  console.log(`  - ${text}`);
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toPrecision(3);
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Nearest-rank percentile of an already sorted array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}
