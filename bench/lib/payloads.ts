/**
 * What the mock upstream answers, built from recorded provider data in test/fixtures (see its
 * PROVENANCE.tsv): OpenAI's chat completion and chunk shapes, Anthropic's Messages stream events.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures of this repository, found upwards from this file (also from a bundle of it). */
function fixturesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'test/fixtures/PROVENANCE.tsv'))) return join(dir, 'test/fixtures');
  }
  throw new Error('test/fixtures not found above the bench code');
}

const FIXTURES = fixturesDir();
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const jsonl = (name: string) =>
  fixture(name)
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));

export const OPENAI_JSON = fixture('openai-chat/openai-text.json').replace(/\s*\n\s*/g, '');

const openAIChunks = jsonl('openai-chat/openai-text.chunks.jsonl');
const usageChunk = openAIChunks.find((chunk) => chunk.usage);
const finishChunk = openAIChunks.find((chunk) => chunk.choices[0]?.finish_reason);

/**
 * An OpenAI stream of `contentChunks` recorded content chunks (the first is the role chunk), the
 * finish chunk, the usage chunk when asked for, and `[DONE]`, each frame a separate string.
 */
export function openAIStreamFrames(contentChunks: number, includeUsage: boolean): string[] {
  const frames = openAIChunks.slice(0, contentChunks).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
  frames.push(`data: ${JSON.stringify(finishChunk)}\n\n`);
  if (includeUsage) frames.push(`data: ${JSON.stringify(usageChunk)}\n\n`);
  frames.push('data: [DONE]\n\n');
  return frames;
}

const anthropicEvents = jsonl('anthropic/anthropic-text.chunks.jsonl');
const anthropicText: string = JSON.parse(fixture('anthropic/anthropic-text.json')).content[0].text;

/**
 * An Anthropic Messages stream with the recorded start and end events around `textDeltas` text
 * deltas (the recorded answer cut into that many pieces), in Anthropic's `event:` + `data:` framing.
 */
export function anthropicStreamFrames(textDeltas: number): string[] {
  const head = anthropicEvents.filter((event) => ['message_start', 'content_block_start', 'ping'].includes(event.type));
  const tail = anthropicEvents.filter((event) =>
    ['content_block_stop', 'message_delta', 'message_stop'].includes(event.type),
  );
  const words = anthropicText.split(/(?<= )/);
  const per = Math.ceil(words.length / textDeltas);
  const deltas = [];
  for (let i = 0; i < words.length; i += per) {
    deltas.push({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: words.slice(i, i + per).join('') },
    });
  }
  return [...head, ...deltas, ...tail].map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
}

export const ANTHROPIC_JSON = fixture('anthropic/anthropic-text.json').replace(/\s*\n\s*/g, '');
