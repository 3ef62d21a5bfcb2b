import { describe, expect, it } from 'vitest';
import { budgetPeriod } from '../src/customers/budget-period.js';

describe('budget periods (UTC calendar)', () => {
  const at = new Date('2024-02-29T23:59:59.999Z'); // a Thursday in a leap year

  it('starts and ends each period on calendar boundaries', () => {
    const iso = (duration: Parameters<typeof budgetPeriod>[0]) => {
      const period = budgetPeriod(duration, at);
      return [period.label, period.start.toISOString(), period.end.toISOString()];
    };
    expect(iso('daily')).toEqual(['2024-02-29', '2024-02-29T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(iso('weekly')).toEqual(['2024-02-26', '2024-02-26T00:00:00.000Z', '2024-03-04T00:00:00.000Z']);
    expect(iso('monthly')).toEqual(['2024-02-01', '2024-02-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z']);
    expect(iso('yearly')).toEqual(['2024-01-01', '2024-01-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z']);
  });

  it('begins ISO weeks on Monday, also from a Sunday and across a year', () => {
    expect(budgetPeriod('weekly', new Date('2024-03-03T12:00:00Z')).label).toBe('2024-02-26');
    expect(budgetPeriod('weekly', new Date('2024-03-04T00:00:00Z')).label).toBe('2024-03-04');
    expect(budgetPeriod('weekly', new Date('2025-01-01T08:00:00Z')).label).toBe('2024-12-30');
    expect(budgetPeriod('monthly', new Date('2024-12-31T23:00:00Z')).end.toISOString()).toBe(
      '2025-01-01T00:00:00.000Z',
    );
  });
});
