/**
 * A foreign provider's reasoning state carried inside an Anthropic thinking block's `signature`, so
 * that a client speaking the Messages API sends it back unchanged and the next turn restores it:
 * Gemini thought signatures, the reasoning text an OpenAI-compatible server wants back. The
 * envelope names the provider kind and model it came from; it is opened only for that kind (and its
 * signatures only for that model), never sent to another provider, and removed before a body goes
 * to Anthropic itself (whose real signatures never start with the prefix).
 */

/** The prefix of every envelope; Anthropic's own signatures are plain base64, without a dot. */
export const ENVELOPE_PREFIX = 'modelgate.r1.';

export interface ReasoningEnvelope {
  /** The provider kind that produced it. */
  kind: string;
  /** The model that produced it (signatures are model-bound). */
  model: string;
  /** A signature that came on the message (Gemini: a text or thought part). */
  message?: string;
  /** Signatures that came on tool calls, by tool call id. */
  calls?: Record<string, string>;
  /** Signed reasoning blocks in Anthropic's shape from a provider that serves Claude by translation (Bedrock's `thinking_blocks`). */
  blocks?: unknown[];
}

export function isEnvelope(signature: unknown): signature is string {
  return typeof signature === 'string' && signature.startsWith(ENVELOPE_PREFIX);
}

export function sealEnvelope(envelope: ReasoningEnvelope): string {
  const fields: Record<string, unknown> = { k: envelope.kind, m: envelope.model };
  if (envelope.message) fields.s = envelope.message;
  if (envelope.calls && Object.keys(envelope.calls).length) fields.c = envelope.calls;
  if (envelope.blocks?.length) fields.b = envelope.blocks;
  return ENVELOPE_PREFIX + Buffer.from(JSON.stringify(fields), 'utf8').toString('base64url');
}

/** The envelope in a signature, or undefined (not one, or damaged: then it is ignored like any foreign state). */
export function openEnvelope(signature: unknown): ReasoningEnvelope | undefined {
  if (!isEnvelope(signature)) return undefined;
  let fields: Record<string, unknown>;
  try {
    fields = JSON.parse(Buffer.from(signature.slice(ENVELOPE_PREFIX.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof fields !== 'object' || fields === null) return undefined;
  if (typeof fields.k !== 'string' || typeof fields.m !== 'string') return undefined;
  const envelope: ReasoningEnvelope = { kind: fields.k, model: fields.m };
  if (typeof fields.s === 'string') envelope.message = fields.s;
  if (typeof fields.c === 'object' && fields.c !== null && !Array.isArray(fields.c)) {
    const calls: Record<string, string> = {};
    for (const [id, value] of Object.entries(fields.c)) if (typeof value === 'string') calls[id] = value;
    envelope.calls = calls;
  }
  if (Array.isArray(fields.b)) envelope.blocks = fields.b;
  return envelope;
}
