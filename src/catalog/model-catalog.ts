/**
 * What a model can do: the models.dev data shipped in `tokenlens` (loaded once, only for the
 * provider kinds configured; each kind's key is in its descriptor), under the `modelInfo` option. A model the catalogue does
 * not know is assumed able to serve anything: the filter only skips what it knows cannot work.
 */
import { kindFacts } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { familyKindOf } from '../routing/model-families.js';
import { ownValue } from '../util/own-value.js';
import type { ModelInfo } from '../traffic/traffic-options.js';

export interface ModelFacts {
  contextWindow?: number;
  maxOutputTokens?: number;
  tools?: boolean;
  images?: boolean;
  jsonSchema?: boolean;
}

interface ModelsDevModel {
  tool_call?: boolean;
  modalities?: { input?: readonly string[] };
  limit?: { context?: number; output?: number };
}

type ModelsDevProvider = { models?: Record<string, ModelsDevModel> };

/** Enough for every model a gateway serves; bounds memory when callers send arbitrary names. */
const MEMO_LIMIT = 2048;

export class ModelCatalog {
  private readonly byKind = new Map<string, Record<string, ModelsDevModel>>();
  private readonly memo = new Map<string, ModelFacts | undefined>();
  private loaded = false;
  /** Resolves when the catalogue data of the configured kinds is loaded (never rejects). */
  readonly ready: Promise<void>;

  constructor(
    kinds: Iterable<string>,
    private readonly overrides: Readonly<Record<string, ModelInfo>> = {},
  ) {
    const wanted = new Set<string>();
    for (const kind of kinds) {
      wanted.add(kind);
      // An Azure or OpenAI-compatible deployment often serves OpenAI's models.
      for (const other of kindFacts(kind)?.catalogueAlso ?? []) wanted.add(other);
    }
    this.ready = Promise.all(
      [...wanted].filter((kind) => kindFacts(kind)?.modelsDev).map((kind) => this.load(kind)),
    ).then(() => {
      this.loaded = true;
    });
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** Facts for a model served by `provider`; `alias` is the name the caller used, if different. */
  lookup(provider: Provider, model: string, alias?: string): ModelFacts | undefined {
    const key = `${provider.id}\u0000${model}\u0000${alias ?? ''}`;
    if (this.memo.has(key)) return this.memo.get(key);
    const facts = this.find(provider, model, alias);
    if (this.loaded) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.delete(this.memo.keys().next().value!);
      this.memo.set(key, facts);
    }
    return facts;
  }

  private find(provider: Provider, model: string, alias?: string): ModelFacts | undefined {
    const known = this.fromCatalogue(provider.kind, model) ?? this.fromCatalogue(familyKindOf(model), model);
    const override =
      ownValue(this.overrides, `${provider.id}/${model}`) ??
      (alias !== undefined ? ownValue(this.overrides, alias) : undefined) ??
      ownValue(this.overrides, model);
    if (!override) return known;
    return { ...known, ...definedOnly(override) };
  }

  private fromCatalogue(kind: string | undefined, model: string): ModelFacts | undefined {
    const models = kind ? this.byKind.get(kind) : undefined;
    if (!models) return undefined;
    const entry = ownValue(models, model) ?? ownValue(models, model.replace(/-\d{4}-\d{2}-\d{2}$/, ''));
    if (!entry) return undefined;
    const input = entry.modalities?.input;
    return {
      contextWindow: entry.limit?.context || undefined,
      maxOutputTokens: entry.limit?.output || undefined,
      tools: entry.tool_call,
      images: input ? input.includes('image') : undefined,
    };
  }

  private async load(kind: string): Promise<void> {
    try {
      const module = (await import(`tokenlens/providers/${kindFacts(kind)!.modelsDev}`)) as Record<
        string,
        ModelsDevProvider
      >;
      const data = Object.values(module).find(
        (value) => typeof value === 'object' && value !== null && 'models' in value,
      );
      if (data?.models) this.byKind.set(kind, data.models);
    } catch {
      // No catalogue data for this kind: its models are simply unknown.
    }
  }
}

function definedOnly(info: ModelInfo): ModelFacts {
  const facts: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) if (value !== undefined) facts[key] = value;
  return facts as ModelFacts;
}
