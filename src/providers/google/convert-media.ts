/**
 * OpenAI media content parts → Gemini parts (https://ai.google.dev/gemini-api/docs/file-input-methods):
 * data URIs and base64 travel inline (`inlineData`); http(s) and `gs://` URLs go by reference
 * (`fileData.fileUri`: Gemini fetches public and signed URLs itself since January 2026, which
 * spares the gateway a download). `fileData` requires a MIME type: taken from the file extension.
 */
import { invalidRequest } from '../../errors.js';
import { ownValue } from '../../util/own-value.js';
import type { GeminiPart } from './gemini-types.js';
import type { ParamReport } from '../kit/param-policy.js';

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  heic: 'image/heic',
  heif: 'image/heif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  wav: 'audio/wav',
  mp3: 'audio/mp3',
  flac: 'audio/flac',
  mp4: 'video/mp4',
};

export function imagePart(image: unknown, where: string, report: ParamReport): GeminiPart {
  // Some clients send the URL itself instead of `{ url }`.
  const { url, detail } = (
    typeof image === 'string' ? { url: image } : typeof image === 'object' && image !== null ? image : {}
  ) as { url?: unknown; detail?: unknown };
  if (typeof url !== 'string' || url === '')
    throw invalidRequest(`\`${where}.image_url.url\` must be a URL or a data URI.`, `${where}.image_url.url`);
  if (detail === 'low' || detail === 'high')
    report.drop(`${where}.image_url.detail`, 'Gemini sets media resolution per request, not per image');
  return dataUriPart(url) ?? urlPart(url, 'image/jpeg', `${where}.image_url.url`);
}

export function audioPart(audio: unknown, where: string): GeminiPart {
  const { data, format } = (typeof audio === 'object' && audio !== null ? audio : {}) as {
    data?: unknown;
    format?: unknown;
  };
  if (typeof data !== 'string' || typeof format !== 'string')
    throw invalidRequest(`\`${where}.input_audio\` needs \`data\` (base64) and \`format\`.`, `${where}.input_audio`);
  return { inlineData: { mimeType: ownValue(MIME_BY_EXTENSION, format) ?? `audio/${format}`, data } };
}

export function filePart(file: unknown, where: string): GeminiPart {
  const { file_data, file_id, filename } = (typeof file === 'object' && file !== null ? file : {}) as Record<
    string,
    unknown
  >;
  if (typeof file_data === 'string' && file_data) {
    const inline = dataUriPart(file_data);
    if (inline) return inline;
    const mimeType = typeof filename === 'string' ? mimeOf(filename) : undefined;
    if (!mimeType)
      throw invalidRequest(
        `\`${where}.file.file_data\` must be a data URI (or come with a \`filename\` whose extension names its type).`,
        `${where}.file.file_data`,
      );
    return { inlineData: { mimeType, data: file_data } };
  }
  if (file_id !== undefined)
    throw invalidRequest(
      `\`${where}.file.file_id\`: OpenAI file ids mean nothing to Google Gemini; send the file as \`file_data\`.`,
      `${where}.file.file_id`,
    );
  throw invalidRequest(`\`${where}.file\` needs \`file_data\`.`, `${where}.file`);
}

/** `data:[<mime>][;base64],<data>`; text data URIs are base64-encoded for Gemini. */
function dataUriPart(url: string): GeminiPart | undefined {
  if (!url.startsWith('data:')) return undefined;
  const comma = url.indexOf(',');
  if (comma < 0) return undefined;
  const header = url.slice(5, comma);
  const base64 = header.endsWith(';base64');
  const mimeType = (base64 ? header.slice(0, -7) : header).split(';')[0] || 'text/plain';
  const payload = url.slice(comma + 1);
  const data = base64 ? payload : Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
  return { inlineData: { mimeType, data } };
}

function urlPart(url: string, fallbackMime: string, param: string): GeminiPart {
  if (!/^(https?|gs):\/\//i.test(url)) {
    throw invalidRequest(`\`${param}\` must be an http(s) or gs:// URL, or a data URI, for Google Gemini.`, param);
  }
  return { fileData: { mimeType: mimeOf(url) ?? fallbackMime, fileUri: url } };
}

function mimeOf(name: string): string | undefined {
  const path = name.split(/[?#]/)[0];
  const dot = path.lastIndexOf('.');
  return dot < 0 ? undefined : ownValue(MIME_BY_EXTENSION, path.slice(dot + 1).toLowerCase());
}
