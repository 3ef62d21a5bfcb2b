/**
 * Turns a JSON Schema (what OpenAI clients write for tools and `response_format`) into the OpenAPI
 * 3.0 subset Gemini accepts in `parameters` and `responseSchema`
 * (https://ai.google.dev/api/caching#Schema). Gemini answers 400 to anything else, so:
 *
 * - rewritten without loss: `$ref`/`$defs`/`definitions` inlined, `allOf` merged, `oneOf` → `anyOf`,
 *   `type: [T, "null"]` and `anyOf [T, {type: null}]` → `nullable`, `const` → one-value `enum`,
 *   numeric enums → `format: enum` with string values, `exclusiveMinimum` on integers → `minimum + 1`,
 *   `examples` → `example`, string formats other than `date-time` → a note in `description`,
 *   `required` names that are not properties removed;
 * - dropped as annotations: `$schema`, `$id`, `$comment`, `additionalProperties: true|false`, ...;
 * - dropped with loss, and reported (the caller lists them as dropped parameters, or refuses them
 *   under `strictParams`): `not`, `if/then/else`, `patternProperties`, `additionalProperties: {schema}`,
 *   `uniqueItems`, `multipleOf`, `contains`, tuple `items`, recursive `$ref` (cut after one level),
 *   `exclusiveMinimum` on numbers (kept as an inclusive bound), ...
 */
import type { GeminiSchema } from './gemini-types.js';
import { ownValue, setOwn } from '../../util/own-value.js';
import {
  COUNTS,
  cutRecursion,
  FORMATS,
  isNullSchema,
  isObject,
  KEYWORDS_BY_TYPE,
  LOSSY_KEYWORDS,
  mergeAll,
  TYPES,
  type Json,
} from './json-schema-keywords.js';

export interface ConvertedSchema {
  schema: GeminiSchema;
  /** Keywords that constrained values and could not be expressed (sorted, unique). */
  lossy: string[];
}

const MAX_DEPTH = 48;
/** Inlining shared `$ref`s can multiply a schema; past this many nodes the rest is left out (reported). */
const MAX_NODES = 5_000;

export function jsonSchemaToGemini(schema: unknown): ConvertedSchema {
  const converter = new SchemaConverter(isObject(schema) ? schema : {});
  const result = converter.convert(schema, [], 0);
  return { schema: result, lossy: [...converter.lossy].sort() };
}

class SchemaConverter {
  readonly lossy = new Set<string>();
  private nodes = 0;

  constructor(private readonly root: Json) {}

  convert(input: unknown, refs: readonly string[], depth: number): GeminiSchema {
    if (!isObject(input)) {
      if (input === false) this.lossy.add('false');
      return {};
    }
    if (depth > MAX_DEPTH || ++this.nodes > MAX_NODES) {
      this.lossy.add(depth > MAX_DEPTH ? 'depth' : 'size');
      return {};
    }
    let node = input;
    if (typeof node.$ref === 'string') {
      const ref = node.$ref;
      const { $ref: _ref, ...siblings } = node;
      const target = this.resolve(ref);
      if (!target) {
        this.lossy.add('$ref');
        node = siblings;
      } else if (refs.includes(ref)) {
        // A recursive type cannot be inlined: keep one level of shape and say so.
        this.lossy.add('$ref(recursive)');
        return cutRecursion(target, siblings);
      } else {
        return this.convert({ ...target, ...siblings }, [...refs, ref], depth + 1);
      }
    }
    if (Array.isArray(node.allOf)) {
      const { allOf, ...rest } = node;
      return this.convert(mergeAll([rest, ...allOf.map((member) => this.deref(member))]), refs, depth + 1);
    }
    const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
    if (union) return this.convertUnion(node, union, refs, depth);
    if (Array.isArray(node.type)) return this.convertTypeList(node, node.type, refs, depth);
    return this.convertPlain(node, refs, depth);
  }

  private convertUnion(node: Json, union: unknown[], refs: readonly string[], depth: number): GeminiSchema {
    const { anyOf: _a, oneOf: _o, ...rest } = node;
    if (Array.isArray(node.anyOf) && Array.isArray(node.oneOf)) this.lossy.add('oneOf');
    const members = union.map((member) => this.deref(member)).filter((member) => !isNullSchema(member));
    const nullable = members.length < union.length;
    if (members.length === 0)
      return { ...this.convertPlain({ ...rest, type: undefined }, refs, depth), nullable: true };
    if (members.length === 1) {
      const merged = this.convert({ ...(members[0] as Json), ...rest }, refs, depth + 1);
      return nullable ? { ...merged, nullable: true } : merged;
    }
    const constraintOnly = members.every(
      (member) =>
        isObject(member) &&
        member.type === undefined &&
        member.properties === undefined &&
        member.items === undefined &&
        member.enum === undefined &&
        member.const === undefined,
    );
    if (constraintOnly && (rest.type !== undefined || rest.properties !== undefined)) {
      // e.g. {type: object, anyOf: [{required: [a]}, {required: [b]}]}: Gemini has no way to say it.
      this.lossy.add('anyOf');
      const plain = this.convertPlain(rest, refs, depth);
      return nullable ? { ...plain, nullable: true } : plain;
    }
    // Gemini refuses `type` next to `anyOf`: the branches carry the types.
    const { type: _type, ...annotations } = rest;
    const out = this.convertPlain(annotations, refs, depth);
    out.anyOf = members.map((member) => this.convert(member, refs, depth + 1));
    if (nullable) out.nullable = true;
    return out;
  }

  private convertTypeList(node: Json, types: unknown[], refs: readonly string[], depth: number): GeminiSchema {
    const named = types.filter((type): type is string => typeof type === 'string' && type !== 'null');
    const nullable = named.length < types.length;
    if (named.length <= 1) {
      const out = this.convertPlain({ ...node, type: named[0] }, refs, depth);
      return nullable ? { ...out, nullable: true } : out;
    }
    // Several types: one branch each, with the keywords that belong to that type.
    const moved = new Set(Object.values(KEYWORDS_BY_TYPE).flat());
    const shared: Json = {};
    for (const [key, value] of Object.entries(node))
      if (key !== 'type' && key !== 'enum' && !moved.has(key)) setOwn(shared, key, value);
    const out = this.convertPlain(shared, refs, depth);
    out.anyOf = named.map((type) => {
      const branch: Json = { type };
      for (const key of ownValue(KEYWORDS_BY_TYPE, ownValue(TYPES, type) ?? '') ?? [])
        if (node[key] !== undefined) branch[key] = node[key];
      if (node.enum !== undefined) branch.enum = node.enum;
      return this.convertPlain(branch, refs, depth + 1);
    });
    if (nullable) out.nullable = true;
    return out;
  }

  private convertPlain(node: Json, refs: readonly string[], depth: number): GeminiSchema {
    const out: GeminiSchema = {};
    const typeName = node.type;
    if (typeName === 'null') out.nullable = true;
    else if (typeof typeName === 'string') {
      // An own entry only: a type named `constructor` is unknown, not Object's constructor.
      const type = ownValue(TYPES, typeName);
      if (type) out.type = type;
      else this.lossy.add('type');
    } else if (typeName === undefined && isObject(node.properties)) out.type = 'OBJECT';
    else if (typeName === undefined && (isObject(node.items) || Array.isArray(node.prefixItems))) out.type = 'ARRAY';
    if (typeof node.title === 'string') out.title = node.title;
    let description = typeof node.description === 'string' ? node.description : undefined;

    if (typeof node.format === 'string') {
      if (out.type && ownValue(FORMATS, out.type)?.includes(node.format)) out.format = node.format;
      else description = description ? `${description} (format: ${node.format})` : `format: ${node.format}`;
    }
    this.convertEnum(node, out);

    if (isObject(node.properties)) {
      const properties: Record<string, GeminiSchema> = {};
      for (const [name, value] of Object.entries(node.properties))
        setOwn(properties, name, this.convert(value, refs, depth + 1));
      if (Object.keys(properties).length) out.properties = properties;
      const names = new Set(Object.keys(properties));
      const required = Array.isArray(node.required)
        ? node.required.filter((name): name is string => typeof name === 'string' && names.has(name))
        : [];
      if (required.length) out.required = [...new Set(required)];
      if (Array.isArray(node.propertyOrdering)) {
        const ordering = node.propertyOrdering.filter(
          (name): name is string => typeof name === 'string' && names.has(name),
        );
        if (ordering.length) out.propertyOrdering = ordering;
      }
    }
    if (isObject(node.additionalProperties)) this.lossy.add('additionalProperties');
    if (isObject(node.unevaluatedProperties)) this.lossy.add('unevaluatedProperties');

    const tuple = Array.isArray(node.prefixItems)
      ? node.prefixItems
      : Array.isArray(node.items)
        ? node.items
        : undefined;
    if (tuple) {
      this.lossy.add('items(tuple)');
      const members = tuple.map((member) => this.convert(member, refs, depth + 1));
      if (members.length === 1) out.items = members[0];
      else if (members.length > 1) out.items = { anyOf: members };
    } else if (isObject(node.items) || node.items === true) {
      out.items = this.convert(node.items, refs, depth + 1);
    }

    for (const key of COUNTS) {
      const value = node[key];
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[key] = value;
    }
    if (typeof node.pattern === 'string') out.pattern = node.pattern;
    this.convertBounds(node, out);

    if (node.default !== undefined) out.default = node.default;
    if (node.example !== undefined) out.example = node.example;
    else if (Array.isArray(node.examples) && node.examples.length) out.example = node.examples[0];

    for (const keyword of LOSSY_KEYWORDS) if (node[keyword] !== undefined) this.lossy.add(keyword);
    if (description !== undefined) out.description = description;
    return out;
  }

  /** Gemini enums hold strings; numbers become strings with `format: enum`, as its reference shows. */
  private convertEnum(node: Json, out: GeminiSchema): void {
    const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
    if (!values) return;
    const keyword = Array.isArray(node.enum) ? 'enum' : 'const';
    const present = values.filter((value) => value !== null);
    if (present.length < values.length) out.nullable = true;
    if (present.length === 0) return;
    if (present.every((value) => typeof value === 'string') && (out.type === undefined || out.type === 'STRING')) {
      out.type = 'STRING';
      out.enum = present as string[];
      return;
    }
    if (
      present.every((value) => typeof value === 'number') &&
      (out.type === 'INTEGER' || out.type === 'NUMBER' || out.type === undefined)
    ) {
      out.type ??= present.every((value) => Number.isInteger(value)) ? 'INTEGER' : 'NUMBER';
      out.format = 'enum';
      out.enum = present.map(String);
      return;
    }
    this.lossy.add(keyword);
  }

  /** Inclusive bounds are Gemini's only kind: exact for integers, loosened (and reported) otherwise. */
  private convertBounds(node: Json, out: GeminiSchema): void {
    const integer = out.type === 'INTEGER';
    if (typeof node.minimum === 'number') out.minimum = node.minimum;
    if (typeof node.maximum === 'number') out.maximum = node.maximum;
    const exclusive = (
      keyword: 'exclusiveMinimum' | 'exclusiveMaximum',
      bound: 'minimum' | 'maximum',
      step: number,
    ) => {
      const value = node[keyword];
      // Draft 4 wrote `exclusiveMinimum: true` next to `minimum`; later drafts give the number itself.
      const limit =
        typeof value === 'number'
          ? value
          : value === true && typeof node[bound] === 'number'
            ? (node[bound] as number)
            : undefined;
      if (limit === undefined) return;
      if (integer && Number.isInteger(limit)) out[bound] = limit + step;
      else {
        out[bound] = limit;
        this.lossy.add(keyword);
      }
    };
    exclusive('exclusiveMinimum', 'minimum', 1);
    exclusive('exclusiveMaximum', 'maximum', -1);
  }

  /** Follows a `$ref` at the top of an `allOf`/`anyOf` member so that it can be merged or inspected. */
  private deref(member: unknown, seen: readonly string[] = []): unknown {
    if (!isObject(member) || typeof member.$ref !== 'string' || seen.includes(member.$ref)) return member;
    const target = this.resolve(member.$ref);
    if (!target) return member;
    const { $ref, ...siblings } = member;
    return this.deref({ ...target, ...siblings }, [...seen, $ref as string]);
  }

  /** Local JSON pointers only (`#`, `#/$defs/X`, `#/definitions/X`, any `#/a/b`). */
  private resolve(ref: string): Json | undefined {
    if (!ref.startsWith('#')) return undefined;
    let current: unknown = this.root;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
      current = current[key];
    }
    return isObject(current) ? current : undefined;
  }
}
