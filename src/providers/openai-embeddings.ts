/**
 * The OpenAI side of `POST /embeddings` for providers that translate it (Gemini, Bedrock): reading
 * the request (text inputs, `encoding_format`, `dimensions`, the parameter policy) and building the
 * OpenAI `list` response. `encoding_format: 'base64'` is answered as OpenAI does: each vector's
 * float32 values, little-endian, base64-encoded. The openai SDKs ask for base64 by default and decode
 * it, so this is the common case, not an option.
 */
import { invalidRequest, unsupported } from '../errors.js';
import { ParamReport } from './kit/param-policy.js';
import type { NormalizedUsage } from '../usage.js';

export type EmbeddingEncoding = 'float' | 'base64';

/** What a translating provider does with each OpenAI embeddings parameter (see ../google and ../bedrock). */
export interface EmbeddingParamPolicy {
  /** `Google Gemini`, `Amazon Titan Text Embeddings on Bedrock`, ... (named in 400s). */
  vendor: string;
  /** Translated, by the provider's converter. */
  mapped: readonly string[];
  /** Left out and reported (a 400 under `strictParams`), with the reason. */
  dropped?: Readonly<Record<string, string>>;
  /** Always a 400 naming the parameter, with the reason. */
  refused?: Readonly<Record<string, string>>;
}

/** The request as the converters need it. */
export interface EmbeddingsRequest {
  texts: string[];
  encoding: EmbeddingEncoding;
  dimensions?: number;
  /** Parameters left out, reported in `x-modelgate-dropped-params` and the log. */
  droppedParams: string[];
}

/** Parameters every translated provider handles the same way. */
const COMMON_MAPPED = ['model', 'input', 'encoding_format'];

/**
 * Reads and checks an OpenAI embeddings body against a provider's policy. A parameter the policy does
 * not name is dropped and reported (refused under `strictParams`); `null` counts as absent.
 */
export function readEmbeddingsRequest(
  body: Record<string, unknown>,
  policy: EmbeddingParamPolicy,
  strict: boolean,
): EmbeddingsRequest {
  const report = new ParamReport({ vendor: policy.vendor }, strict);
  for (const key of Object.keys(body)) {
    const value = body[key];
    if (value === null || value === undefined || COMMON_MAPPED.includes(key) || policy.mapped.includes(key)) continue;
    const refused = policy.refused && Object.hasOwn(policy.refused, key) ? policy.refused[key] : undefined;
    if (refused) report.refuse(key, refused);
    report.drop(
      key,
      policy.dropped && Object.hasOwn(policy.dropped, key)
        ? policy.dropped[key]
        : `not an OpenAI embeddings parameter modelgate translates for ${policy.vendor}`,
    );
  }
  return {
    texts: readTexts(body.input, policy.vendor),
    encoding: readEncoding(body.encoding_format),
    dimensions: readDimensions(body.dimensions),
    droppedParams: report.dropped,
  };
}

/** `input` as texts: a string or an array of strings. Token arrays are refused: these upstreams embed text. */
function readTexts(input: unknown, vendor: string): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0)
    throw invalidRequest('`input` must be a string or a non-empty array of strings.', 'input');
  for (let i = 0; i < input.length; i++) {
    const item: unknown = input[i];
    if (typeof item === 'string') continue;
    if (typeof item === 'number' || Array.isArray(item)) {
      throw unsupported(
        'unsupported_input',
        `\`input\` holds token ids; ${vendor} embeds text only (it has no tokenizer shared with OpenAI). Send the text as a string or an array of strings.`,
        'input',
      );
    }
    throw invalidRequest(`\`input[${i}]\` must be a string.`, `input[${i}]`);
  }
  return input as string[];
}

function readEncoding(value: unknown): EmbeddingEncoding {
  if (value === undefined || value === null || value === 'float') return 'float';
  if (value === 'base64') return 'base64';
  throw invalidRequest('`encoding_format` must be `float` or `base64`.', 'encoding_format');
}

function readDimensions(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw invalidRequest('`dimensions` must be a positive integer.', 'dimensions');
}

/** Typed arrays use the platform's byte order; every platform Node supports today is little-endian. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A vector as OpenAI's base64 encoding: float32 little-endian bytes, base64. */
export function float32Base64(values: readonly number[]): string {
  const floats = Float32Array.from(values);
  const bytes = Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength);
  // About three times faster than writeFloatLE per value (100 × 3072 floats: 2.9 ms instead of 9.4);
  // swapped in place on a big-endian host.
  if (!LITTLE_ENDIAN) bytes.swap32();
  return bytes.toString('base64');
}

/** One embedding as the client asked for it. */
export function encodeEmbedding(values: readonly number[], encoding: EmbeddingEncoding): number[] | string {
  return encoding === 'base64' ? float32Base64(values) : (values as number[]);
}

/** Checks that an upstream vector is a list of finite numbers (the response is unusable otherwise). */
export function isVector(value: unknown): value is number[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'number' || !Number.isFinite(item)) return false;
  return true;
}

/**
 * OpenAI's `list` response. `usage` is OpenAI's embeddings shape; it is left out when the upstream
 * reported no token counts rather than filled with invented ones (the log record says why).
 */
export function embeddingsList(
  embeddings: ReadonlyArray<number[] | string>,
  model: string,
  usage: NormalizedUsage | undefined,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    object: 'list',
    data: embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    model,
  };
  if (usage) body.usage = { prompt_tokens: usage.inputTokens, total_tokens: usage.inputTokens };
  return body;
}

/** Input tokens only: embeddings have no output, no cache and no reasoning. */
export function embeddingUsage(inputTokens: number): NormalizedUsage {
  return { inputTokens, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}
