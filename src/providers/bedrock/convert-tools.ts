/**
 * OpenAI `tools` / `tool_choice` → Converse `toolConfig`.
 */
import { invalidRequest } from '../../errors.js';
import { cachePointFor } from './convert-content.js';
import type { ConvertedMessages } from './convert-messages.js';
import type { ParamReport } from '../kit/param-policy.js';
import type { ConverseRequest, ToolChoice, ToolEntry } from './types.js';

const EMPTY_SCHEMA = { type: 'object', properties: {} };

export function convertTools(
  body: Record<string, unknown>,
  history: ConvertedMessages,
  report: ParamReport,
): ConverseRequest['toolConfig'] {
  const tools = declaredTools(body.tools, report);
  const choice = body.tool_choice;
  if (body.parallel_tool_calls === false)
    report.drop('parallel_tool_calls', 'Converse cannot turn parallel tool calls off');

  if (choice === 'none') {
    // Leaving the tools out is how "none" is honoured, unless the conversation already used tools:
    // Converse then insists on a toolConfig, and cannot forbid calls.
    if (!history.hasToolHistory) return undefined;
    report.drop('tool_choice', 'Converse cannot forbid tool calls once the conversation holds tool calls');
  }
  // Converse refuses toolUse/toolResult blocks without a toolConfig: declare the tools the history
  // names when the request sends none (they were declared on the turn that called them).
  if (tools.length === 0) {
    if (!history.hasToolHistory) {
      if (choice !== undefined && choice !== null && choice !== 'none' && choice !== 'auto')
        report.drop('tool_choice', 'there are no tools to choose from');
      return undefined;
    }
    for (const name of history.toolNamesUsed) tools.push({ toolSpec: { name, inputSchema: { json: EMPTY_SCHEMA } } });
    if (tools.length === 0) return undefined;
  }
  const toolChoice = choice === 'none' ? undefined : convertToolChoice(choice, report);
  return toolChoice ? { tools, toolChoice } : { tools };
}

function declaredTools(value: unknown, report: ParamReport): ToolEntry[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest('`tools` must be an array.', 'tools');
  const tools: ToolEntry[] = [];
  for (let i = 0; i < value.length; i++) {
    const tool = value[i] as {
      type?: unknown;
      function?: { name?: unknown; description?: unknown; parameters?: unknown; strict?: unknown };
      cache_control?: unknown;
    };
    if (tool?.type !== 'function') {
      report.drop(`tools[${i}]`, `Converse tools are functions, not ${JSON.stringify(tool?.type)}`);
      continue;
    }
    const fn = tool.function ?? {};
    if (typeof fn.name !== 'string' || fn.name === '')
      throw invalidRequest(`\`tools[${i}].function.name\` must be a non-empty string.`, `tools[${i}].function.name`);
    const spec: { name: string; description?: string; inputSchema: { json: unknown }; strict?: boolean } = {
      name: fn.name,
      inputSchema: { json: fn.parameters ?? EMPTY_SCHEMA },
    };
    if (typeof fn.description === 'string' && fn.description !== '') spec.description = fn.description;
    if (fn.strict === true) spec.strict = true;
    tools.push({ toolSpec: spec });
    const cachePoint = cachePointFor(tool.cache_control, `tools[${i}].cache_control`);
    if (cachePoint) tools.push(cachePoint);
  }
  return tools;
}

function convertToolChoice(choice: unknown, report: ParamReport): ToolChoice | undefined {
  if (choice === undefined || choice === null) return undefined;
  if (choice === 'auto') return { auto: {} };
  if (choice === 'required') return { any: {} };
  const named = choice as { type?: unknown; function?: { name?: unknown } };
  if (typeof choice === 'object' && named.type === 'function' && typeof named.function?.name === 'string') {
    return { tool: { name: named.function.name } };
  }
  report.drop('tool_choice', `Converse has no tool choice like ${JSON.stringify(choice)}`);
  return undefined;
}
