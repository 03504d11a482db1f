/**
 * Prometheus's own text-format parser for tests: `promparse/` is a small Go program around
 * github.com/prometheus/common/expfmt (what a Prometheus server parses scrapes with), built once
 * per suite with the machine's Go (modules through the Go module proxy). Suites skip without Go.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';

const SOURCE = fileURLToPath(new URL('./promparse', import.meta.url));

/** The go binary, or undefined when the machine has none. */
export const GO = [process.env.GO, '/usr/local/go/bin/go', '/usr/bin/go'].find((p): p is string => p !== undefined && fs.existsSync(p));

export interface Sample {
  labels: Record<string, string>;
  /** Counters, gauges, untyped. */
  value?: number;
  /** Histograms and summaries. */
  count?: number;
  sum?: number;
  /** Histograms: cumulative count per upper bound (`0.1`, `+Inf`). */
  buckets?: Record<string, number>;
}

export interface MetricFamily {
  name: string;
  help: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED' | 'GAUGE_HISTOGRAM';
  metrics: Sample[];
}

/** Builds the parser before the suite; the returned function gives its path. */
export function usePromParse(): () => string {
  let dir = '';
  let binary = '';
  beforeAll(async () => {
    if (!GO) return;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-promparse-'));
    binary = path.join(dir, 'promparse');
    await new Promise<void>((resolve, reject) =>
      execFile(GO, ['build', '-o', binary, '.'], { cwd: SOURCE, timeout: 300_000 }, (err, _out, stderr) => (err ? reject(new Error(`go build failed: ${stderr}`)) : resolve())),
    );
  }, 320_000);
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => binary;
}

/** The metric families of a scrape, as Prometheus reads them; rejects what Prometheus would refuse. */
export function parsePrometheusText(binary: string, text: string): Promise<MetricFamily[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as MetricFamily[]) : reject(new Error(`not valid Prometheus text format: ${err}`))));
    child.stdin.end(text);
  });
}
