/**
 * Request bodies sent compressed (`Content-Encoding: gzip`, `deflate`, `br`, as Express's own JSON
 * parser accepts them) and the charset a JSON body may declare.
 */
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, type ZlibOptions } from 'node:zlib';
import { GatewayError, invalidRequest } from '../errors.js';

export type Decompressor = (buffer: Buffer, options: ZlibOptions) => Promise<Buffer>;
const DECOMPRESSORS: Record<string, Decompressor> = {
  gzip: promisify(gunzip) as Decompressor,
  'x-gzip': promisify(gunzip) as Decompressor,
  deflate: promisify(inflate) as Decompressor,
  br: promisify(brotliDecompress) as Decompressor,
};

/** The body's decompressor, none for `identity`, or a 415 naming an encoding this gateway cannot read. */
export function decompressorFor(header: string | string[] | undefined): Decompressor | undefined {
  if (header === undefined) return undefined;
  const encoding = String(header).trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return undefined;
  if (Object.hasOwn(DECOMPRESSORS, encoding)) return DECOMPRESSORS[encoding];
  throw new GatewayError({
    status: 415,
    code: 'unsupported_content_encoding',
    message: `The request body's Content-Encoding \`${encoding.slice(0, 50)}\` is not supported; send it uncompressed or as gzip, deflate or br.`,
  });
}

/** Inflates a compressed body; what it inflates to counts against the same limit (no zip bombs). */
export async function decompressBody(
  compressed: Buffer,
  decompress: Decompressor,
  limitBytes: number,
  tooLarge: () => GatewayError,
): Promise<Buffer> {
  try {
    return await decompress(compressed, { maxOutputLength: limitBytes });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
    throw invalidRequest(
      `The request body could not be decompressed: ${(error as Error).message}`,
      null,
      'invalid_body',
    );
  }
}

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/** JSON is UTF-8 (RFC 8259): a body that declares another charset is refused rather than misread. */
export function assertUtf8(contentType: string | undefined): void {
  const charset = contentType === undefined ? undefined : CHARSET.exec(contentType)?.[1]?.toLowerCase();
  if (charset === undefined || charset === 'utf-8' || charset === 'utf8' || charset === 'us-ascii') return;
  throw new GatewayError({
    status: 415,
    code: 'unsupported_media_type',
    message: `The request body must be UTF-8 JSON, not charset \`${charset.slice(0, 50)}\`.`,
  });
}
