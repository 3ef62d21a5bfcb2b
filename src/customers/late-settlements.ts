/**
 * Settlements that did not land, tried again in the background. A store outage while answers
 * settle would otherwise leave their holds to lapse, and a lapsed hold is charged its whole
 * reservation (an estimate that may be many times the real cost). A reservation whose outcome is
 * unknown (its call failed or timed out: it may still have run) is released the same way, at once
 * and then again, so that a request the policy let through, or refused, is never charged. Settling
 * is idempotent, so trying again is always safe. Past the last try the lapse is the safety net.
 */
import type { BudgetLine, Store } from '../store/store.js';

/** Waits before each new try: a dropped connection usually comes back within seconds. */
const RETRY_DELAYS_MS = [250, 2_000, 10_000];
/** Bounds the timers a long outage can pile up; past it, holds are left to lapse. */
const MAX_PENDING = 1_000;

export class LateSettlements {
  private pending = 0;

  constructor(private readonly store: Store) {}

  /** Tries again later, after `settle` failed. */
  retry(lines: readonly BudgetLine[], id: string, actual: number): void {
    this.schedule(lines, id, actual, 0);
  }

  /** Releases a reservation whose call failed: now (behind the reservation, on the same connection), then again. */
  release(lines: readonly BudgetLine[], id: string): void {
    this.store.settle(lines, id, 0).catch(() => this.schedule(lines, id, 0, 0));
  }

  private schedule(lines: readonly BudgetLine[], id: string, actual: number, attempt: number): void {
    if (attempt >= RETRY_DELAYS_MS.length || this.pending >= MAX_PENDING) return;
    this.pending++;
    const timer = setTimeout(() => {
      this.pending--;
      this.store.settle(lines, id, actual).catch(() => this.schedule(lines, id, actual, attempt + 1));
    }, RETRY_DELAYS_MS[attempt]);
    timer.unref();
  }
}
