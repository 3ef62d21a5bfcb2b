/**
 * Claude on Bedrock behind the Anthropic route: served through Converse by the bridge (signed
 * requests to a loopback Bedrock speaking the AWS event stream). The client's betas do not reach
 * Bedrock; Claude's signed reasoning leaves in an envelope and comes back to Bedrock next turn.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/index.js';
import { assertValidAnthropicMessage } from '../helpers/anthropic-spec.js';
import { eventStreamBytes, writeEventStream } from '../helpers/bedrock.js';
import { REASONING_STREAM } from '../helpers/bedrock-wire.js';
import { startHost, type Host } from '../helpers/hosts.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const MODEL = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
let bedrock: Upstream;
let gateway: Gateway;
let host: Host;
let client: Anthropic;

beforeAll(async () => {
  bedrock = await startUpstream((_request, response) => writeEventStream(response, eventStreamBytes(REASONING_STREAM)));
  gateway = createGateway({
    providers: {
      aws: {
        kind: 'bedrock',
        region: 'us-east-1',
        baseURL: bedrock.origin,
        accessKeyId: 'AKIDEXAMPLE',
        secretAccessKey: 'test-secret-key-not-real-000000000000000',
      },
    },
    models: { 'claude-on-bedrock': { target: `aws/${MODEL}` } },
    retry: { maxRetries: 0 },
  });
  host = await startHost('express', gateway);
  client = new Anthropic({ baseURL: `${host.baseURL}/anthropic`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await host.close();
  await gateway.close();
  await bedrock.close();
});

describe('Claude on Bedrock through the Anthropic route', () => {
  it('streams thinking and text; betas stay home; the signed reasoning goes back to Bedrock', async () => {
    const question = [{ role: 'user' as const, content: 'What is 17 × 3?' }];
    const first = await client.beta.messages
      .stream({
        model: 'claude-on-bedrock',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: question,
        betas: ['interleaved-thinking-2025-05-14'],
      })
      .finalMessage();
    const { parsed_output: _sdkOwn, ...plain } = first as typeof first & { parsed_output?: unknown };
    assertValidAnthropicMessage(plain);
    const thinking = first.content.filter((block) => block.type === 'thinking');
    expect(thinking.map((block) => block.thinking).join('')).toBe('The user wants 17 × 3. 17 × 3 = 51.');
    expect(first.content.find((block) => block.type === 'text')).toMatchObject({ text: '51' });
    const sent = bedrock.requests[0];
    expect(sent.url).toMatch(/\/converse-stream$/);
    expect(sent.headers['anthropic-beta']).toBeUndefined();
    expect(sent.rawBody).not.toContain('interleaved-thinking');

    await client.messages
      .stream({
        model: 'claude-on-bedrock',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [
          ...question,
          { role: 'assistant', content: first.content as never },
          { role: 'user', content: 'And × 2?' },
        ],
      })
      .finalMessage();
    const assistant = bedrock.requests[1].body.messages[1];
    expect(assistant.role).toBe('assistant');
    expect(assistant.content[0]).toEqual({
      reasoningContent: {
        reasoningText: {
          text: 'The user wants 17 × 3. 17 × 3 = 51.',
          signature: 'EqQBCkgIARABGAIiQGsig-test-signature',
        },
      },
    });
  });
});
