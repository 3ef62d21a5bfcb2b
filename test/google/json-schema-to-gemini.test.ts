/**
 * The JSON Schema → Gemini schema sanitiser. Gemini's accepted subset is the `Schema` object of
 * https://ai.google.dev/api/caching#Schema (type, format, title, description, nullable, enum,
 * items, min/maxItems, properties, required, min/maxProperties, min/maxLength, pattern, example,
 * anyOf, propertyOrdering, default, minimum, maximum); every output here must stay inside it.
 */
import { describe, expect, it } from 'vitest';
import { jsonSchemaToGemini } from '../../src/providers/google/json-schema-to-gemini.js';

const ALLOWED = new Set([
  'type',
  'format',
  'title',
  'description',
  'nullable',
  'enum',
  'items',
  'minItems',
  'maxItems',
  'properties',
  'required',
  'minProperties',
  'maxProperties',
  'minLength',
  'maxLength',
  'pattern',
  'example',
  'anyOf',
  'propertyOrdering',
  'default',
  'minimum',
  'maximum',
]);
const TYPES = new Set(['STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT']);

/** Walks a converted schema and fails on anything outside Gemini's subset. */
function assertGeminiSubset(schema: any, path = '$'): void {
  for (const [key, value] of Object.entries(schema)) {
    expect(ALLOWED.has(key), `${path}.${key} is not a Gemini schema field`).toBe(true);
    if (key === 'type') expect(TYPES.has(value as string), `${path}.type ${String(value)}`).toBe(true);
    if (key === 'enum') expect((value as unknown[]).every((item) => typeof item === 'string')).toBe(true);
    if (key === 'format') expect(['enum', 'date-time', 'float', 'double', 'int32', 'int64']).toContain(value);
  }
  if (schema.type && schema.anyOf) throw new Error(`${path}: type next to anyOf`);
  for (const [name, child] of Object.entries(schema.properties ?? {}))
    assertGeminiSubset(child, `${path}.properties.${name}`);
  if (schema.items) assertGeminiSubset(schema.items, `${path}.items`);
  (schema.anyOf ?? []).forEach((child: unknown, i: number) => assertGeminiSubset(child, `${path}.anyOf[${i}]`));
  if (schema.required) for (const name of schema.required) expect(Object.keys(schema.properties ?? {})).toContain(name);
}

describe('jsonSchemaToGemini', () => {
  it('turns an OpenAI strict-mode schema into Gemini types, without the annotations Gemini refuses', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: {
        city: { type: 'string', description: 'City name' },
        days: { type: 'integer', minimum: 1, maximum: 14 },
        unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
        when: { type: 'string', format: 'date-time' },
        site: { type: 'string', format: 'uri' },
      },
      required: ['city', 'days', 'unit', 'ghost'],
      additionalProperties: false,
    });
    assertGeminiSubset(schema);
    expect(lossy).toEqual([]);
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        city: { type: 'STRING', description: 'City name' },
        days: { type: 'INTEGER', minimum: 1, maximum: 14 },
        unit: { type: 'STRING', enum: ['celsius', 'fahrenheit'] },
        when: { type: 'STRING', format: 'date-time' },
        site: { type: 'STRING', description: 'format: uri' },
      },
      required: ['city', 'days', 'unit'],
    });
  });

  it('inlines $ref from $defs and definitions, with sibling keywords applied', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/Address', description: 'Where they live' },
        work: { $ref: '#/definitions/Address' },
      },
      $defs: { Address: { type: 'object', properties: { street: { type: 'string' } }, required: ['street'] } },
      definitions: { Address: { type: 'object', properties: { street: { type: 'string' } } } },
    });
    assertGeminiSubset(schema);
    expect(lossy).toEqual([]);
    expect(schema.properties!.home).toEqual({
      type: 'OBJECT',
      description: 'Where they live',
      properties: { street: { type: 'STRING' } },
      required: ['street'],
    });
    expect(schema.properties!.work).toEqual({ type: 'OBJECT', properties: { street: { type: 'STRING' } } });
  });

  it('cuts a recursive $ref after one level and reports it', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      type: 'object',
      properties: { root: { $ref: '#/$defs/Node' } },
      $defs: {
        Node: {
          type: 'object',
          description: 'A tree node',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
        },
      },
    });
    assertGeminiSubset(schema);
    expect(lossy).toEqual(['$ref(recursive)']);
    expect(schema.properties!.root.properties!.children).toEqual({
      type: 'ARRAY',
      items: { type: 'OBJECT', description: 'A tree node' },
    });
  });

  it('makes nullable out of type arrays, anyOf with null, and enums with null', () => {
    const { schema } = jsonSchemaToGemini({
      type: 'object',
      properties: {
        a: { type: ['string', 'null'] },
        b: { anyOf: [{ type: 'integer' }, { type: 'null' }], description: 'maybe a number' },
        c: { type: ['string', 'null'], enum: ['x', 'y', null] },
        d: { type: ['object', 'null'], properties: { k: { type: 'string' } } },
      },
    });
    assertGeminiSubset(schema);
    expect(schema.properties).toEqual({
      a: { type: 'STRING', nullable: true },
      b: { type: 'INTEGER', nullable: true, description: 'maybe a number' },
      c: { type: 'STRING', enum: ['x', 'y'], nullable: true },
      d: { type: 'OBJECT', nullable: true, properties: { k: { type: 'STRING' } } },
    });
  });

  it('keeps real unions as anyOf (oneOf included) and splits multi-type lists by keyword', () => {
    const { schema } = jsonSchemaToGemini({
      type: 'object',
      properties: {
        shape: {
          oneOf: [
            { type: 'object', properties: { r: { type: 'number' } } },
            { type: 'object', properties: { w: { type: 'number' } } },
          ],
        },
        id: { type: ['string', 'integer'], minLength: 3, minimum: 1, description: 'an id' },
      },
    });
    assertGeminiSubset(schema);
    expect(schema.properties!.shape).toEqual({
      anyOf: [
        { type: 'OBJECT', properties: { r: { type: 'NUMBER' } } },
        { type: 'OBJECT', properties: { w: { type: 'NUMBER' } } },
      ],
    });
    expect(schema.properties!.id).toEqual({
      description: 'an id',
      anyOf: [
        { type: 'STRING', minLength: 3 },
        { type: 'INTEGER', minimum: 1 },
      ],
    });
  });

  it('merges allOf, turns const and numeric enums into Gemini string enums', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      allOf: [
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { properties: { b: { const: 'fixed' }, level: { type: 'integer', enum: [1, 2, 3] } }, required: ['b'] },
      ],
    });
    assertGeminiSubset(schema);
    expect(lossy).toEqual([]);
    expect(schema).toEqual({
      type: 'OBJECT',
      properties: {
        a: { type: 'STRING' },
        b: { type: 'STRING', enum: ['fixed'] },
        level: { type: 'INTEGER', format: 'enum', enum: ['1', '2', '3'] },
      },
      required: ['a', 'b'],
    });
  });

  it('rewrites exclusive bounds exactly for integers, and reports the loss for numbers', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      type: 'object',
      properties: {
        count: { type: 'integer', exclusiveMinimum: 0, exclusiveMaximum: 10 },
        ratio: { type: 'number', exclusiveMinimum: 0 },
        legacy: { type: 'integer', minimum: 5, exclusiveMinimum: true },
      },
    });
    assertGeminiSubset(schema);
    expect(schema.properties).toEqual({
      count: { type: 'INTEGER', minimum: 1, maximum: 9 },
      ratio: { type: 'NUMBER', minimum: 0 },
      legacy: { type: 'INTEGER', minimum: 6 },
    });
    expect(lossy).toEqual(['exclusiveMinimum']);
  });

  it('drops what Gemini cannot express and names every such keyword', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      type: 'object',
      properties: {
        tags: { type: 'array', items: { type: 'string' }, uniqueItems: true, contains: { const: 'x' } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        n: { type: 'number', multipleOf: 5, not: { const: 10 } },
        pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] },
      },
      patternProperties: { '^x-': { type: 'string' } },
      if: { required: ['n'] },
      then: { required: ['tags'] },
    });
    assertGeminiSubset(schema);
    expect(lossy).toEqual([
      'additionalProperties',
      'contains',
      'if',
      'items(tuple)',
      'multipleOf',
      'not',
      'patternProperties',
      'then',
      'uniqueItems',
    ]);
    expect(schema.properties!.labels).toEqual({ type: 'OBJECT' });
    expect(schema.properties!.pair).toEqual({
      type: 'ARRAY',
      items: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
    });
  });

  it('keeps examples, defaults and string/array/object bounds; leaves an untyped schema untyped', () => {
    const { schema } = jsonSchemaToGemini({
      type: 'object',
      title: 'Query',
      properties: {
        q: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[a-z]+$', examples: ['cats'], default: 'dogs' },
        ids: { type: 'array', items: { type: 'integer', format: 'int64' }, minItems: 1, maxItems: 5 },
        any: {},
      },
      minProperties: 1,
      propertyOrdering: ['q', 'ids', 'gone'],
    });
    assertGeminiSubset(schema);
    expect(schema).toEqual({
      type: 'OBJECT',
      title: 'Query',
      properties: {
        q: { type: 'STRING', minLength: 1, maxLength: 200, pattern: '^[a-z]+$', example: 'cats', default: 'dogs' },
        ids: { type: 'ARRAY', items: { type: 'INTEGER', format: 'int64' }, minItems: 1, maxItems: 5 },
        any: {},
      },
      minProperties: 1,
      propertyOrdering: ['q', 'ids'],
    });
  });

  it('does not follow a $ref out of the document, and says so', () => {
    const { schema, lossy } = jsonSchemaToGemini({
      type: 'object',
      properties: { x: { $ref: 'https://example.com/schema.json', description: 'remote' } },
    });
    expect(schema.properties!.x).toEqual({ description: 'remote' });
    expect(lossy).toEqual(['$ref']);
  });
});

describe('jsonSchemaToGemini limits', () => {
  it('stops inlining a schema that shared $refs would multiply, and reports it', () => {
    // 20 levels that each reference the next level twice: 2^20 nodes if fully inlined.
    const $defs: Record<string, unknown> = { L20: { type: 'string' } };
    for (let level = 19; level >= 0; level--) {
      $defs[`L${level}`] = {
        type: 'object',
        properties: { left: { $ref: `#/$defs/L${level + 1}` }, right: { $ref: `#/$defs/L${level + 1}` } },
      };
    }
    const started = performance.now();
    const { lossy } = jsonSchemaToGemini({ $ref: '#/$defs/L0', $defs });
    expect(lossy).toEqual(['size']);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('infers ARRAY from items and OBJECT from properties when type is missing', () => {
    expect(jsonSchemaToGemini({ properties: { list: { items: { type: 'string' } } } }).schema).toEqual({
      type: 'OBJECT',
      properties: { list: { type: 'ARRAY', items: { type: 'STRING' } } },
    });
  });
});
