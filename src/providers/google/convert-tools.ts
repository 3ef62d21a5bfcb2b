/**
 * OpenAI `tools`, `tool_choice` and `response_format` → Gemini `tools[].functionDeclarations`,
 * `toolConfig.functionCallingConfig` and `responseMimeType`/`responseSchema`
 * (https://ai.google.dev/gemini-api/docs/function-calling, https://ai.google.dev/gemini-api/docs/structured-output).
 * Schemas go through the sanitiser; what it cannot express is reported as dropped.
 */
import { invalidRequest } from '../../errors.js';
import type { GeminiSchema } from './gemini-types.js';
import { jsonSchemaToGemini } from './json-schema-to-gemini.js';
import type { ParamReport } from '../kit/param-policy.js';

export interface FunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface FunctionCallingConfig {
  mode: 'AUTO' | 'ANY' | 'NONE' | 'VALIDATED';
  allowedFunctionNames?: string[];
}

type Json = Record<string, any>;

export function convertTools(tools: unknown, report: ParamReport): FunctionDeclaration[] {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) throw invalidRequest('`tools` must be an array.', 'tools');
  const declarations: FunctionDeclaration[] = [];
  tools.forEach((raw, i) => {
    const tool = raw as Json;
    const where = `tools[${i}]`;
    if (tool?.type !== 'function') {
      // Dropping a tool would silently take a capability away from the model: refused instead.
      report.refuse(
        `${where}.type`,
        `a \`${String(tool?.type)}\` tool has no Gemini equivalent; only function tools are translated`,
      );
    }
    const fn = tool.function as Json | undefined;
    if (typeof fn?.name !== 'string' || !fn.name)
      throw invalidRequest(`\`${where}.function.name\` must be a non-empty string.`, `${where}.function.name`);
    const declaration: FunctionDeclaration = { name: fn.name };
    if (typeof fn.description === 'string' && fn.description) declaration.description = fn.description;
    if (fn.strict === true) report.drop(`${where}.function.strict`, 'Gemini has no strict mode for function arguments');
    const parameters = convertParameters(fn.parameters, `${where}.function.parameters`, report);
    if (parameters) declaration.parameters = parameters;
    declarations.push(declaration);
  });
  return declarations;
}

/** A function without parameters must omit them: Gemini refuses an OBJECT without properties there. */
function convertParameters(schema: unknown, where: string, report: ParamReport): GeminiSchema | undefined {
  if (schema === undefined || schema === null) return undefined;
  if (typeof schema !== 'object' || Array.isArray(schema))
    throw invalidRequest(`\`${where}\` must be a JSON Schema object.`, where);
  const { schema: converted, lossy } = jsonSchemaToGemini(schema);
  for (const keyword of lossy) report.drop(`${where}:${keyword}`, 'Gemini schemas cannot express it');
  if (!converted.properties && !converted.anyOf) return undefined;
  if (converted.properties && !converted.type) converted.type = 'OBJECT';
  return converted;
}

export function convertToolChoice(
  choice: unknown,
  declared: readonly FunctionDeclaration[],
): FunctionCallingConfig | undefined {
  if (choice === undefined || choice === null || declared.length === 0) return undefined;
  if (choice === 'none') return { mode: 'NONE' };
  if (choice === 'auto') return { mode: 'AUTO' };
  if (choice === 'required') return { mode: 'ANY' };
  const value = choice as Json;
  if (value?.type === 'function' && typeof value.function?.name === 'string') {
    return { mode: 'ANY', allowedFunctionNames: [value.function.name] };
  }
  if (value?.type === 'allowed_tools' && Array.isArray(value.allowed_tools?.tools)) {
    const names = (value.allowed_tools.tools as Json[])
      .map((tool) => tool?.function?.name)
      .filter((name): name is string => typeof name === 'string');
    // AUTO cannot restrict names; VALIDATED may answer in text or call one of the allowed functions.
    return { mode: value.allowed_tools.mode === 'required' ? 'ANY' : 'VALIDATED', allowedFunctionNames: names };
  }
  throw invalidRequest(
    '`tool_choice` must be none, auto, required, name a function, or list allowed function tools.',
    'tool_choice',
  );
}

export interface ResponseFormatConfig {
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
}

export function convertResponseFormat(format: unknown, report: ParamReport): ResponseFormatConfig {
  if (format === undefined || format === null) return {};
  const value = format as Json;
  switch (value?.type) {
    case 'text':
      return {};
    case 'json_object':
      return { responseMimeType: 'application/json' };
    case 'json_schema': {
      const schema = value.json_schema?.schema;
      if (schema === undefined || schema === null) return { responseMimeType: 'application/json' };
      if (typeof schema !== 'object' || Array.isArray(schema))
        throw invalidRequest(
          '`response_format.json_schema.schema` must be a JSON Schema object.',
          'response_format.json_schema.schema',
        );
      const { schema: converted, lossy } = jsonSchemaToGemini(schema);
      for (const keyword of lossy)
        report.drop(`response_format.json_schema.schema:${keyword}`, 'Gemini schemas cannot express it');
      // `strict` is what Gemini always does with a responseSchema: the output follows it.
      return { responseMimeType: 'application/json', responseSchema: converted };
    }
    default:
      throw invalidRequest('`response_format.type` must be text, json_object or json_schema.', 'response_format.type');
  }
}
