/**
 * Where Gemini thought signatures ride in OpenAI messages. Gemini returns an opaque
 * `thoughtSignature` on some parts and requires it back, in the same part, on the next request
 * (https://ai.google.dev/gemini-api/docs/thought-signatures): Gemini 3 answers 400 when the first
 * function call of a step in the current turn comes back without its signature.
 *
 * We use the field Google's own OpenAI-compatible endpoint uses, so that clients written for it work
 * unchanged: `extra_content.google.thought_signature`
 * - on a tool call (`choices[].message.tool_calls[].extra_content`, and on its stream delta) for a
 *   signature that came on a `functionCall` part;
 * - on the assistant message (`choices[].message.extra_content`, and on a stream delta) for one that
 *   came on a text or thought part; it goes back on the message's last text part.
 * The official openai SDK keeps unknown fields when it accumulates a stream and when it sends a
 * message back, so `messages.push(completion.choices[0].message)` carries the signature along.
 */

/**
 * The value Google documents for a function call that has no signature of its own (a conversation
 * that started on another model, or a client that dropped it): Gemini then skips the check.
 */
export const SKIP_SIGNATURE_VALIDATOR = 'skip_thought_signature_validator';

export interface SignatureCarrier {
  google: { thought_signature: string };
}

export function signatureCarrier(signature: string): SignatureCarrier {
  return { google: { thought_signature: signature } };
}

/** Reads `extra_content.google.thought_signature` from a message or a tool call sent back. */
export function readSignature(holder: unknown): string | undefined {
  const extra = (holder as { extra_content?: { google?: { thought_signature?: unknown } } } | null)?.extra_content;
  const signature = extra?.google?.thought_signature;
  return typeof signature === 'string' && signature !== '' ? signature : undefined;
}

/** Gemini 3 and later validate signatures; earlier models neither need nor check them. */
export function validatesSignatures(model: string): boolean {
  const version = geminiVersion(model);
  return version === undefined ? /^gemini-/.test(stripPrefix(model)) : version >= 3;
}

/** `gemini-2.5-flash` → 2.5, `models/gemini-3-pro-preview` → 3; undefined without a version. */
export function geminiVersion(model: string): number | undefined {
  const match = /^gemini-(\d+(?:\.\d+)?)/.exec(stripPrefix(model));
  return match ? Number(match[1]) : undefined;
}

function stripPrefix(model: string): string {
  const slash = model.lastIndexOf('/');
  return slash < 0 ? model : model.slice(slash + 1);
}
