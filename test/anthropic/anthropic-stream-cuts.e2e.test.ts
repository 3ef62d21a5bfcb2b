/**
 * A translated (Anthropic) stream cut short after its first content, end to end through a real
 * Express host: the client leaving, the upstream's connection dropping, the upstream stalling.
 * Each ends the way an OpenAI client can tell (an error frame, never a fake [DONE]), releases the
 * upstream request, and leaves one log record with the usage known so far (message_start's prompt).
 */
import type { ServerResponse } from 'node:http';
import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { recordedEvents, toWire } from '../helpers/anthropic-recordings.js';
import { logCollector } from '../helpers/logs.js';
import { useSdkRig } from '../helpers/sdk-rig.js';

const events = recordedEvents('anthropic-text.chunks.jsonl');
/** message_start through the first two text deltas ("Hello", "! I"): the stream has committed. */
const OPENING = toWire(events.slice(0, events.findIndex((recorded) => recorded.data.includes('"! I"')) + 1));
const REQUEST: OpenAI.ChatCompletionCreateParamsStreaming = {
  model: 'claude-sonnet-4-5',
  stream: true,
  messages: [{ role: 'user', content: 'Hi' }],
};

const logs = logCollector();
const rig = useSdkRig(['claude'], ({ claude }) => ({
  providers: { anthropic: { apiKey: 'sk-ant-test-cuts-0001', baseURL: claude.baseURL } },
  retry: { maxRetries: 0 },
  timeouts: { idleMs: 300 },
  health: false,
  onLog: logs.sink,
}));

afterEach(() => {
  rig.claude.reset();
  logs.records.length = 0;
});

/** The upstream sends the opening, then does what `then` says with the open response. */
function openThen(then: (response: ServerResponse) => void | Promise<void>) {
  rig.claude.handle(async (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(OPENING);
    await then(response);
  });
}

async function rawStream(): Promise<string[]> {
  const response = await fetch(`${rig.host.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(REQUEST),
  });
  expect(response.status).toBe(200);
  return (await response.text()).trim().split('\n\n');
}

describe('a translated stream cut after its first content', () => {
  it('the client leaves: the upstream request is released, and the record says 499 with the prompt usage', async () => {
    openThen((response) => new Promise((resolve) => response.once('close', resolve))); // would never end
    const client = new AbortController();
    const stream = await rig.client.chat.completions.create(REQUEST, { signal: client.signal });
    let text = '';
    await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        if (text.includes('Hello')) client.abort();
      }
    })().catch(() => {});
    expect(text).toContain('Hello');
    await rig.claude.requests[0].closed;
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      status_code: 499,
      status: 'aborted',
      client_aborted: true,
      provider: 'anthropic',
    });
    expect(records[0].usage?.prompt_tokens).toBe(12);
  });

  it('the upstream connection drops: an OpenAI error frame ends the stream, no [DONE], one 502 record', async () => {
    openThen(async (response) => {
      await new Promise((resolve) => setTimeout(resolve, 50)); // the opening reaches the client first
      response.socket?.destroy();
    });
    const frames = await rawStream();
    expect(frames.join('\n\n')).toContain('Hello');
    expect(frames.at(-1)).not.toBe('data: [DONE]');
    const last = JSON.parse(frames.at(-1)!.slice('data: '.length));
    expect(last.error).toMatchObject({ type: 'api_error' });
    const records = await logs.settle(1);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status: 'error', status_code: 502, error_code: last.error.code });
    expect(records[0].usage?.prompt_tokens).toBe(12);
  });

  it('the upstream stalls: the idle timeout ends it with a 504 upstream_timeout frame and record', async () => {
    openThen(() => new Promise<void>((resolve) => setTimeout(resolve, 2_000)));
    const started = performance.now();
    const frames = await rawStream();
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(frames.at(-1)).not.toBe('data: [DONE]');
    expect(JSON.parse(frames.at(-1)!.slice('data: '.length)).error).toMatchObject({ code: 'upstream_timeout' });
    const records = await logs.settle(1);
    expect(records[0]).toMatchObject({ status: 'error', status_code: 504, error_code: 'upstream_timeout' });
    await rig.claude.requests[0].closed;
  });
});
