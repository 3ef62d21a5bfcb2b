/** fromOpenAIUsage and toLogUsage against recorded usage objects of OpenAI-compatible providers. */
import { describe, expect, it } from 'vitest';
import { fromOpenAIUsage, toLogUsage } from '../../src/usage.js';
import { fixtureChunks, fixtureJson } from '../helpers/fixtures.js';

const usageChunk = (name: string) =>
  fixtureChunks(name)
    .filter((chunk) => chunk.usage)
    .at(-1).usage;

describe('fromOpenAIUsage', () => {
  it('OpenAI: prompt and completion with no cache or reasoning', () => {
    expect(fromOpenAIUsage(fixtureJson('openai-chat/openai-text.json').usage)).toEqual({
      inputTokens: 16,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 363,
      reasoningTokens: 0,
    });
  });

  it('DeepSeek: cache hits inside prompt_tokens, reasoning inside completion_tokens', () => {
    const usage = fromOpenAIUsage(fixtureJson('openai-chat/deepseek-tool-call.json').usage)!;
    expect(usage).toEqual({
      inputTokens: 19,
      cacheReadTokens: 320,
      cacheWriteTokens: 0,
      outputTokens: 44,
      reasoningTokens: 48,
    });
    // The client-facing convention gives back what DeepSeek reported.
    expect(toLogUsage(usage)).toMatchObject({
      prompt_tokens: 339,
      completion_tokens: 92,
      total_tokens: 431,
      cached_tokens: 320,
      reasoning_tokens: 48,
    });
  });

  it('xAI: reasoning counted on top of completion_tokens (total = prompt + completion + reasoning)', () => {
    const raw = usageChunk('openai-chat/xai-tool-call.chunks.jsonl');
    expect(raw.total_tokens).toBe(
      raw.prompt_tokens + raw.completion_tokens + raw.completion_tokens_details.reasoning_tokens,
    );
    const usage = fromOpenAIUsage(raw)!;
    expect(usage).toEqual({
      inputTokens: 1,
      cacheReadTokens: 290,
      cacheWriteTokens: 0,
      outputTokens: 26,
      reasoningTokens: 196,
    });
    // OpenAI's convention, which the log follows, counts reasoning inside completion_tokens.
    expect(toLogUsage(usage)).toMatchObject({
      prompt_tokens: 291,
      completion_tokens: 222,
      total_tokens: 513,
      reasoning_tokens: 196,
    });
  });

  it('keeps OpenAI’s convention when reasoning is inside completion_tokens', () => {
    const usage = fromOpenAIUsage({
      prompt_tokens: 10,
      completion_tokens: 50,
      total_tokens: 60,
      completion_tokens_details: { reasoning_tokens: 30 },
    });
    expect(usage).toMatchObject({ outputTokens: 20, reasoningTokens: 30 });
  });

  it('is undefined without a usage object', () => {
    expect(fromOpenAIUsage(null)).toBeUndefined();
    expect(fromOpenAIUsage(undefined)).toBeUndefined();
  });
});
