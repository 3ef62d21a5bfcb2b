import { describe, expect, it } from 'vitest';
import { parseSseFrame, SseFrameSplitter } from '../src/sse/sse-frames.js';
import { sseEventDecoder } from '../src/sse/sse-event-decoder.js';

const encoder = new TextEncoder();

/** Feeds `bytes` split at `at` and returns the parsed events (frames with data). */
function eventsWithSplit(bytes: Uint8Array, cuts: number[]) {
  const decoder = sseEventDecoder();
  const events = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    events.push(...decoder.push(bytes.subarray(start, cut)));
    start = cut;
  }
  events.push(...decoder.end());
  return events;
}

const SAMPLE =
  ': a comment\n' +
  'event: message_start\r\n' +
  'data: {"a":"héllo 🌍"}\r\n' +
  '\r\n' +
  'data: line one\n' +
  'data: line two\n' +
  '\n' +
  'id: 7\r' +
  'data:no-space\r' +
  '\r' +
  ': keep-alive\n\n' +
  'data: {"done":"日本語"}\n\n';

const EXPECTED = [
  { event: 'message_start', data: '{"a":"héllo 🌍"}' },
  { data: 'line one\nline two' },
  { id: '7', data: 'no-space' },
  { data: '{"done":"日本語"}' },
];

describe('SSE decoding', () => {
  const bytes = encoder.encode(SAMPLE);

  it('decodes CR, LF and CRLF endings, comments, multi-line data and multi-byte characters', () => {
    expect(eventsWithSplit(bytes, [])).toEqual(EXPECTED);
  });

  it('gives the same events for every single split point', () => {
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(eventsWithSplit(bytes, [cut]), `split at byte ${cut}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events for every pair of split points', () => {
    for (let a = 1; a < bytes.length; a += 3) {
      for (let b = a + 1; b < bytes.length; b += 5) {
        expect(eventsWithSplit(bytes, [a, b]), `split at ${a} and ${b}`).toEqual(EXPECTED);
      }
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    expect(eventsWithSplit(bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(EXPECTED);
  });

  it('keeps raw frames byte-exact for pass-through', () => {
    const splitter = new SseFrameSplitter();
    const frames = [...splitter.push(bytes.subarray(0, 40)), ...splitter.push(bytes.subarray(40))];
    expect(frames.join('')).toBe(SAMPLE);
    expect(splitter.end()).toBeUndefined();
  });

  it('returns an unterminated last frame at the end', () => {
    const splitter = new SseFrameSplitter();
    expect(splitter.push('data: a\n\ndata: b')).toEqual(['data: a\n\n']);
    expect(splitter.end()).toBe('data: b');
  });

  it('does not mistake a CRLF split across chunks for two line endings', () => {
    const splitter = new SseFrameSplitter();
    expect(splitter.push('data: a\r')).toEqual([]);
    expect(splitter.push('\ndata: b\r\n\r')).toEqual([]);
    expect(splitter.push('\n')).toEqual(['data: a\r\ndata: b\r\n\r\n']);
  });

  it('parses fields per the EventSource rules', () => {
    expect(parseSseFrame('data\n\n')).toEqual({ data: '' });
    expect(parseSseFrame(': only a comment\n\n')).toEqual({});
    expect(parseSseFrame('event: ping\ndata:  two spaces\n\n')).toEqual({ event: 'ping', data: ' two spaces' });
  });
});
