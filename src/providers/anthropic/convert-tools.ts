/**
 * OpenAI `tools`, `tool_choice` and `parallel_tool_calls` → Anthropic `tools` and `tool_choice`.
 */
import { invalidRequest, unsupported } from '../../errors.js';
import type { ToolChoice, ToolParam } from './anthropic-types.js';
import { readCacheControl, withCache, type Part } from './convert-content.js';
import type { ParamReport } from '../kit/param-policy.js';

export interface ConvertedTools {
  tools?: ToolParam[];
  tool_choice?: ToolChoice;
}

export function convertTools(body: Record<string, any>, report: ParamReport, thinking: boolean): ConvertedTools {
  if (body.tools === undefined || body.tools === null) return {};
  if (!Array.isArray(body.tools)) throw invalidRequest('`tools` must be an array.', 'tools');
  let tools = body.tools.map((tool: Part, i: number) => convertTool(tool, `tools[${i}]`));
  if (tools.length === 0) return {};

  let choice: ToolChoice | undefined;
  const requested = body.tool_choice;
  if (requested === 'auto') choice = { type: 'auto' };
  else if (requested === 'none') choice = { type: 'none' };
  else if (requested === 'required') choice = { type: 'any' };
  else if (requested?.type === 'function') {
    const name = requested.function?.name;
    if (typeof name !== 'string' || !tools.some((tool) => tool.name === name)) {
      throw invalidRequest('`tool_choice.function.name` must name one of the `tools`.', 'tool_choice.function.name');
    }
    choice = { type: 'tool', name };
  } else if (requested?.type === 'allowed_tools') {
    const allowed = new Set<string>(
      (requested.allowed_tools?.tools ?? []).map((tool: Part) => tool?.function?.name ?? tool?.name),
    );
    tools = tools.filter((tool) => allowed.has(tool.name));
    if (tools.length === 0)
      throw invalidRequest('`tool_choice.allowed_tools.tools` names none of the `tools`.', 'tool_choice.allowed_tools');
    choice = requested.allowed_tools?.mode === 'required' ? { type: 'any' } : { type: 'auto' };
  } else if (requested !== undefined && requested !== null) {
    throw invalidRequest(
      '`tool_choice` must be "auto", "none", "required", a named function or allowed_tools.',
      'tool_choice',
    );
  }

  // Anthropic refuses a forced tool together with extended thinking.
  if (thinking && (choice?.type === 'any' || choice?.type === 'tool')) {
    report.drop(
      'tool_choice',
      'a forced tool choice does not combine with extended thinking (Anthropic allows auto or none)',
    );
    choice = undefined;
  }
  if (body.parallel_tool_calls === false && choice?.type !== 'none') {
    choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true } as ToolChoice;
  }
  return choice ? { tools, tool_choice: choice } : { tools };
}

function convertTool(tool: Part, at: string): ToolParam {
  if (tool?.type !== 'function' || typeof tool.function?.name !== 'string') {
    throw unsupported(
      'unsupported_tool',
      `\`${at}\` must be a function tool ({type:"function", function:{name, parameters}}); Anthropic takes no other OpenAI tool type.`,
      at,
    );
  }
  const fn = tool.function;
  const schema = fn.parameters ?? { type: 'object', properties: {} };
  if (typeof schema !== 'object' || Array.isArray(schema) || (schema.type !== undefined && schema.type !== 'object')) {
    throw invalidRequest(
      `\`${at}.function.parameters\` must be an object schema; Anthropic takes tool input as an object.`,
      `${at}.function.parameters`,
    );
  }
  const converted: ToolParam = { name: fn.name, input_schema: { ...schema, type: 'object' } };
  if (typeof fn.description === 'string') converted.description = fn.description;
  if (typeof fn.strict === 'boolean') converted.strict = fn.strict;
  return withCache(converted, readCacheControl(tool, at) ?? readCacheControl(fn, `${at}.function`));
}
