import type { LogRecord } from '../../src/index.js';

/** An onLog sink that keeps records and lets a test wait for them. */
export function logCollector() {
  const records: LogRecord[] = [];
  const waiters: Array<() => void> = [];
  const sink = (record: LogRecord) => {
    records.push(structuredClone(record));
    for (const wake of waiters.splice(0)) wake();
  };
  async function waitFor(count: number, timeoutMs = 5_000): Promise<LogRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (records.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} log records, got ${records.length}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 20);
      });
    }
    return records;
  }
  /** Waits for `count` records, then a little longer to catch any extra (duplicate) record. */
  async function settle(count: number): Promise<LogRecord[]> {
    await waitFor(count);
    await new Promise((resolve) => setTimeout(resolve, 30));
    return records;
  }
  return { sink, records, waitFor, settle };
}
