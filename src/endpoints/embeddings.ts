/** `POST /embeddings`: OpenAI's embeddings, JSON only. */
import { invalidRequest } from '../errors.js';
import { textLength } from '../routing/request-needs.js';
import type { ModelEndpoint } from './endpoint.js';
import { openAIErrorIn, openAIUsageOf } from './openai-json.js';

export const embeddings = {
  kind: 'model',
  id: 'embeddings',
  method: 'POST',
  path: '/embeddings',
  operation: 'embeddings',
  validate(body) {
    const input = body.input;
    const valid = typeof input === 'string' || (Array.isArray(input) && input.length > 0);
    if (!valid) throw invalidRequest('`input` must be a string or a non-empty array.', 'input');
  },
  inputField: 'input',
  needs(body) {
    const inputs = Array.isArray(body.input) ? body.input.length : 1;
    return {
      tools: false,
      images: false,
      jsonSchema: false,
      promptChars: textLength(body.input),
      messages: inputs,
      maxOutputTokens: 0,
      choices: 1,
    };
  },
  checksCapabilities: false,
  cacheable: true,
  errorIn: openAIErrorIn,
  usageOf: openAIUsageOf,
  // The vectors are large and say nothing to a reader of the log: how many, and their size.
  logOutput(answer) {
    const data = Array.isArray(answer.data) ? (answer.data as Array<{ embedding?: unknown }>) : [];
    const first = data[0]?.embedding;
    // base64 (the openai SDK's default) holds 4 bytes of float32 per dimension.
    const dimensions = Array.isArray(first)
      ? first.length
      : typeof first === 'string'
        ? Buffer.byteLength(first, 'base64') / 4
        : null;
    return { embeddings: data.length, dimensions };
  },
  // Anthropic has no embeddings; Vertex AI's google provider refuses them itself (another wire format).
} as const satisfies ModelEndpoint;
