/**
 * CPU accounting for the GraphQL benchmarks: what the server process, this process and the whole
 * machine used over a stretch of wall time (Linux /proc; NaN elsewhere). On shared machines the
 * whole-machine figure tells whether something else competed with the measurement.
 */
import fs from 'node:fs';

/** CPU seconds (user + system) a process has used, from /proc (Linux; assumes 100 clock ticks/s); NaN elsewhere. */
function processCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Busy CPU seconds of the whole machine (all cores; everything but idle and iowait), from /proc/stat; NaN elsewhere. */
function machineCpuSeconds(): number {
  try {
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return (user + nice + system + irq + softirq + steal) / 100;
  } catch {
    return NaN;
  }
}

export interface CpuMark {
  wall: number;
  server: number;
  bench: NodeJS.CpuUsage;
  machine: number;
}

/** CPU time over wall time (1 = one core busy). */
export interface CpuUse {
  /** The server's process (NaN without one, or off Linux). */
  serverCpu: number;
  /** This process: load generator, subscribers, or whatever runs in-process. */
  benchCpu: number;
  /** Every process on the machine, other work included: shows when something else competed for the cores. */
  machineCpu: number;
  /** The wall time measured over, in seconds. */
  seconds: number;
}

/** CPU use as a percentage of one core. */
export const pct = (x: number): string => `${Math.round(x * 100)} %`;

export function cpuMark(serverPid: number | undefined): CpuMark {
  return { wall: performance.now(), server: processCpuSeconds(serverPid), bench: process.cpuUsage(), machine: machineCpuSeconds() };
}

export function cpuSince(mark: CpuMark, serverPid: number | undefined): CpuUse {
  const seconds = (performance.now() - mark.wall) / 1000;
  const bench = process.cpuUsage(mark.bench);
  return {
    serverCpu: (processCpuSeconds(serverPid) - mark.server) / seconds,
    benchCpu: (bench.user + bench.system) / 1e6 / seconds,
    machineCpu: (machineCpuSeconds() - mark.machine) / seconds,
    seconds,
  };
}
