/**
 * `options.providers`: each entry is checked against the options of its kind, a zod discriminated
 * union keyed on `kind` made of the registry's descriptors. `kind` may be left out when the
 * provider's id is a kind (`openai: { apiKey }`); an option that only another kind reads is named
 * as such (`region` applies to kind `bedrock` only) rather than ignored or merely "unrecognized".
 */
import { z } from 'zod';
import type { ProviderDescriptor, ProviderInput, ProviderOptionsSchema } from './kit/provider-descriptor.js';
import { isProviderKind, PROVIDER_KINDS, PROVIDERS } from './registry.js';

/** The options schema of each registered descriptor, as a union. */
type RegisteredSchema = (typeof PROVIDERS)[number] extends infer D
  ? D extends ProviderDescriptor<infer Schema>
    ? Schema
    : never
  : never;

/** The union of every kind's options, keyed on `kind`. */
const providerOptionsUnion = z.discriminatedUnion(
  'kind',
  PROVIDERS.map((descriptor) => descriptor.options) as unknown as [RegisteredSchema, ...RegisteredSchema[]],
);

/** One entry of `options.providers`, as a user writes it (`kind` optional when the id is a kind). */
export type ProviderOptions = RegisteredSchema extends infer Schema
  ? Schema extends ProviderOptionsSchema
    ? ProviderInput<Schema>
    : never
  : never;
/** One entry of `options.providers`, checked, with its kind. */
export type ParsedProviderOptions = z.output<typeof providerOptionsUnion>;
/** One entry of a provider's `endpoints`. */
export type EndpointOptions = NonNullable<ParsedProviderOptions['endpoints']>[number];

const kindSchema = z.enum(PROVIDER_KINDS);

/** For each option name, the kinds that read it: on the provider itself, and on one of its endpoints. */
const KINDS_READING = { provider: new Map<string, string[]>(), endpoint: new Map<string, string[]>() };
for (const descriptor of PROVIDERS as readonly ProviderDescriptor[]) {
  const kinds = Object.keys(descriptor.kinds);
  const endpoint = (descriptor.options.shape.endpoints as z.ZodOptional<z.ZodArray<z.ZodObject>>).unwrap().element;
  for (const [level, keys] of [
    ['provider', Object.keys(descriptor.options.shape)],
    ['endpoint', Object.keys(endpoint.shape)],
  ] as const) {
    for (const key of keys) KINDS_READING[level].set(key, [...(KINDS_READING[level].get(key) ?? []), ...kinds]);
  }
}

export const providersOptionsSchema = z
  .record(
    z.string().regex(/^[a-zA-Z0-9_.-]+$/, 'a provider id may only hold letters, digits, _ . -'),
    z.custom<ProviderOptions>(),
  )
  .transform((entries, context) => {
    const parsed: Record<string, ParsedProviderOptions> = {};
    const report = (path: PropertyKey[], message: string, input: unknown) =>
      context.issues.push({ code: 'custom', path, message, input });
    for (const [id, entry] of Object.entries(entries)) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
        report([id], 'Invalid input: expected object', entry);
        continue;
      }
      const kind = kindOf(id, entry.kind, (message) => report([id, 'kind'], message, entry.kind));
      if (kind === undefined) continue;
      const result = providerOptionsUnion.safeParse({ ...entry, kind });
      if (result.success) {
        parsed[id] = result.data;
        continue;
      }
      for (const issue of result.error.issues) {
        if (issue.code !== 'unrecognized_keys') {
          context.issues.push({ ...issue, path: [id, ...issue.path] } as (typeof context.issues)[number]);
          continue;
        }
        // A key another kind reads: say so, instead of "unrecognized".
        const level = issue.path[0] === 'endpoints' ? 'endpoint' : 'provider';
        const unknown: string[] = [];
        for (const key of issue.keys) {
          const readers = KINDS_READING[level].get(key);
          if (!readers) unknown.push(key);
          else
            report(
              [id, ...issue.path, key],
              `applies to kind ${readers.map((name) => `\`${name}\``).join(' or ')} only; provider ${kind === id ? `\`${id}\`` : `\`${id}\` (kind \`${kind}\`)`} would ignore it`,
              entry,
            );
        }
        if (unknown.length)
          report(
            [id, ...issue.path],
            `Unrecognized key${unknown.length > 1 ? 's' : ''}: ${unknown.map((key) => `"${key}"`).join(', ')}`,
            entry,
          );
      }
    }
    return parsed;
  });

/** The kind of an entry: its `kind`, or its id when that is a kind. */
function kindOf(id: string, kind: unknown, fail: (message: string) => void): string | undefined {
  if (kind === undefined) {
    if (isProviderKind(id)) return id;
    fail(`required for a provider id that is not a known kind (${PROVIDER_KINDS.join(', ')})`);
    return undefined;
  }
  const checked = kindSchema.safeParse(kind);
  if (!checked.success) fail(checked.error.issues[0].message);
  return checked.success ? checked.data : undefined;
}
