/** Calendar periods of a `budget_duration`, in UTC: a day, an ISO week (from Monday), a month, a year. */
export type BudgetDuration = 'daily' | 'weekly' | 'monthly' | 'yearly';

export interface BudgetPeriod {
  /** e.g. `2025-06-01` for June 2025 (monthly), the start date of the period. */
  label: string;
  start: Date;
  end: Date;
}

export function budgetPeriod(duration: BudgetDuration, at: Date = new Date()): BudgetPeriod {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const d = at.getUTCDate();
  let start: Date;
  let end: Date;
  switch (duration) {
    case 'daily':
      start = new Date(Date.UTC(y, m, d));
      end = new Date(Date.UTC(y, m, d + 1));
      break;
    case 'weekly': {
      const sinceMonday = (at.getUTCDay() + 6) % 7;
      start = new Date(Date.UTC(y, m, d - sinceMonday));
      end = new Date(Date.UTC(y, m, d - sinceMonday + 7));
      break;
    }
    case 'monthly':
      start = new Date(Date.UTC(y, m, 1));
      end = new Date(Date.UTC(y, m + 1, 1));
      break;
    case 'yearly':
      start = new Date(Date.UTC(y, 0, 1));
      end = new Date(Date.UTC(y + 1, 0, 1));
      break;
    default: {
      const unknown: never = duration;
      throw new Error(`unknown budget duration ${String(unknown)}`);
    }
  }
  return { label: start.toISOString().slice(0, 10), start, end };
}
