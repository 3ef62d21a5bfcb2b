/**
 * OpenAI content parts → Converse content blocks: text, images (base64 data URIs → bytes, s3://
 * URIs → s3Location; Bedrock fetches no http URLs), files (→ document blocks), and cache points
 * (`cache_control` on a part → a `cachePoint` block after it).
 */
import { GatewayError, invalidRequest, unsupported, type UnsupportedCode } from '../../errors.js';
import { ownValue } from '../../util/own-value.js';
import type { ParamReport } from '../kit/param-policy.js';
import type { CachePoint, ContentBlock, DocumentFormat, ImageFormat, ToolResultContent } from './types.js';

export interface ContentContext {
  providerId: string;
  report: ParamReport;
  /** Document names must be unique within a request. */
  documentNames: Set<string>;
}

const IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
const IMAGE_EXTENSIONS: Readonly<Record<string, ImageFormat>> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  gif: 'gif',
  webp: 'webp',
};

const DOCUMENT_FORMATS: Readonly<Record<string, DocumentFormat>> = {
  'application/pdf': 'pdf',
  'text/csv': 'csv',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'text/html': 'html',
  'text/plain': 'txt',
  'text/markdown': 'md',
};
const DOCUMENT_EXTENSIONS = new Set<string>(Object.values(DOCUMENT_FORMATS));

/** A capability Bedrock lacks: a 400 naming the part, which another target of the chain may serve. */
function cannot(context: ContentContext, param: string, code: UnsupportedCode, message: string): GatewayError {
  return unsupported(code, `Provider \`${context.providerId}\` (AWS Bedrock): ${message}`, param);
}

/** `cache_control: { type: 'ephemeral', ttl? }` → a cachePoint block, or undefined when absent. */
export function cachePointFor(cacheControl: unknown, param: string): CachePoint | undefined {
  if (cacheControl === undefined || cacheControl === null) return undefined;
  const { type, ttl } = cacheControl as { type?: unknown; ttl?: unknown };
  if (typeof cacheControl !== 'object' || type !== 'ephemeral') {
    throw invalidRequest(`\`${param}\` must be { "type": "ephemeral" } with an optional ttl of "5m" or "1h".`, param);
  }
  if (ttl === undefined) return { cachePoint: { type: 'default' } };
  if (ttl !== '5m' && ttl !== '1h') throw invalidRequest(`\`${param}.ttl\` must be "5m" or "1h".`, `${param}.ttl`);
  return { cachePoint: { type: 'default', ttl } };
}

interface DataUri {
  mime: string;
  base64: string;
}

/** Splits `data:<mime>;base64,<data>` without a regex over what may be megabytes. */
function parseDataUri(url: string): DataUri | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const meta = url.slice(5, comma);
  if (!meta.endsWith(';base64')) return undefined;
  return { mime: meta.slice(0, meta.indexOf(';')).trim().toLowerCase(), base64: url.slice(comma + 1) };
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function imageBlock(
  url: unknown,
  param: string,
  context: ContentContext,
): { image: { format: ImageFormat; source: { bytes: string } | { s3Location: { uri: string } } } } {
  if (typeof url !== 'string' || url === '') throw invalidRequest(`\`${param}\` must be a non-empty string.`, param);
  if (url.startsWith('s3://')) {
    const format = ownValue(IMAGE_EXTENSIONS, extensionOf(url));
    if (!format)
      throw cannot(
        context,
        param,
        'unsupported_image_format',
        `an s3:// image needs a .png, .jpg, .jpeg, .gif or .webp name to tell its format (\`${param}\`).`,
      );
    return { image: { format, source: { s3Location: { uri: url } } } };
  }
  const data = parseDataUri(url);
  if (!data) {
    if (/^https?:/i.test(url)) {
      throw cannot(
        context,
        param,
        'unsupported_image_url',
        `Bedrock does not fetch image URLs (\`${param}\`). Send the image as a base64 data URI (data:image/png;base64,...) or an s3:// URI.`,
      );
    }
    throw invalidRequest(
      `\`${param}\` must be a base64 data URI (data:image/png;base64,...), an s3:// URI or an http(s) URL.`,
      param,
    );
  }
  const format = Object.hasOwn(IMAGE_FORMATS, data.mime) ? IMAGE_FORMATS[data.mime] : undefined;
  if (!format)
    throw cannot(
      context,
      param,
      'unsupported_image_format',
      `Bedrock accepts PNG, JPEG, GIF and WebP images, not ${data.mime || 'an unnamed type'} (\`${param}\`).`,
    );
  if (data.base64 === '') throw invalidRequest(`\`${param}\` holds an empty image.`, param);
  return { image: { format, source: { bytes: data.base64 } } };
}

/** Bedrock's document names: letters, digits, single spaces, hyphens, parentheses, square brackets; unique. */
function documentName(filename: unknown, context: ContentContext): string {
  const stem = typeof filename === 'string' ? filename.replace(/\.[^.]*$/, '') : '';
  let name =
    stem
      .replace(/[^A-Za-z0-9\s()[\]-]+/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 180) || 'document';
  for (let n = 2; context.documentNames.has(name); n++) name = `${name.replace(/ \(\d+\)$/, '')} (${n})`;
  context.documentNames.add(name);
  return name;
}

function fileBlock(file: unknown, param: string, context: ContentContext): ContentBlock {
  const {
    file_data: fileData,
    file_id: fileId,
    filename,
  } = (file ?? {}) as { file_data?: unknown; file_id?: unknown; filename?: unknown };
  if (typeof fileData !== 'string') {
    if (fileId !== undefined)
      throw cannot(
        context,
        `${param}.file_id`,
        'unsupported_file_id',
        `Bedrock cannot read OpenAI file ids (\`${param}.file_id\`). Send the file inline as file_data.`,
      );
    throw invalidRequest(`\`${param}.file_data\` must be a base64 data URI.`, `${param}.file_data`);
  }
  const data = parseDataUri(fileData);
  if (!data)
    throw invalidRequest(
      `\`${param}.file_data\` must be a base64 data URI (data:application/pdf;base64,...).`,
      `${param}.file_data`,
    );
  if (data.mime.startsWith('image/')) return imageBlock(fileData, `${param}.file_data`, context);
  const byMime = Object.hasOwn(DOCUMENT_FORMATS, data.mime) ? DOCUMENT_FORMATS[data.mime] : undefined;
  const byName =
    typeof filename === 'string' && DOCUMENT_EXTENSIONS.has(extensionOf(filename))
      ? (extensionOf(filename) as DocumentFormat)
      : undefined;
  const format = byMime ?? byName;
  if (!format)
    throw cannot(
      context,
      param,
      'unsupported_file_type',
      `Bedrock documents are pdf, csv, doc, docx, xls, xlsx, html, txt or md, not ${data.mime || 'an unnamed type'} (\`${param}\`).`,
    );
  return { document: { format, name: documentName(filename, context), source: { bytes: data.base64 } } };
}

/** One user (or system) content part → its block(s); a part's cache_control adds a cachePoint after it. */
export function partBlocks(part: unknown, param: string, context: ContentContext, out: ContentBlock[]): void {
  if (typeof part !== 'object' || part === null)
    throw invalidRequest(`\`${param}\` must be a content part object.`, param);
  const p = part as {
    type?: unknown;
    text?: unknown;
    refusal?: unknown;
    image_url?: { url?: unknown; detail?: unknown };
    file?: unknown;
    cache_control?: unknown;
  };
  switch (p.type) {
    case 'text':
      if (typeof p.text !== 'string') throw invalidRequest(`\`${param}.text\` must be a string.`, `${param}.text`);
      if (p.text !== '') out.push({ text: p.text });
      break;
    case 'refusal':
      if (typeof p.refusal === 'string' && p.refusal !== '') out.push({ text: p.refusal });
      break;
    case 'image_url':
      out.push(imageBlock(p.image_url?.url, `${param}.image_url.url`, context));
      if (p.image_url?.detail !== undefined && p.image_url.detail !== 'auto')
        context.report.drop('image_url.detail', 'Converse has no image detail level');
      break;
    case 'file':
      out.push(fileBlock(p.file, `${param}.file`, context));
      break;
    case 'input_audio':
      throw cannot(context, param, 'unsupported_content', `Converse takes no audio input parts (\`${param}\`).`);
    default:
      throw invalidRequest(
        `\`${param}.type\` ${JSON.stringify(p.type)} is not a chat content part type.`,
        `${param}.type`,
      );
  }
  const cachePoint = cachePointFor(p.cache_control, `${param}.cache_control`);
  if (cachePoint && out.length > 0) out.push(cachePoint);
}

/** Message content (a string or parts) → blocks; empty text is left out (Bedrock refuses blank text). */
export function contentBlocks(content: unknown, param: string, context: ContentContext): ContentBlock[] {
  const out: ContentBlock[] = [];
  if (typeof content === 'string') {
    if (content !== '') out.push({ text: content });
  } else if (Array.isArray(content)) {
    for (let i = 0; i < content.length; i++) partBlocks(content[i], `${param}[${i}]`, context, out);
  } else if (content !== undefined && content !== null) {
    throw invalidRequest(`\`${param}\` must be a string or an array of content parts.`, param);
  }
  return out;
}

/**
 * A tool message's content → toolResult content (text parts as text, images as images), and the
 * cache point its parts asked for, which goes after the toolResult block.
 */
export function toolResultContent(
  content: unknown,
  param: string,
  context: ContentContext,
): { content: ToolResultContent[]; cachePoint?: CachePoint } {
  if (typeof content === 'string') return { content: [{ text: content }] };
  const out: ToolResultContent[] = [];
  let cachePoint: CachePoint | undefined;
  for (const block of contentBlocks(content, param, context)) {
    if ('text' in block) out.push({ text: block.text });
    else if ('image' in block) out.push({ image: block.image });
    else if ('cachePoint' in block) cachePoint = block;
    else throw cannot(context, param, 'unsupported_content', `a tool result cannot carry a file here (\`${param}\`).`);
  }
  return { content: out.length ? out : [{ text: '' }], cachePoint };
}

const TOOL_USE_ID = /^[a-zA-Z0-9_.:-]{1,64}$/;

/**
 * Bedrock tool-use ids match `[a-zA-Z0-9_.:-]{1,64}`; ids minted by other providers may not. The
 * same id always maps to the same Bedrock id, so a call and its result stay paired.
 */
export function toolUseIdFor(id: string): string {
  if (TOOL_USE_ID.test(id)) return id;
  // A hash of the original keeps two ids that clean up alike apart.
  const clean = id.replace(/[^a-zA-Z0-9_.:-]/g, '_');
  let hash = 0x811c9dc5; // FNV-1a: short, stable, no crypto needed
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return `${clean.slice(0, 55)}_${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
