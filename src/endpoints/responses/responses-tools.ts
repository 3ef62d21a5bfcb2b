/**
 * Responses `tools` and `tool_choice` in chat's shape, for the chat bridge. Function tools are flat
 * in the Responses API (`{type, name, parameters}`) and nested in chat (`{type, function: {...}}`).
 * Built-in tools (web search, file search, code interpreter, computer use, MCP, image generation,
 * shell, custom grammar tools) run at OpenAI, not at the provider: a 400 naming the tool, which
 * falls back to a model that serves the Responses API natively.
 */
import { invalidRequest, unsupported } from '../../errors.js';
import type { BridgeTarget } from '../endpoint.js';

type Json = Record<string, any>;

export interface ChatTools {
  tools?: Json[];
  tool_choice?: unknown;
}

/** Chat's `tools` and `tool_choice` for a Responses body's. */
export function toolsToChat(body: Json, target: BridgeTarget): ChatTools {
  const result: ChatTools = {};
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw invalidRequest('`tools` must be an array.', 'tools');
    const tools = body.tools.map((tool: Json, index: number) => functionTool(tool, `tools[${index}]`, target));
    if (tools.length) result.tools = tools;
  }
  const choice = body.tool_choice;
  if (choice === undefined || choice === null) return result;
  if (choice === 'auto' || choice === 'none' || choice === 'required') {
    result.tool_choice = choice;
    return result;
  }
  if (typeof choice !== 'object' || Array.isArray(choice))
    throw invalidRequest('`tool_choice` must be none, auto, required or an object.', 'tool_choice');
  switch (choice.type) {
    case 'function':
      if (typeof choice.name !== 'string' || choice.name === '')
        throw invalidRequest('`tool_choice.name` must name a function tool.', 'tool_choice.name');
      result.tool_choice = { type: 'function', function: { name: choice.name } };
      return result;
    case 'allowed_tools': {
      // Chat's own allowed_tools is not one every provider translates: send only the allowed tools.
      const mode = choice.mode === 'required' ? 'required' : 'auto';
      if (!Array.isArray(choice.tools))
        throw invalidRequest('`tool_choice.tools` must be an array of tools.', 'tool_choice.tools');
      const allowed = new Set<string>();
      choice.tools.forEach((tool: Json, index: number) => {
        if (tool?.type !== 'function' || typeof tool.name !== 'string')
          throw builtInTool(String(tool?.type), `tool_choice.tools[${index}]`, target);
        allowed.add(tool.name);
      });
      result.tools = (result.tools ?? []).filter((tool) => allowed.has(tool.function.name));
      result.tool_choice = result.tools.length ? mode : 'none';
      if (!result.tools.length) delete result.tools;
      return result;
    }
    default:
      throw builtInTool(String(choice.type), 'tool_choice', target);
  }
}

function functionTool(tool: Json, at: string, target: BridgeTarget): Json {
  if (typeof tool !== 'object' || tool === null) throw invalidRequest(`\`${at}\` must be a tool object.`, at);
  if (tool.type !== 'function') throw builtInTool(String(tool.type), `${at}.type`, target);
  if (typeof tool.name !== 'string' || tool.name === '')
    throw invalidRequest(`\`${at}.name\` must be a non-empty string.`, `${at}.name`);
  const fn: Json = { name: tool.name };
  if (typeof tool.description === 'string') fn.description = tool.description;
  if (tool.parameters !== undefined && tool.parameters !== null) fn.parameters = tool.parameters;
  if (typeof tool.strict === 'boolean') fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

function builtInTool(type: string, param: string, target: BridgeTarget) {
  return unsupported(
    'unsupported_tool',
    `The built-in tool \`${type}\` runs only on models that serve the Responses API natively (OpenAI, Azure); \`${target.providerId}\` (${target.providerKind}) is reached through chat completions, which take function tools only.`,
    param,
  );
}
