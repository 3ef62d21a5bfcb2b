/**
 * Per-customer rate limits and budgets on the shared store. The rate limit is a sliding window of
 * one minute, checked before anything else. A budget is guarded by reservations: before the request
 * an estimated cost (with markup) is reserved on the period and total budgets at once, refused when
 * one has nothing left; afterwards the reservation is replaced by the real cost, or released on
 * failure. A settlement that never lands (a store failure) is tried again, and its hold, should it
 * lapse, counts as spent at the reservation. Concurrent requests can thus overspend by at most one
 * reservation each, in any number of gateway processes.
 */
import { randomUUID } from 'node:crypto';
import { GatewayError } from '../errors.js';
import type { CustomerLog, LogRecord } from '../logging/log-record.js';
import type { StoreCalls } from '../store/store-calls.js';
import type { BudgetLine, BudgetState } from '../store/store.js';
import { budgetPeriod, type BudgetPeriod } from './budget-period.js';
import { hasBudget, type CustomerSettings } from './customer-settings.js';
import { LateSettlements } from './late-settlements.js';

const RATE_WINDOW_MS = 60_000;
/** Money in the store is integer nano-USD, so sums stay exact. */
const NANO = 1e9;
/**
 * A reservation outlives its request's deadline by this much before it lapses (and counts as spent).
 * Settlement follows the request's end at once; one that comes later still corrects the charge.
 */
const HOLD_MARGIN_MS = 5_000;
/**
 * The total budget of a customer the operator did not configure (its id and limits come from the
 * request) expires this long after its last use: callers can invent ids without end, and store
 * state made from them must not live forever. A period budget expires with its period.
 */
export const CALLER_TOTAL_BUDGET_TTL_MS = 30 * 86_400_000;

export interface Reservation {
  id: string;
  lines: BudgetLine[];
  settings: CustomerSettings;
  period?: BudgetPeriod;
}

export class CustomerLimits {
  private readonly late: LateSettlements;

  constructor(
    private readonly calls: StoreCalls,
    private readonly overBudgetStatus: 402 | 429,
  ) {
    this.late = new LateSettlements(calls.store);
  }

  /** Fills the log record's customer section; call first. */
  describe(settings: CustomerSettings, record: LogRecord): CustomerLog {
    record.customer_identifier ??= settings.id;
    const log: CustomerLog = {
      customer_identifier: settings.id,
      name: settings.name ?? null,
      email: settings.email ?? null,
      rate_limit: settings.rateLimit !== undefined ? { limit: settings.rateLimit, remaining: null } : null,
      period_budget: null,
      total_budget: settings.totalBudget !== undefined ? { limit_usd: settings.totalBudget, spent_usd: null } : null,
      markup_percentage: settings.markupPercentage,
      reserved_usd: null,
      charged_usd: null,
    };
    if (settings.periodBudget !== undefined) {
      const period = budgetPeriod(settings.budgetDuration);
      log.period_budget = {
        duration: settings.budgetDuration,
        limit_usd: settings.periodBudget,
        spent_usd: null,
        resets_at: period.end.toISOString(),
      };
    }
    record.customer = log;
    return log;
  }

  /** Counts the request against the rate limit; a 429 with `retry-after` when it is used up. Returns headers to send. */
  async checkRate(settings: CustomerSettings, record: LogRecord): Promise<Record<string, string>> {
    const limit = settings.rateLimit;
    if (limit === undefined) return {};
    const outcome = await this.calls.enforce('rate_limit', record, (store) =>
      store.hitWindow(`ratelimit:${settings.id}`, limit, RATE_WINDOW_MS),
    );
    if (!outcome) return {};
    const remaining = Math.max(0, limit - outcome.count);
    if (record.customer?.rate_limit) record.customer.rate_limit.remaining = remaining;
    const headers = {
      'x-ratelimit-limit-requests': String(limit),
      'x-ratelimit-remaining-requests': String(remaining),
    };
    if (outcome.allowed) return headers;
    const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
    throw new GatewayError({
      status: 429,
      code: 'customer_rate_limit_exceeded',
      retryAfterMs: outcome.retryAfterMs,
      headers: { ...headers, 'retry-after': String(seconds), 'x-ratelimit-reset-requests': `${seconds}s` },
      message: `Customer \`${settings.id}\` has reached its rate limit of ${limit} requests per minute. Retry after ${seconds} s.`,
    });
  }

  /** Reserves the estimated cost on the customer's budgets, or refuses the request. */
  async reserve(
    settings: CustomerSettings,
    estimateUsd: number,
    deadlineMs: number,
    record: LogRecord,
  ): Promise<Reservation | undefined> {
    if (!hasBudget(settings)) return undefined;
    const lines: BudgetLine[] = [];
    let period: BudgetPeriod | undefined;
    if (settings.periodBudget !== undefined) {
      period = budgetPeriod(settings.budgetDuration);
      // Kept a day past the period's end so a late settlement still finds it.
      const ttlMs = period.end.getTime() - Date.now() + 86_400_000;
      lines.push({
        key: `budget:${settings.id}:${settings.budgetDuration}:${period.label}`,
        limit: toNano(settings.periodBudget),
        ttlMs,
      });
    }
    if (settings.totalBudget !== undefined) {
      const ttlMs = settings.configured ? undefined : CALLER_TOTAL_BUDGET_TTL_MS;
      lines.push({ key: `budget:${settings.id}:total`, limit: toNano(settings.totalBudget), ttlMs });
    }
    const amount = exactNano(Math.ceil(withMarkup(estimateUsd, settings) * NANO));
    const id = randomUUID();
    const outcome = await this.calls.enforce('budget', record, (store) =>
      store.reserve(lines, id, amount, deadlineMs + HOLD_MARGIN_MS).catch((error: unknown) => {
        // It failed or timed out, yet may have run (or still run): undo it, whatever the policy does next.
        this.late.release(lines, id);
        throw error;
      }),
    );
    if (!outcome) return undefined;
    const reservation: Reservation = { id, lines, settings, period };
    this.noteSpend(reservation, outcome.lines, record);
    if (outcome.ok) {
      if (record.customer) record.customer.reserved_usd = amount / NANO;
      return reservation;
    }
    throw this.overBudget(reservation, outcome.lines, outcome.refusedAt ?? 0);
  }

  /** Replaces the reservation by the real cost (with markup); 0 releases it. */
  async settle(reservation: Reservation, costUsd: number, record: LogRecord): Promise<void> {
    const charged = exactNano(Math.round(withMarkup(costUsd, reservation.settings) * NANO));
    if (record.customer) record.customer.charged_usd = charged / NANO;
    const states = await this.calls.attempt('budget', record, (store) =>
      store.settle(reservation.lines, reservation.id, charged),
    );
    if (states) this.noteSpend(reservation, states, record);
    else this.late.retry(reservation.lines, reservation.id, charged);
  }

  private noteSpend(reservation: Reservation, states: readonly BudgetState[], record: LogRecord): void {
    const log = record.customer;
    if (!log) return;
    let index = 0;
    if (log.period_budget && reservation.settings.periodBudget !== undefined)
      log.period_budget.spent_usd = states[index++].spent / NANO;
    if (log.total_budget && reservation.settings.totalBudget !== undefined)
      log.total_budget.spent_usd = states[index].spent / NANO;
  }

  private overBudget(reservation: Reservation, states: readonly BudgetState[], refusedAt: number): GatewayError {
    const { settings, period } = reservation;
    const isPeriod = period !== undefined && refusedAt === 0;
    const limit = isPeriod ? settings.periodBudget! : settings.totalBudget!;
    const spent = states[refusedAt].spent / NANO;
    const reserved = states[refusedAt].reserved / NANO;
    const inFlight = reserved > 0 ? `, $${formatUsd(reserved)} reserved by requests in flight` : '';
    const which = isPeriod ? `${settings.budgetDuration} budget` : 'total budget';
    const resets = isPeriod ? ` It resets at ${period.end.toISOString()}.` : '';
    return new GatewayError({
      status: this.overBudgetStatus,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      headers: isPeriod ? { 'x-modelgate-budget-reset': period.end.toISOString() } : {},
      message: `Customer \`${settings.id}\` has used up its ${which} of $${formatUsd(limit)} ($${formatUsd(spent)} spent${inFlight}).${resets}`,
    });
  }
}

function withMarkup(usd: number, settings: CustomerSettings): number {
  return usd * (1 + settings.markupPercentage / 100);
}

/** Amounts the stores count exactly (integers below 2^53; Redis would refuse `1e+27`), whatever a caller's request multiplies. */
function exactNano(nano: number): number {
  return Number.isFinite(nano) ? Math.min(Math.max(0, nano), Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
}

function toNano(usd: number): number {
  return Math.round(usd * NANO);
}

function formatUsd(usd: number): string {
  return usd >= 1 ? usd.toFixed(2) : usd.toPrecision(3);
}
