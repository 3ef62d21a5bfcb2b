/**
 * OpenAI content parts → Anthropic content blocks: text, images (an http(s) URL stays a URL source,
 * a data URI becomes a base64 source), files (PDF and plain text documents), and prompt-cache
 * breakpoints (`cache_control` as Anthropic spells it, or OpenAI's `prompt_cache_breakpoint`).
 */
import { invalidRequest, unsupported } from '../../errors.js';
import type {
  CacheControl,
  DocumentBlockParam,
  ImageBlockParam,
  ImageMediaType,
  TextBlockParam,
} from './anthropic-types.js';

export type Part = Record<string, any>;
export type UserPartBlock = TextBlockParam | ImageBlockParam | DocumentBlockParam;

const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const DATA_URI = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,/i;

/** Reads `cache_control` (with its ttl) or an OpenAI `prompt_cache_breakpoint` from a part, tool or message. */
export function readCacheControl(source: Part, where: string): CacheControl | undefined {
  const value = source.cache_control;
  if (value !== undefined && value !== null) {
    const param = where ? `${where}.cache_control` : 'cache_control';
    if (typeof value !== 'object' || value.type !== 'ephemeral') {
      throw invalidRequest(`\`${param}\` must be {"type":"ephemeral"} with an optional ttl.`, param);
    }
    if (value.ttl === undefined || value.ttl === null) return { type: 'ephemeral' };
    if (value.ttl !== '5m' && value.ttl !== '1h') {
      throw invalidRequest(`\`${param}.ttl\` must be "5m" or "1h" (Anthropic's cache lifetimes).`, `${param}.ttl`);
    }
    return { type: 'ephemeral', ttl: value.ttl };
  }
  // OpenAI's explicit breakpoint marks the same thing: the end of a reusable prefix.
  if (source.prompt_cache_breakpoint) return { type: 'ephemeral' };
  return undefined;
}

/** Adds a cache breakpoint to a block (type arguments given at call sites keep literal types exact). */
export function withCache<T extends object>(block: T, cache: CacheControl | undefined): T {
  if (cache) (block as { cache_control?: CacheControl }).cache_control = cache;
  return block;
}

/** Text-only content (system, developer, tool and assistant text): a string or text parts. */
export function textBlocks(content: unknown, where: string, allowRefusal = false): TextBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content))
    throw invalidRequest(`\`${where}\` must be a string or an array of content parts.`, where);
  const blocks: TextBlockParam[] = [];
  content.forEach((part: Part, index) => {
    const at = `${where}[${index}]`;
    if (part?.type === 'refusal' && allowRefusal) return;
    if (part?.type !== 'text' || typeof part.text !== 'string')
      throw invalidRequest(`\`${at}\` must be a text part here.`, at);
    if (part.text !== '')
      blocks.push(withCache<TextBlockParam>({ type: 'text', text: part.text }, readCacheControl(part, at)));
  });
  return blocks;
}

/** User content: text, images and files. */
export function userBlocks(content: unknown, where: string): UserPartBlock[] {
  if (!Array.isArray(content)) return textBlocks(content, where);
  return content
    .map((part: Part, index) => userPart(part, `${where}[${index}]`))
    .filter((block): block is UserPartBlock => block !== undefined);
}

function userPart(part: Part, at: string): UserPartBlock | undefined {
  const cache = typeof part === 'object' && part !== null ? readCacheControl(part, at) : undefined;
  switch (part?.type) {
    case 'text':
      if (typeof part.text !== 'string') throw invalidRequest(`\`${at}.text\` must be a string.`, `${at}.text`);
      return part.text === '' ? undefined : withCache<TextBlockParam>({ type: 'text', text: part.text }, cache);
    case 'image_url':
      return withCache(imageBlock(part.image_url?.url, `${at}.image_url.url`), cache);
    case 'file':
      return withCache(fileBlock(part.file ?? {}, `${at}.file`), cache);
    case 'input_audio':
      throw unsupported('unsupported_content', `\`${at}\`: Anthropic models do not take audio input.`, at);
    default:
      throw unsupported(
        'unsupported_content',
        `\`${at}\` has an unsupported content part type \`${String(part?.type)}\` (text, image_url and file are supported).`,
        at,
      );
  }
}

function imageBlock(url: unknown, at: string): ImageBlockParam {
  if (typeof url !== 'string' || url === '') throw invalidRequest(`\`${at}\` must be an image URL or a data URI.`, at);
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  const data = parseDataUri(url, at);
  if (!IMAGE_TYPES.has(data.mediaType)) {
    throw unsupported(
      'unsupported_content',
      `\`${at}\`: Anthropic accepts JPEG, PNG, GIF and WebP images, not \`${data.mediaType}\`.`,
      at,
    );
  }
  return { type: 'image', source: { type: 'base64', media_type: data.mediaType as ImageMediaType, data: data.base64 } };
}

function fileBlock(file: Part, at: string): UserPartBlock {
  if (typeof file.file_data !== 'string') {
    const why = file.file_id
      ? 'OpenAI file ids cannot be read by Anthropic; send the file as file_data'
      : 'it needs file_data';
    throw unsupported('unsupported_content', `\`${at}\`: ${why}.`, at);
  }
  // OpenAI clients send a data URI; bare base64 is taken as a PDF, the one type OpenAI documents.
  const data = file.file_data.startsWith('data:')
    ? parseDataUri(file.file_data, `${at}.file_data`)
    : { mediaType: 'application/pdf', base64: file.file_data };
  const title = typeof file.filename === 'string' && file.filename !== '' ? { title: file.filename } : {};
  if (data.mediaType === 'application/pdf')
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: data.base64 }, ...title };
  if (data.mediaType === 'text/plain') {
    return {
      type: 'document',
      source: { type: 'text', media_type: 'text/plain', data: Buffer.from(data.base64, 'base64').toString('utf8') },
      ...title,
    };
  }
  if (IMAGE_TYPES.has(data.mediaType))
    return {
      type: 'image',
      source: { type: 'base64', media_type: data.mediaType as ImageMediaType, data: data.base64 },
    };
  throw unsupported(
    'unsupported_content',
    `\`${at}\`: Anthropic accepts PDF, plain-text and image files, not \`${data.mediaType}\`.`,
    at,
  );
}

function parseDataUri(uri: string, at: string): { mediaType: string; base64: string } {
  const match = DATA_URI.exec(uri);
  if (!match)
    throw invalidRequest(`\`${at}\` must be an http(s) URL or a base64 data URI (data:<type>;base64,...).`, at);
  return { mediaType: (match[1] ?? '').toLowerCase(), base64: uri.slice(match[0].length) };
}
