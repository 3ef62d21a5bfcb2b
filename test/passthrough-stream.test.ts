/**
 * The pass-through relay at every chunk boundary: what the client gets (bytes), what the tap learns
 * (usage, payloads for the log, first payload) and how a stream ends, must not depend on where the
 * network cut the upstream's bytes, for LF, CRLF and CR streams alike.
 */
import { describe, expect, it } from 'vitest';
import { passthroughStream, type PassthroughOptions, type StreamTap } from '../src/engine/passthrough-stream.js';
import { accumulateChoices } from '../src/endpoints/chat-completions/accumulate-choices.js';
import { createProviders } from '../src/providers/create-providers.js';
import { GatewayError } from '../src/errors.js';

const provider = createProviders({ openai: { apiKey: 'sk-test-passthrough-0001' } }).get('openai')!;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const chunk = (delta: object, finish: string | null = null, extra = '') =>
  `{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":${JSON.stringify(delta)},"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]${extra}}`;
const USAGE =
  '{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}';

interface Outcome {
  text: string;
  usage: StreamTap['usage'];
  output: unknown;
  firstPayload?: string;
  error?: string;
  /** Pieces yielded before the first data frame was complete (nothing may be yielded then). */
  yieldsBeforeData: number;
}

async function relay(
  bytes: Uint8Array,
  cuts: number[],
  options: PassthroughOptions = { stripUsage: true, keepPayloads: true, keepOutput: true },
): Promise<Outcome> {
  async function* body() {
    let start = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut > start) yield bytes.subarray(start, cut);
      start = cut;
    }
  }
  const tap: StreamTap = {};
  let text = '';
  let error: string | undefined;
  try {
    for await (const piece of passthroughStream(body(), provider, options, tap)) {
      text += typeof piece === 'string' ? piece : decoder.decode(piece);
    }
  } catch (thrown) {
    error = GatewayError.isInstance(thrown) ? thrown.code! : String(thrown);
  }
  const output = tap.output?.value();
  // The output built chunk by chunk is the one rebuilt from the kept payloads (the cache's way).
  if (tap.payloads) expect(output).toEqual(accumulateChoices(tap.payloads));
  return { text, usage: tap.usage, output, firstPayload: tap.firstPayload, error, yieldsBeforeData: 0 };
}

const frames = (eol: string, ...payloads: string[]) =>
  payloads.map((payload) => `data: ${payload}${eol}${eol}`).join('');

const LF_STREAM =
  ': keep-alive\n\n' +
  frames(
    '\n',
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: 'Héllo 🌍' }),
    chunk({ content: ' wörld' }),
    chunk({}, 'stop'),
    USAGE,
    '[DONE]',
  );

const CASES: Array<{ name: string; stream: string; expected: Partial<Outcome>; textBeforeCommit?: string }> = [
  {
    name: 'LF stream with a keep-alive, usage (stripped) and [DONE] (left to the engine)',
    stream: LF_STREAM,
    expected: {
      text:
        ': keep-alive\n\n' +
        frames(
          '\n',
          chunk({ role: 'assistant', content: '' }),
          chunk({ content: 'Héllo 🌍' }),
          chunk({ content: ' wörld' }),
          chunk({}, 'stop'),
        ),
      usage: { inputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 3, reasoningTokens: 0 },
      output: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Héllo 🌍 wörld' } }],
      firstPayload: chunk({ role: 'assistant', content: '' }),
      error: undefined,
    },
  },
  {
    name: 'CRLF stream',
    stream: frames('\r\n', chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop'), '[DONE]'),
    expected: {
      text: frames('\r\n', chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop')),
      output: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'ab' } }],
      error: undefined,
    },
  },
  {
    name: 'CR stream',
    stream: frames('\r', chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop')),
    expected: { text: frames('\r', chunk({ content: 'a' }), chunk({ content: 'b' }, 'stop')), error: undefined },
  },
  {
    name: 'usage carried on a content chunk (kept, usage removed from it)',
    stream: frames(
      '\n',
      chunk({ content: 'a' }, 'stop', ',"usage":{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3}'),
      '[DONE]',
    ),
    expected: {
      text: frames('\n', chunk({ content: 'a' }, 'stop')),
      usage: { inputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 },
      error: undefined,
    },
  },
  {
    name: '"usage":null on every chunk is not a usage chunk',
    stream: frames('\n', chunk({ content: 'a' }, null, ',"usage":null'), chunk({}, 'stop', ',"usage":null'), '[DONE]'),
    expected: {
      text: frames('\n', chunk({ content: 'a' }, null, ',"usage":null'), chunk({}, 'stop', ',"usage":null')),
      usage: undefined,
      error: undefined,
    },
  },
  {
    name: 'an error payload after the first data',
    stream: frames(
      '\n',
      chunk({ content: 'a' }),
      '{"error":{"message":"overloaded","type":"server_error","code":"overloaded"}}',
    ),
    // In one network chunk with the first data the error comes before commit (nothing relayed, the
    // engine falls back); once the first data went out, everything before the error is relayed.
    expected: { text: '', error: 'overloaded' },
    textBeforeCommit: frames('\n', chunk({ content: 'a' })),
  },
  {
    name: 'a malformed usage chunk',
    stream: frames(
      '\n',
      chunk({ content: 'a' }),
      chunk({}, 'stop'),
      '{"id":"c1","choices":[],"usage":{"prompt_tokens":5,"completion_',
      '[DONE]',
    ),
    // Like any upstream error: before commit when it comes with the first data, after it otherwise.
    expected: { text: '', error: 'upstream_invalid_response' },
    textBeforeCommit: frames('\n', chunk({ content: 'a' }), chunk({}, 'stop')),
  },
  {
    name: 'a stream that ends unfinished',
    stream: frames('\n', chunk({ content: 'a' }), chunk({ content: 'b' })),
    expected: {
      text: frames('\n', chunk({ content: 'a' }), chunk({ content: 'b' })),
      error: 'upstream_stream_truncated',
    },
  },
  {
    name: 'a finish reason written with spaces, and an unterminated last frame',
    stream: `data: ${chunk({ content: 'a' })}\n\ndata: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason" : "stop"}]}`,
    expected: {
      text: `data: ${chunk({ content: 'a' })}\n\ndata: {"id":"c1","choices":[{"index":0,"delta":{},"finish_reason" : "stop"}]}\n\n`,
      error: undefined,
    },
  },
  {
    name: 'a stream cut in the middle of its last event',
    stream: `data: ${chunk({ content: 'a' })}\n\ndata: {"id":"c1","choices":[{"index":0,"delta":{"content":"lo`,
    // The cut event is not relayed: a client would fail on its broken JSON instead of reading the error.
    expected: { text: `data: ${chunk({ content: 'a' })}\n\n`, error: 'upstream_stream_truncated' },
  },
  {
    name: 'a stream with no data at all',
    stream: ': only a comment\n\n',
    expected: { text: '', error: 'upstream_empty_stream' },
  },
];

describe('pass-through relay', () => {
  for (const sample of CASES) {
    const bytes = encoder.encode(sample.stream);
    it(`${sample.name}: as one chunk`, async () => {
      expect(await relay(bytes, [])).toMatchObject(sample.expected);
    });
    it(`${sample.name}: the same at every split point and in single bytes`, async () => {
      const whole = await relay(bytes, []);
      const same = async (cuts: number[]) => {
        const outcome = await relay(bytes, cuts);
        if (sample.textBeforeCommit !== undefined && outcome.text === sample.textBeforeCommit)
          outcome.text = whole.text;
        expect(outcome, `split at ${cuts.join(', ')}`).toEqual(whole);
      };
      for (let cut = 1; cut < bytes.length; cut++) await same([cut]);
      for (let a = 1; a < bytes.length; a += 7) {
        for (let b = a + 1; b < bytes.length; b += 11) await same([a, b]);
      }
      await same(Array.from({ length: bytes.length - 1 }, (_, i) => i + 1));
    });
  }

  it('relays the frames that came before an error in the same network chunk once committed', async () => {
    const first = `data: ${chunk({ content: 'a' })}\n\n`;
    const rest = `data: ${chunk({ content: 'b' })}\n\ndata: {"error":{"message":"overloaded","code":"overloaded"}}\n\n`;
    const outcome = await relay(encoder.encode(first + rest), [first.length]);
    expect(outcome.error).toBe('overloaded');
    expect(outcome.text).toBe(first + `data: ${chunk({ content: 'b' })}\n\n`);
  });

  it('keeps the usage chunk when the client asked for it', async () => {
    const outcome = await relay(encoder.encode(LF_STREAM), [], {
      stripUsage: false,
      keepPayloads: false,
      keepOutput: false,
    });
    expect(outcome.text).toContain(`data: ${USAGE}\n\n`);
    expect(outcome.output).toBeUndefined();
  });

  it('yields nothing before the first data frame, then one piece per network chunk', async () => {
    const tap: StreamTap = {};
    const pieces: Array<{ at: number; text: string }> = [];
    let received = 0;
    const parts = [
      ': keep-alive\n\n',
      `data: ${chunk({ content: 'a' })}\n\ndata: ${chunk({ content: 'b' })}\n\n`,
      `data: ${chunk({}, 'stop')}\n\n`,
    ];
    async function* body() {
      for (const part of parts) {
        received++;
        yield encoder.encode(part);
      }
    }
    for await (const piece of passthroughStream(body(), provider, { stripUsage: true, keepPayloads: false }, tap)) {
      pieces.push({ at: received, text: typeof piece === 'string' ? piece : decoder.decode(piece) });
    }
    expect(pieces).toEqual([
      { at: 2, text: parts[0] + parts[1] },
      { at: 3, text: parts[2] },
    ]);
  });
});
