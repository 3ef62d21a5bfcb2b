/** Ids in Anthropic's forms (`msg_…`, `toolu_…`) for answers that came from another provider. */
import { randomBytes } from 'node:crypto';

const random = () => randomBytes(12).toString('base64url');

/** `msg_` and the upstream's id (its characters kept to what Anthropic's ids use), or a random one. */
export function messageId(upstreamId: unknown): string {
  const clean = typeof upstreamId === 'string' ? upstreamId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64) : '';
  return `msg_${clean || random()}`;
}

export function toolUseId(): string {
  return `toolu_${random()}`;
}
