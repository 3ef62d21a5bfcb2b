/**
 * An error the upstream reported inside a successful response — an error event in a 200 stream
 * (Anthropic's `overloaded_error`, a Gemini `google.rpc.Status`, a Bedrock exception message) —
 * as the provider read it. Decoders and translators throw it; they do not decide what it means for
 * the client: the engine classifies it (engine/upstream-error.ts) exactly as it classifies an HTTP
 * error of the status it stands for, so that retries, `fallbackOnStatus`, `fallbackOnAuthError`
 * and codes are the same for an error whether it came as a status line or inside a stream.
 */
import type { UpstreamErrorInfo } from '../types.js';

/** The description of an in-stream error: `status` is the HTTP status it stands for (529, 401, 400, ...). */
export type UpstreamErrorDescription = UpstreamErrorInfo & { status: number };

export class UpstreamErrorEvent extends Error {
  override name = 'UpstreamErrorEvent';

  constructor(readonly info: UpstreamErrorDescription) {
    super(info.message);
  }
}
