/**
 * The parameter policy every translating provider follows (DESIGN.md §6): each OpenAI parameter is
 * `mapped` (the provider's converters translate it), `dropped` (left out and reported in
 * `x-modelgate-dropped-params` and the log, or refused under `strictParams`) or `refused` (always a
 * 400 that names it). Nothing is dropped silently and nothing is clamped. A provider writes its
 * table with `mapped` / `dropped` / `refused` and collects what a request loses in a `ParamReport`;
 * the wording of a refusal, its code and whether it falls back are the same for every provider.
 */
import { unsupported } from '../../errors.js';

export type ParamRule =
  | { handling: 'mapped'; to: string }
  | {
      handling: 'dropped';
      why: string;
      /** A value that asks for nothing the provider does not do anyway (`n: 1`, `store: false`): not reported. */
      harmless?: (value: unknown) => boolean;
    }
  | { handling: 'refused'; why: string };

/** A provider's parameters, one rule each; a parameter missing from it is dropped as unknown. */
export type ParamPolicy = Readonly<Record<string, ParamRule>>;

export const mapped = (to: string): ParamRule => ({ handling: 'mapped', to });
export const dropped = (why: string, harmless?: (value: unknown) => boolean): ParamRule => ({
  handling: 'dropped',
  why,
  harmless,
});
export const refused = (why: string): ParamRule => ({ handling: 'refused', why });

/** Who cannot honour a parameter, as a refusal names it. */
export interface ParamReportSource {
  /** `Anthropic`, `Google Gemini`, `AWS Bedrock`, ... */
  vendor: string;
  /** The provider's id under `options.providers`, when the converter knows it. */
  providerId?: string;
}

/** Collects what a request loses on its way to a provider, or refuses it under `strictParams`. */
export class ParamReport {
  readonly dropped: string[] = [];

  constructor(
    private readonly source: ParamReportSource,
    private readonly strict: boolean,
  ) {}

  /** Leaves `param` out and reports it; under `strictParams` refuses the request instead. */
  drop(param: string, why: string): void {
    if (this.strict)
      throw this.refusal(param, `${why}. Remove it, or turn off strictParams to have it dropped and reported`);
    if (!this.dropped.includes(param)) this.dropped.push(param);
  }

  /** Refuses the request whatever `strictParams` says: the provider never takes `param` this way. */
  refuse(param: string, why: string): never {
    throw this.refusal(param, why);
  }

  /**
   * Applies a policy to the request's top-level keys (the mapped ones are the converters' business).
   * `null` counts as absent, as OpenAI treats it; an unknown key is dropped with `unknownWhy`.
   */
  checkTopLevel(body: Readonly<Record<string, unknown>>, policy: ParamPolicy, unknownWhy: string): void {
    for (const key of Object.keys(body)) {
      const value = body[key];
      if (value === undefined || value === null) continue;
      const rule = Object.hasOwn(policy, key) ? policy[key] : undefined;
      if (!rule) this.drop(key, unknownWhy);
      else if (rule.handling === 'refused') this.refuse(key, rule.why);
      else if (rule.handling === 'dropped' && !rule.harmless?.(value)) this.drop(key, rule.why);
    }
  }

  /** A 400 `unsupported_parameter` naming the parameter; another model of the chain may honour it. */
  private refusal(param: string, why: string) {
    const { vendor, providerId } = this.source;
    const who = providerId === undefined ? vendor : `Provider \`${providerId}\` (${vendor})`;
    return unsupported('unsupported_parameter', `${who} cannot honour \`${param}\`: ${why}.`, param);
  }
}
