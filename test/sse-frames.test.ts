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
    expect(
      eventsWithSplit(
        bytes,
        Array.from({ length: bytes.length - 1 }, (_, i) => i + 1),
      ),
    ).toEqual(EXPECTED);
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

/** The frames of a whole text, straight from the EventSource rules (a blank line ends a frame). */
function referenceFrames(text: string): { frames: string[]; rest: string } {
  const frames: string[] = [];
  const boundary = /(?:\r\n|\n|\r(?!\n))(?:\r\n|\n|\r(?!\n))/g;
  let start = 0;
  for (let match = boundary.exec(text); match; match = boundary.exec(text)) {
    frames.push(text.slice(start, match.index + match[0].length));
    start = match.index + match[0].length;
  }
  const rest = text.slice(start);
  return { frames, rest: rest.trim() ? rest : '' }; // blank lines after the last frame are no frame
}

describe('SSE frame splitting: line endings in every arrangement', () => {
  // Every pair and triple of CR, LF and CRLF, with short lines between, so that cuts land inside
  // each kind of boundary and just before or after it.
  const endings = ['\n', '\r', '\r\n'];
  let text = '';
  for (const a of endings)
    for (const b of endings) for (const c of endings) text += `data: x${a}${b}: c${c}data: é${a}${c}${b}`;
  text += '\n\n';
  const bytes = encoder.encode(text);
  const expected = referenceFrames(text);

  function split(cuts: number[]): { frames: string[]; rest: string } {
    const splitter = new SseFrameSplitter();
    const frames: string[] = [];
    let start = 0;
    for (const cut of [...cuts, bytes.length]) {
      frames.push(...splitter.push(bytes.subarray(start, cut)));
      start = cut;
    }
    return { frames, rest: splitter.end() ?? '' };
  }

  it('cuts the frames the specification cuts, whole or fed a byte at a time', () => {
    expect(expected.frames.length).toBeGreaterThan(20);
    expect(split([])).toEqual(expected);
    expect(split(Array.from({ length: bytes.length - 1 }, (_, i) => i + 1))).toEqual(expected);
  });

  it('cuts the same frames at random cut points', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 300; round++) {
      const cuts = [
        ...new Set(
          Array.from({ length: 1 + Math.floor(random() * 40) }, () => 1 + Math.floor(random() * (bytes.length - 1))),
        ),
      ].sort((a, b) => a - b);
      expect(split(cuts), `cuts ${cuts.join(',')}`).toEqual(expected);
    }
  });
});

describe('SSE frame splitting: long frames', () => {
  // Frames longer than the part the splitter keeps as one string, so that their start is held as
  // pieces and their boundary may straddle the pieces, the rest and the next chunk.
  const endings = ['\n\n', '\r\r', '\r\n\r\n', '\n\r\n', '\r\n\n'];
  let text = '';
  endings.forEach((ending, i) => (text += `data: ${'é'.repeat(9_000 + i * 1_111)}\ndata: b${ending}`));
  const bytes = encoder.encode(text);
  const expected = referenceFrames(text);

  it('cuts the same frames whatever the chunk sizes', () => {
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 50; round++) {
      const splitter = new SseFrameSplitter(1024 * 1024);
      const frames: string[] = [];
      const sizes = [1, 2, 3, 5, 700, 4_000, 9_000, 20_000];
      for (let at = 0; at < bytes.length;) {
        const size = sizes[Math.floor(random() * sizes.length)];
        frames.push(...splitter.push(bytes.subarray(at, at + size)));
        at += size;
      }
      expect({ frames, rest: splitter.end() ?? '' }, `round ${round}`).toEqual(expected);
    }
  });
});

describe('SSE frame splitting: cost and bounds', () => {
  const CHUNK = 16 * 1024;

  function cpuMs(run: () => void): number {
    const before = process.cpuUsage();
    run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  }

  it('splits one 32 MiB event, arriving in 16 KiB chunks, at linear cost', () => {
    const size = 32 * 1024 * 1024;
    const piece = Buffer.alloc(CHUNK, 'a');
    const splitter = new SseFrameSplitter(64 * 1024 * 1024);
    let frames: string[] = [];
    const used = cpuMs(() => {
      splitter.push(Buffer.from('data: '));
      for (let sent = 0; sent < size; sent += CHUNK) expect(splitter.push(piece)).toEqual([]);
      frames = splitter.push(Buffer.from('\n\ndata: next\n\n'));
    });
    expect(frames).toHaveLength(2);
    expect(frames[0].length).toBe(size + 8);
    expect(frames[1]).toBe('data: next\n\n');
    // Rescanning the held text on every chunk took about 30 s of CPU here; one pass takes well under 1 s.
    expect(used).toBeLessThan(2_000);
  });

  it('refuses an unfinished event past its limit, naming the limit, without holding more than that', () => {
    const splitter = new SseFrameSplitter(1024 * 1024);
    const piece = Buffer.alloc(CHUNK, 'a');
    let error: unknown;
    let pushed = 0;
    try {
      for (; pushed < 1024; pushed++) splitter.push(piece);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ status: 502, code: 'upstream_response_too_large' });
    expect((error as Error).message).toContain('1048576 bytes');
    expect((error as Error).message).toContain('responseLimitBytes');
    expect(pushed).toBe(64); // the chunk that went past 1 MiB
  });

  it('takes each comment of a keep-alive flood as a frame of its own (the relay bounds what it holds back)', () => {
    const splitter = new SseFrameSplitter(1024);
    let frames = 0;
    for (let i = 0; i < 10_000; i++) frames += splitter.push(': keep-alive\n\n').length;
    expect(frames).toBe(10_000);
  });
});
