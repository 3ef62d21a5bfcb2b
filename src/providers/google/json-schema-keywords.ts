/**
 * The JSON Schema keywords the Gemini schema converter knows about, and the small schema helpers it
 * uses (see json-schema-to-gemini.ts for what happens to each keyword).
 */
import type { GeminiSchema } from './gemini-types.js';
import { ownValue, setOwn } from '../../util/own-value.js';

export type Json = Record<string, unknown>;

export const TYPES: Record<string, NonNullable<GeminiSchema['type']>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** The only formats Gemini accepts per type; others fail with "only 'enum' and 'date-time' are supported". */
export const FORMATS: Record<string, readonly string[]> = {
  STRING: ['enum', 'date-time'],
  NUMBER: ['float', 'double'],
  INTEGER: ['int32', 'int64'],
};

export const LOSSY_KEYWORDS = [
  'not',
  'if',
  'then',
  'else',
  'patternProperties',
  'propertyNames',
  'dependentRequired',
  'dependentSchemas',
  'dependencies',
  'uniqueItems',
  'contains',
  'minContains',
  'maxContains',
  'multipleOf',
  'unevaluatedItems',
  'additionalItems',
] as const;

export const COUNTS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const;

/** Keywords that belong to one type, moved into the matching branch when `type` lists several. */
export const KEYWORDS_BY_TYPE: Record<string, readonly string[]> = {
  ARRAY: ['items', 'prefixItems', 'minItems', 'maxItems', 'uniqueItems', 'contains'],
  OBJECT: [
    'properties',
    'required',
    'additionalProperties',
    'patternProperties',
    'minProperties',
    'maxProperties',
    'propertyOrdering',
  ],
  STRING: ['minLength', 'maxLength', 'pattern', 'format'],
  NUMBER: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  INTEGER: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
};

export function cutRecursion(target: Json, siblings: Json): GeminiSchema {
  const type = typeof target.type === 'string' ? ownValue(TYPES, target.type) : undefined;
  const out: GeminiSchema = type && type !== 'ARRAY' ? { type } : {};
  const description = siblings.description ?? target.description;
  if (typeof description === 'string') out.description = description;
  return out;
}

/** `allOf` members merged: properties and `required` united, the first value of anything else kept. */
export function mergeAll(members: unknown[]): Json {
  const merged: Json = {};
  for (const member of members) {
    if (!isObject(member)) continue;
    for (const [key, value] of Object.entries(member)) {
      if (key === 'properties' && isObject(value)) {
        const properties = (merged.properties ??= {}) as Json;
        for (const [name, schema] of Object.entries(value)) {
          // Property names come from the request: `constructor` or `__proto__` are names like any other.
          setOwn(properties, name, Object.hasOwn(properties, name) ? { allOf: [properties[name], schema] } : schema);
        }
      } else if (key === 'required' && Array.isArray(value)) {
        merged.required = [...((merged.required as unknown[]) ?? []), ...value];
      } else if (!Object.hasOwn(merged, key)) {
        setOwn(merged, key, value);
      }
    }
  }
  return merged;
}

export function isNullSchema(member: unknown): boolean {
  if (!isObject(member)) return false;
  return (
    member.type === 'null' ||
    (member.const === null && member.type === undefined) ||
    (Array.isArray(member.enum) && member.enum.length === 1 && member.enum[0] === null)
  );
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
