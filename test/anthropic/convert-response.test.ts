/**
 * Non-streaming Anthropic messages (real recordings) → OpenAI chat completions, and the error bodies.
 */
import { describe, expect, it } from 'vitest';
import { convertRequest } from '../../src/providers/anthropic/convert-request.js';
import { convertResponse } from '../../src/providers/anthropic/convert-response.js';
import { parseAnthropicError } from '../../src/providers/anthropic/errors.js';
import { fixtureJson } from '../helpers/fixtures.js';
import { assertValidOpenAIResponse } from '../helpers/openai-response-spec.js';

const options = { created: 1_750_000_000, jsonTool: false };

describe('convertResponse on the recordings', () => {
  it.each(['anthropic-text.json', 'anthropic-tool-no-args.json'])(
    '%s (snapshot), valid per the OpenAI spec',
    (name) => {
      const converted = convertResponse(fixtureJson(`anthropic/${name}`), options);
      assertValidOpenAIResponse('completion', converted.body);
      expect(converted).toMatchSnapshot();
    },
  );

  it('keeps the text, the tool call id and an object-valued arguments string', () => {
    const recorded = fixtureJson('anthropic/anthropic-tool-no-args.json');
    const { body, usage } = convertResponse(recorded, options);
    const message = (body.choices as any)[0].message;
    expect(message.content).toBe(recorded.content[0].text);
    expect(message.tool_calls).toEqual([
      {
        id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1',
        type: 'function',
        function: { name: 'updateIssueList', arguments: '{}' },
      },
    ]);
    expect((body.choices as any)[0].finish_reason).toBe('tool_calls');
    expect(usage).toEqual({
      inputTokens: 602,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 93,
      reasoningTokens: 0,
    });
    expect(body.usage).toMatchObject({ prompt_tokens: 602, completion_tokens: 93, total_tokens: 695 });
  });

  it('returns thinking as reasoning_content and the signed blocks, which go back to Anthropic unchanged', () => {
    // The text recording with a thinking block and a tool call ahead of its text, as thinking models answer.
    const recorded = fixtureJson('anthropic/anthropic-text.json');
    const thinking = {
      type: 'thinking',
      thinking: 'The user greets me.',
      signature: 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds',
    };
    const redacted = {
      type: 'redacted_thinking',
      data: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
    };
    const tool = { type: 'tool_use', id: 'toolu_9', name: 'lookup', input: { q: 'x' } };
    const message = { ...recorded, content: [thinking, redacted, ...recorded.content, tool], stop_reason: 'tool_use' };
    const reply = (convertResponse(message, options).body.choices as any)[0].message;
    expect(reply.reasoning_content).toBe('The user greets me.');
    expect(reply.thinking_blocks).toEqual([thinking, redacted]);

    // The client sends the assistant turn back as the openai SDK gives it: the blocks come back intact.
    const next = convertRequest(
      {
        operation: 'chat',
        model: 'claude-sonnet-4-5',
        stream: false,
        strictParams: true,
        body: {
          model: 'claude-sonnet-4-5',
          reasoning_effort: 'low',
          messages: [
            { role: 'user', content: 'hi' },
            reply,
            { role: 'tool', tool_call_id: 'toolu_9', content: 'found' },
          ],
        },
      },
      { defaultMaxTokens: 1024, thinking: 'budget' },
    );
    expect(next.body.messages[1].content).toEqual([
      thinking,
      redacted,
      { type: 'text', text: recorded.content[0].text },
      tool,
    ]);
  });

  it('answers a json_object request with the json tool input as content', () => {
    const recorded = fixtureJson('anthropic/anthropic-tool-no-args.json');
    const message = { ...recorded, content: [{ type: 'tool_use', id: 'toolu_1', name: 'json', input: { a: [1, 2] } }] };
    const choice = (convertResponse(message, { ...options, jsonTool: true }).body.choices as any)[0];
    expect(choice).toMatchObject({ message: { content: '{"a":[1,2]}' }, finish_reason: 'stop' });
    expect(choice.message.tool_calls).toBeUndefined();
  });

  it('maps stop reasons and a refusal', () => {
    const recorded = fixtureJson('anthropic/anthropic-text.json');
    const finish = (stop_reason: string, extra: object = {}) =>
      (convertResponse({ ...recorded, stop_reason, ...extra }, options).body.choices as any)[0];
    expect(finish('end_turn').finish_reason).toBe('stop');
    expect(finish('stop_sequence').finish_reason).toBe('stop');
    expect(finish('max_tokens').finish_reason).toBe('length');
    expect(finish('model_context_window_exceeded').finish_reason).toBe('length');
    expect(finish('pause_turn').finish_reason).toBe('stop');
    const refused = finish('refusal', { content: [], stop_details: { type: 'refusal', explanation: 'Not allowed.' } });
    expect(refused).toMatchObject({
      finish_reason: 'content_filter',
      message: { content: null, refusal: 'Not allowed.' },
    });
  });

  it('refuses a body that is not a message', () => {
    expect(() => convertResponse({ hello: 'world' }, options)).toThrow(
      expect.objectContaining({ status: 502, code: 'upstream_invalid_response' }),
    );
  });
});

describe('parseAnthropicError', () => {
  it('reads the error type and message', () => {
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'overloaded_error', message: 'Overloaded' },
      request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy',
    });
    expect(parseAnthropicError(529, body)).toEqual({
      message: 'Overloaded',
      code: 'overloaded_error',
      type: 'overloaded_error',
      param: null,
    });
  });

  it('survives a body that is not Anthropic JSON', () => {
    expect(parseAnthropicError(502, '<html>Bad gateway</html>')).toEqual({ message: 'HTTP 502 from Anthropic.' });
    expect(parseAnthropicError(500, '{"detail":"x"}')).toEqual({ message: 'HTTP 500 from Anthropic.' });
  });
});
