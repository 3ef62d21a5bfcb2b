/**
 * Tool names chat upstreams accept. OpenAI takes `^[a-zA-Z0-9_-]{1,64}$` and refuses the rest;
 * Anthropic allows longer names (Claude Code's MCP tools, `mcp__server__tool`, pass 64 easily). A
 * name outside OpenAI's rule goes upstream shortened — cleaned, cut, and made unique by a hash of
 * the original — and comes back as the original in `tool_use` blocks. The mapping is computed from
 * the request's own `tools` each time, so no state is kept between requests.
 */
import { createHash } from 'node:crypto';

const ACCEPTED = /^[a-zA-Z0-9_-]{1,64}$/;

/** The name sent upstream for a tool name. */
export function chatToolName(name: string): string {
  if (ACCEPTED.test(name)) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 55)}_${hash}`;
}

/** Upstream name → the client's, for the request's tools whose names were changed (empty when none). */
export function originalToolNames(request: Record<string, unknown>): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  if (!Array.isArray(request.tools)) return names;
  for (const tool of request.tools as Array<{ name?: unknown }>) {
    if (typeof tool?.name !== 'string' || ACCEPTED.test(tool.name)) continue;
    names.set(chatToolName(tool.name), tool.name);
  }
  return names;
}
