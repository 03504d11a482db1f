/**
 * The processes `npm run cluster` runs: each a child of the same program (this Node with the same
 * flags and entry point), its output forwarded line by line as JSON lines carrying its role, and
 * its "serving" log line awaited for where it serves.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';
import { STOP_ON_STDIN_END } from './parent-watch.js';

/** A child's "serving" log line: at least where it serves and the kubeconfig it wrote. */
export interface ServingLine {
  url: string;
  kubeconfig: string;
  [key: string]: unknown;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Where forwarded lines go (the cluster's standard output). */
export type LineSink = (line: string) => void;

/**
 * One line of a child's output with its role: a JSON object gains `"role"` as its first field (a
 * log collector can tell the children apart), anything else (a crash's stack trace on stderr) is
 * wrapped in one.
 */
export function withRole(role: string, line: string, stream: 'stdout' | 'stderr'): string {
  const prefix = `{"role":${JSON.stringify(role)}`;
  if (line.startsWith('{') && line.endsWith('}')) {
    try {
      JSON.parse(line);
      return line === '{}' ? `${prefix}}` : `${prefix},${line.slice(1)}`;
    } catch {
      // Not JSON after all: wrapped below.
    }
  }
  return `${prefix},"stream":"${stream}","time":${Date.now()},"msg":${JSON.stringify(line)}}`;
}

/** A forwarded line made readable, as `npm start` logs on a terminal, with `[role]` before the message. */
export const textLine: (line: string) => string = prettyFactory({
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'component,role',
  singleLine: true,
  messageFormat: '[{role}] {msg}',
});

/** The program this process runs, to start its children with: Node's flags but a debugger's. */
function selfCommand(): string[] {
  const flags = process.execArgv.filter((f) => !f.startsWith('--inspect'));
  return [process.execPath, ...flags, process.argv[1] as string];
}

export class ClusterChild {
  readonly child: ChildProcess;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ChildExit>;
  /** Where it serves, once it does. */
  url: string | undefined;
  /**
   * Resolves with the message of the first fatal line it logs: it is going down, though it may
   * not exit by itself (a proxy whose start failed can keep its listener open).
   */
  readonly fatal: Promise<string>;
  private readonly serving: Promise<ServingLine>;

  /**
   * `servingMsg`: the `msg` of the log line that says the child serves; `program`: what runs `args`
   * (this program by default; tests give another). Children run in their own process group: a
   * Ctrl-C at the terminal reaches the cluster alone, which stops them in order.
   */
  constructor(
    readonly role: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    servingMsg: string,
    sink: LineSink,
    program: string[] = selfCommand(),
  ) {
    const [command, ...rest] = program;
    // Standard input is a pipe the child watches: it ends with this process (src/server/parent-watch.ts).
    this.child = spawn(command as string, [...rest, ...args], { env: { ...env, [STOP_ON_STDIN_END]: 'true' }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
    let markFatal: (msg: string) => void = () => undefined;
    this.fatal = new Promise((resolve) => (markFatal = resolve));
    let markServing: (line: ServingLine) => void = () => undefined;
    this.serving = new Promise<ServingLine>((resolve, reject) => {
      markServing = resolve;
      void this.exited.then((e) => reject(new Error(`${role} exited before serving (${describeExit(e)})`)));
      void this.fatal.then((msg) => reject(new Error(`${role} failed: ${msg}`)));
    });
    // Not every caller waits for it: an exit before serving must not be an unhandled rejection.
    this.serving.catch(() => undefined);
    const spawnFailed = new Promise<never>((_resolve, reject) => this.child.once('error', reject));
    spawnFailed.catch((err: unknown) => sink(withRole(role, `could not start: ${err instanceof Error ? err.message : String(err)}`, 'stderr')));
    createInterface({ input: this.child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      sink(withRole(role, line, 'stdout'));
      if (line.startsWith('{"level":60,')) markFatal(((JSON.parse(line) as { msg?: unknown }).msg as string | undefined) ?? line);
      if (line.includes(`"msg":${JSON.stringify(servingMsg)}`)) {
        const parsed = JSON.parse(line) as Partial<ServingLine>;
        if (typeof parsed.url === 'string' && typeof parsed.kubeconfig === 'string') {
          this.url = parsed.url;
          markServing(parsed as ServingLine);
        }
      }
    });
    createInterface({ input: this.child.stderr as NodeJS.ReadableStream }).on('line', (line) => sink(withRole(role, line, 'stderr')));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves with the child's serving line; rejects if it exits first. */
  untilServing(): Promise<ServingLine> {
    return this.serving;
  }

  /** Signals the child's process group (it and anything it started); resolves once it has exited. */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit> {
    if (this.running && this.child.pid !== undefined) {
      try {
        process.kill(-this.child.pid, signal);
      } catch {
        // Gone in between.
      }
    }
    return this.exited;
  }
}

export function describeExit({ code, signal }: ChildExit): string {
  return signal ? `killed by ${signal}` : `exit code ${code}`;
}
