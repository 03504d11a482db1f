/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with client-go's semantics: a candidate
 * takes the Lease when it is free or its holder has not renewed it for `leaseDuration` (measured on
 * the candidate's own clock from when it last saw the record change, never by comparing clocks);
 * the leader renews every `retryPeriod` and gives up leadership when it could not renew for
 * `renewDeadline`; on a graceful stop it releases the Lease (empty holder), so a successor takes
 * over at once instead of waiting out the lease.
 */
import { isNotFound } from './errors.js';
import type { HttpClient } from './http.js';

export interface LeaderElectionOptions {
  /** The provider's workspace (path `root:provider` or logical cluster name) the Lease lives in. */
  workspace: string;
  namespace?: string;
  /** The Lease's name (one per controller). */
  name: string;
  /** Who this process is (default: hostname and pid). */
  identity?: string;
  /** Defaults as client-go's: 15 s, 10 s, 2 s. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; acquireTime?: string; renewTime?: string; leaseTransitions?: number };
}

/** A MicroTime as Kubernetes writes it (RFC 3339, microseconds). */
const microTime = (d = new Date()): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export class LeaderElector {
  readonly identity: string;
  private readonly path: string;
  private readonly leaseMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private observed: { spec: string; at: number } | undefined;
  private leading = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly options: LeaderElectionOptions,
  ) {
    this.identity = options.identity ?? `${process.env.HOSTNAME ?? 'host'}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const ns = options.namespace ?? 'default';
    this.path = `/clusters/${options.workspace}/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/leases`;
    this.leaseMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseMs) throw new Error('leader election: renewDeadline must be shorter than leaseDuration');
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Resolves once this candidate leads (false if stopped first), then keeps renewing in the
   * background; `onLost` is called if renewing fails for longer than renewDeadline.
   */
  async acquire(onLost: () => void): Promise<boolean> {
    while (!this.stopped && !(await this.tryAcquireOrRenew())) await this.pause(this.retryMs);
    if (this.stopped) return false;
    this.loop = this.renewLoop(onLost);
    return true;
  }

  /** Stops renewing and, if leading, releases the Lease. */
  async release(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.http.json<Lease>('GET', `${this.path}/${this.options.name}`);
      if (lease.spec?.holderIdentity !== this.identity) return;
      const now = microTime();
      lease.spec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
      await this.http.json('PUT', `${this.path}/${this.options.name}`, { body: lease });
    } catch {
      // Not released: the successor waits out the lease, as when a leader crashes.
    }
  }

  private async renewLoop(onLost: () => void): Promise<void> {
    let lastRenew = performance.now();
    while (!this.stopped) {
      await this.pause(this.retryMs);
      if (this.stopped) return;
      if (await this.tryAcquireOrRenew()) {
        lastRenew = performance.now();
      } else if (performance.now() - lastRenew > this.renewDeadlineMs || !this.leading) {
        this.leading = false;
        this.stopped = true;
        onLost();
        return;
      }
    }
  }

  /** client-go's tryAcquireOrRenew: one read and at most one write. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = microTime();
    const durationSeconds = Math.ceil(this.leaseMs / 1000);
    try {
      let lease: Lease;
      try {
        lease = await this.http.json<Lease>('GET', `${this.path}/${this.options.name}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        await this.http.json('POST', this.path, {
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name: this.options.name },
            spec: { holderIdentity: this.identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
          },
        });
        this.observe(undefined);
        this.leading = true;
        return true;
      }
      const spec = lease.spec ?? {};
      const recordKey = JSON.stringify(spec);
      if (this.observed?.spec !== recordKey) this.observed = { spec: recordKey, at: performance.now() };
      const holder = spec.holderIdentity ?? '';
      const heldByOther = holder !== '' && holder !== this.identity;
      const expiresAt = (this.observed?.at ?? 0) + (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (heldByOther && performance.now() < expiresAt) {
        this.leading = false;
        return false;
      }
      const mine = holder === this.identity;
      lease.spec = {
        holderIdentity: this.identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : now,
        renewTime: now,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      };
      // Conditional on the revision read: of two candidates, one wins.
      await this.http.json('PUT', `${this.path}/${this.options.name}`, { body: lease });
      this.observe(lease.spec);
      this.leading = true;
      return true;
    } catch {
      return false;
    }
  }

  private observe(spec: Lease['spec']): void {
    this.observed = { spec: JSON.stringify(spec ?? {}), at: performance.now() };
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }
}
