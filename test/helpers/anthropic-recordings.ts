/**
 * Anthropic stream recordings (test/fixtures/anthropic) as SSE events, and back to Anthropic's real
 * wire framing (`event:` line + `data:` line) for loopback servers.
 */
import type { ServerResponse } from 'node:http';
import { parseSseFrame, SseFrameSplitter, type SseEvent } from '../../src/sse/sse-frames.js';
import { fixtureText } from './fixtures.js';

export type Recorded = SseEvent & { data: string };

export const STREAM_RECORDINGS = [
  'anthropic-text.chunks.jsonl',
  'anthropic-tool-no-args.chunks.jsonl',
  'anthropic-json-tool.chunks.jsonl',
  'anthropic-thinking.chunks.jsonl',
  'sdk-basic_response.sse',
  'sdk-tool_use_response.sse',
] as const;

/** Reads a `.chunks.jsonl` (one payload per line, the event name is its `type`) or a raw `.sse` file. */
export function recordedEvents(name: string): Recorded[] {
  const text = fixtureText(`anthropic/${name}`);
  if (name.endsWith('.sse')) {
    const splitter = new SseFrameSplitter();
    const frames = splitter.push(text);
    const rest = splitter.end();
    if (rest !== undefined) frames.push(rest);
    return frames.map(parseSseFrame).filter((event): event is Recorded => event.data !== undefined);
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ event: (JSON.parse(line) as { type: string }).type, data: line }));
}

/** Anthropic's framing: every event has an `event:` line naming it. */
export function toWire(events: readonly Recorded[]): string {
  return events
    .map((event) => `event: ${event.event ?? JSON.parse(event.data).type}\ndata: ${event.data}\n\n`)
    .join('');
}

/** The raw bytes of a recording as Anthropic sends them (`.sse` files verbatim). */
export function recordedWire(name: string): string {
  return name.endsWith('.sse') ? fixtureText(`anthropic/${name}`) : toWire(recordedEvents(name));
}

export const event = (payload: Record<string, unknown>): Recorded => ({
  event: String(payload.type),
  data: JSON.stringify(payload),
});

/** Serves a stream with Anthropic's headers, optionally cut into pieces at the given byte counts. */
export function writeAnthropicStream(response: ServerResponse, wire: string, options: { pieces?: number } = {}): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': 'req_test',
  });
  const bytes = Buffer.from(wire, 'utf8');
  const pieces = options.pieces ?? 1;
  const size = Math.ceil(bytes.length / pieces);
  for (let start = 0; start < bytes.length; start += size) response.write(bytes.subarray(start, start + size));
  response.end();
}

/**
 * A thinking turn that ends in a tool call, from two recordings: the thinking and text blocks of
 * `anthropic-thinking.chunks.jsonl` (its message_delta and message_stop left out), then the
 * tool_use block and the end of `sdk-tool_use_response.sse` (its block indexes moved past the
 * first recording's).
 */
export function thinkingThenToolEvents(): Recorded[] {
  const thinking = recordedEvents('anthropic-thinking.chunks.jsonl').filter(
    (event) => event.event !== 'message_delta' && event.event !== 'message_stop',
  );
  const tool = recordedEvents('sdk-tool_use_response.sse');
  const start = tool.findIndex((event) => event.data.includes('"tool_use"'));
  const moved = tool.slice(start).map((event) => {
    const payload = JSON.parse(event.data);
    if (typeof payload.index === 'number') payload.index += 10;
    return { event: event.event, data: JSON.stringify(payload) };
  });
  return [...thinking, ...moved];
}
