/** A record as lists and the live tail show it: without the bulky input, output and parameters. */
import type { LogRecord } from '../logging/log-record.js';

export type SlimRecord = Omit<LogRecord, 'input' | 'output' | 'params'>;

export function slimRecord(record: LogRecord): SlimRecord {
  const { input: _input, output: _output, params: _params, ...slim } = record;
  return slim;
}
