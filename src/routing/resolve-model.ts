/**
 * Model routing: an alias from `options.models`, an explicit `provider/model`, a name a provider
 * lists in its `models`, or a well-known family (`gpt-*` → openai), in that order.
 */
import { modelNotFound } from '../errors.js';
import type { ModelAlias } from '../options.js';
import { kindFacts } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { familyKindOf } from './model-families.js';

export interface RouteTarget {
  /** The provider that serves it. */
  provider: Provider;
  /** The model name sent upstream. */
  model: string;
  /** The alias the target came from, if any. */
  alias?: string;
  /** Parameter defaults of the alias. */
  params?: Record<string, unknown>;
  /** The alias's own fallbacks. */
  fallbacks?: readonly string[];
}

/** Names remembered; past this many the memo starts over (callers may send any `provider/model`). */
const MEMO_SIZE = 1_024;

export class ModelResolver {
  /** The configuration never changes after createGateway, so a name always resolves the same way. */
  private readonly memo = new Map<string, Readonly<RouteTarget> | null>();

  constructor(
    private readonly providers: ReadonlyMap<string, Provider>,
    private readonly aliases: Readonly<Record<string, ModelAlias>> = {},
  ) {}

  /** The target a name routes to; shared and frozen, so copy it to change it. */
  resolve(name: string): Readonly<RouteTarget> | undefined {
    let target = this.memo.get(name);
    if (target === undefined) {
      const found = this.resolveWithin(name, new Set());
      target = found ? Object.freeze(found) : null;
      if (this.memo.size >= MEMO_SIZE) this.memo.clear();
      this.memo.set(name, target);
    }
    return target ?? undefined;
  }

  /** Like `resolve`, but a miss is a 404 that says how to configure the model. */
  require(name: string, param = 'model'): Readonly<RouteTarget> {
    const target = this.resolve(name);
    if (!target) throw modelNotFound(name, this.hint(), param);
    return target;
  }

  hint(): string {
    const ids = [...this.providers.keys()];
    const providerText = ids.length ? `one of the configured providers (${ids.join(', ')})` : 'a configured provider';
    return `Use \`provider/model\` with ${providerText}, or add the model under \`models\` in the createGateway options.`;
  }

  private resolveWithin(name: string, visiting: Set<string>): RouteTarget | undefined {
    const alias = Object.hasOwn(this.aliases, name) ? this.aliases[name] : undefined;
    if (alias && !visiting.has(name)) {
      visiting.add(name);
      const target = this.resolveWithin(alias.target, visiting);
      return (
        target && {
          ...target,
          alias: name,
          params: { ...target.params, ...alias.params },
          fallbacks: alias.fallbacks ?? target.fallbacks,
        }
      );
    }
    const slash = name.indexOf('/');
    if (slash > 0) {
      const provider = this.providers.get(name.slice(0, slash));
      if (provider && slash < name.length - 1) return { provider, model: name.slice(slash + 1) };
    }
    for (const provider of this.providers.values()) {
      if (provider.models.includes(name)) return { provider, model: name };
    }
    const kind = familyKindOf(name);
    if (kind) {
      for (const provider of this.providers.values()) {
        if (provider.kind === kind) return { provider, model: name };
      }
      // A kind that stands in for the family's own (Azure for OpenAI) serves it when that is not configured.
      for (const provider of this.providers.values()) {
        if (kindFacts(provider.kind)?.standsInFor === kind) return { provider, model: name };
      }
    }
    return undefined;
  }

  /** Every routable name, for `GET /models`. */
  listModels(): Array<{ id: string; owned_by: string }> {
    const seen = new Set<string>();
    const list: Array<{ id: string; owned_by: string }> = [];
    const add = (id: string, owner: string) => {
      if (!seen.has(id)) {
        seen.add(id);
        list.push({ id, owned_by: owner });
      }
    };
    for (const alias of Object.keys(this.aliases)) add(alias, 'modelgate');
    for (const provider of this.providers.values()) {
      for (const model of provider.models) add(model, provider.id);
    }
    for (const provider of this.providers.values()) {
      for (const model of provider.models) add(`${provider.id}/${model}`, provider.id);
    }
    return list;
  }
}
