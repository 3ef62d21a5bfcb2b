/**
 * `JSON.stringify` for a stream's chunks with the head cached: every chunk of a translated stream
 * repeats the same `id`, `object`, `created` and `model`, so only `choices` is serialised per chunk.
 * The output is exactly `JSON.stringify(chunk)`; a chunk of any other shape takes it whole.
 */
import type { ChatCompletionChunk } from '../providers/openai-types.js';

/** The keys, in order, of the chunks whose head is cached. */
const HEAD_KEYS = ['id', 'object', 'created', 'model', 'choices'] as const;

export class ChunkSerialiser {
  private id: unknown;
  private created: unknown;
  private model: unknown;
  /** `{"id":…,"object":"chat.completion.chunk","created":…,"model":…,"choices":` */
  private head = '';

  serialise(chunk: ChatCompletionChunk): string {
    if (!hasPlainHead(chunk)) return JSON.stringify(chunk);
    if (this.head === '' || chunk.id !== this.id || chunk.created !== this.created || chunk.model !== this.model) {
      this.id = chunk.id;
      this.created = chunk.created;
      this.model = chunk.model;
      const head = JSON.stringify({ id: chunk.id, object: chunk.object, created: chunk.created, model: chunk.model });
      this.head = `${head.slice(0, -1)},"choices":`;
    }
    return `${this.head}${JSON.stringify(chunk.choices)}}`;
  }
}

/** Exactly the five keys in that order, and an `object` that is the usual constant (so the cached head holds). */
function hasPlainHead(chunk: ChatCompletionChunk): boolean {
  if (chunk.object !== 'chat.completion.chunk' || !Array.isArray(chunk.choices)) return false;
  let index = 0;
  for (const key in chunk) {
    if (key !== HEAD_KEYS[index++]) return false;
  }
  return index === HEAD_KEYS.length;
}
