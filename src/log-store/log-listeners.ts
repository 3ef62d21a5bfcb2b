/** The listeners of a store's live tail; a throwing listener never stops the others. */
import type { LogRecord } from '../logging/log-record.js';

export class LogListeners {
  private readonly listeners = new Set<(record: LogRecord) => void>();

  get size(): number {
    return this.listeners.size;
  }

  add(listener: (record: LogRecord) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  emit(record: LogRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(record);
      } catch {
        // a tail that failed is the tail's problem (its SSE stream ends), not the store's
      }
    }
  }
}
