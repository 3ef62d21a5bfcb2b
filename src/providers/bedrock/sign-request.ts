/**
 * AWS Signature Version 4 for Bedrock (signing name `bedrock`) with aws4fetch's AwsV4Signer. The
 * signer hashes with WebCrypto, hence async; it does no I/O. Its canonical URI encodes the already
 * percent-encoded path once more, as SigV4 requires for every service but S3, so a model id's `:`
 * (sent as `%3A`) is signed as `%253A`:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 */
import { AwsV4Signer } from 'aws4fetch';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface SignInput {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** `2026-01-02T03:04:05.678Z` → `20260102T030405Z`. */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * Returns the headers to send: the given ones plus `x-amz-date`, `x-amz-security-token` (with
 * temporary credentials) and `authorization`. `signingKeys` caches the derived key per day.
 */
export async function signRequest(
  input: SignInput,
  credentials: AwsCredentials,
  region: string,
  now: Date,
  signingKeys: Map<string, ArrayBuffer>,
): Promise<Record<string, string>> {
  const signer = new AwsV4Signer({
    url: input.url,
    method: input.method,
    headers: input.headers,
    body: input.body,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    service: 'bedrock',
    region,
    datetime: amzDate(now),
    cache: signingKeys,
  });
  const signed = await signer.sign();
  const headers: Record<string, string> = {};
  signed.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return headers;
}
