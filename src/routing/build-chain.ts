/**
 * The ordered list of deployments to try. Models come first from the request (its model, or a load
 * balance group in weighted order), then the request's fallbacks, the model's configured fallbacks
 * and the global fallbacks; each provider/model once. Excluded models and providers are left out
 * (and reported); each model expands into its deployments in weighted order, or into the caller's
 * own keys when it brought some.
 */
import { GatewayError, invalidRequest, modelNotFound } from '../errors.js';
import type { GatewayParams } from '../params/gateway-params.js';
import type { Provider } from '../providers/types.js';
import { weightedOrder, type DeploymentTable, type RequestKey } from './deployments.js';
import type { ModelResolver, RouteTarget } from './resolve-model.js';

export interface ChainTarget extends RouteTarget {
  /** The name as written by the caller or the configuration. */
  requested: string;
  /** The deployment: `openai`, `openai/<endpoint>`, or `openai/customer` for a caller's key. */
  deployment: string;
  /** Position of the model in the chain; the deployments of one model share it. */
  modelIndex: number;
  /** Served with a key the caller brought: not shared with other requests (no health tracking). */
  callerKey: boolean;
}

/** A model left out before any attempt, and why (it goes into the log's attempts). */
export interface SkippedTarget {
  provider: string;
  model: string;
  deployment: string | null;
  reason: 'unroutable' | 'excluded' | 'capability' | 'cooldown';
  message: string;
}

export interface RoutingConfig {
  resolver: ModelResolver;
  deployments: DeploymentTable;
  groups: Readonly<Record<string, { models: ReadonlyArray<{ model: string; weight?: number }> }>>;
  globalFallbacks: readonly string[];
  allowCustomerCredentials: boolean;
  random?: () => number;
}

export interface BuiltChain {
  chain: ChainTarget[];
  skipped: SkippedTarget[];
  /** The load balance group used, if any. */
  group: string | null;
}

interface ModelEntry {
  name: string;
  target: RouteTarget;
  credentials?: { api_key: string };
}

/** Adds a model unless the same provider/model is already in (a linear scan: chains are short). */
function addModel(
  entries: ModelEntry[],
  name: string,
  target: RouteTarget | undefined,
  credentials?: { api_key: string },
): void {
  if (!target) return;
  for (const entry of entries)
    if (entry.target.provider === target.provider && entry.target.model === target.model) return;
  entries.push({ name, target, credentials });
}

interface Candidate {
  name: string;
  weight: number;
  credentials?: { api_key: string };
}

export function buildChain(config: RoutingConfig, model: string | undefined, params: GatewayParams): BuiltChain {
  const { resolver } = config;
  const random = config.random ?? Math.random;
  const { candidates, group } = firstModels(config, model, params);
  checkCredentialsAllowed(config, params, candidates);

  const targets: ModelEntry[] = [];
  const skipped: SkippedTarget[] = [];
  const ordered = candidates.length > 1 ? weightedOrder(candidates, random) : candidates;
  // With fallbacks of its own, a request whose model cannot be routed goes on to them (as at Keywords AI).
  const mayGoOn = group === null && Boolean(params.fallback_models?.length || params.models?.length);
  for (const candidate of ordered) {
    const target = mayGoOn
      ? resolver.resolve(candidate.name)
      : resolver.require(candidate.name, group ? 'load_balance_group' : 'model');
    if (target) addModel(targets, candidate.name, target, candidate.credentials);
    else skipped.push(unroutable(candidate.name, modelNotFound(candidate.name, resolver.hint()).message));
  }
  for (const name of params.fallback_models ?? []) addModel(targets, name, resolver.require(name, 'fallback_models'));
  for (const name of params.models ?? []) addModel(targets, name, resolver.require(name, 'fallback_models'));
  for (const name of targets[0]?.target.fallbacks ?? []) addModel(targets, name, resolver.resolve(name));
  for (const name of config.globalFallbacks) addModel(targets, name, resolver.resolve(name));

  const chain: ChainTarget[] = [];
  let modelIndex = skipped.length; // a fallback after a model that could not be routed is still a fallback
  for (const { name, target, credentials } of targets) {
    const why = exclusionOf(name, target, params);
    if (why) {
      skipped.push({
        provider: target.provider.id,
        model: target.model,
        deployment: null,
        reason: 'excluded',
        message: why,
      });
      modelIndex++;
      continue;
    }
    const keys = requestKeys(name, target, params, credentials);
    const deployments = keys
      ? config.deployments.withKeys(target.provider, keys)
      : config.deployments.of(target.provider);
    for (const deployment of deployments.length > 1 ? weightedOrder(deployments, random) : deployments) {
      chain.push({
        provider: deployment.provider,
        model: target.model,
        alias: target.alias,
        params: target.params,
        fallbacks: target.fallbacks,
        requested: name,
        deployment: deployment.id,
        modelIndex,
        callerKey: keys !== undefined,
      });
    }
    modelIndex++;
  }
  if (!chain.length) {
    throw invalidRequest(
      `No model is left to serve this request: ${skipped.map((skip) => skip.message).join('; ')}.`,
      params.exclude_providers ? 'exclude_providers' : 'exclude_models',
      'no_model_available',
    );
  }
  return { chain, skipped, group };
}

function firstModels(
  config: RoutingConfig,
  model: string | undefined,
  params: GatewayParams,
): { candidates: Candidate[]; group: string | null } {
  const fromList = (list: ReadonlyArray<{ model: string; weight?: number; credentials?: { api_key: string } }>) =>
    list.map((entry) => ({ name: entry.model, weight: entry.weight ?? 1, credentials: entry.credentials }));
  // As with Keywords AI, an explicit model wins over a load balance group, unless it names one.
  if (model) {
    if (Object.hasOwn(config.groups, model) && !config.resolver.resolve(model))
      return { candidates: fromList(config.groups[model].models), group: model };
    return { candidates: [{ name: model, weight: 1 }], group: null };
  }
  const requested = params.load_balance_group;
  if (requested) {
    if (requested.models) return { candidates: fromList(requested.models), group: requested.group_id };
    if (!Object.hasOwn(config.groups, requested.group_id)) {
      const known = Object.keys(config.groups);
      throw new GatewayError({
        status: 404,
        type: 'invalid_request_error',
        code: 'load_balance_group_not_found',
        param: 'load_balance_group.group_id',
        message: `The load balance group \`${requested.group_id}\` is not configured. ${known.length ? `Known groups: ${known.join(', ')}.` : 'Add it under `loadBalanceGroups` in the createGateway options, or send its `models`.'}`,
      });
    }
    return { candidates: fromList(config.groups[requested.group_id].models), group: requested.group_id };
  }
  const legacy = params.load_balance_models ?? params.loadbalance_models;
  if (legacy) return { candidates: fromList(legacy), group: 'load_balance_models' };
  throw invalidRequest(
    'You must provide a model parameter (a non-empty string) or a load_balance_group.',
    'model',
    'missing_model',
  );
}

/** A requested model no provider serves; `provider` is empty since none could be named. */
function unroutable(name: string, message: string): SkippedTarget {
  return { provider: '', model: name, deployment: null, reason: 'unroutable', message };
}

function checkCredentialsAllowed(config: RoutingConfig, params: GatewayParams, candidates: readonly Candidate[]): void {
  if (config.allowCustomerCredentials) return;
  const used = params.customer_credentials
    ? 'customer_credentials'
    : params.credential_override
      ? 'credential_override'
      : candidates.some((candidate) => candidate.credentials)
        ? 'load_balance_group.models[].credentials'
        : undefined;
  if (used) {
    throw new GatewayError({
      status: 403,
      code: 'customer_credentials_not_allowed',
      param: used,
      message: `This gateway does not accept provider keys from callers (\`${used}\`). Its operator can allow them with \`allowCustomerCredentials: true\`.`,
    });
  }
}

/** A caller's own keys for this target, most specific first: the group entry, the model, the provider. */
function requestKeys(
  name: string,
  target: RouteTarget,
  params: GatewayParams,
  groupCredentials?: { api_key: string },
): RequestKey[] | undefined {
  if (groupCredentials) return [{ apiKey: groupCredentials.api_key, label: 'group-credentials' }];
  const override = params.credential_override;
  if (override) {
    const entry =
      lookup(override, name) ??
      lookup(override, `${target.provider.id}/${target.model}`) ??
      lookup(override, target.model);
    if (entry) return [{ apiKey: entry.api_key, label: 'credential-override' }];
  }
  const customer = params.customer_credentials;
  if (!customer) return undefined;
  if (!Array.isArray(customer)) {
    const entry = lookup(customer, target.provider.id);
    return entry ? [{ apiKey: entry.api_key, label: 'customer' }] : undefined;
  }
  const keys: RequestKey[] = [];
  customer.forEach((deployment, index) => {
    const entry = lookup(deployment.credentials, target.provider.id);
    if (entry) keys.push({ apiKey: entry.api_key, label: `customer-${index + 1}`, weight: deployment.weight });
  });
  return keys.length ? keys : undefined;
}

function lookup<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function exclusionOf(name: string, target: RouteTarget, params: GatewayParams): string | undefined {
  const provider: Provider = target.provider;
  if (params.exclude_providers?.includes(provider.id))
    return `${provider.id}/${target.model} is excluded by exclude_providers`;
  const models = params.exclude_models;
  if (
    models &&
    (models.includes(name) || models.includes(target.model) || models.includes(`${provider.id}/${target.model}`))
  ) {
    return `${provider.id}/${target.model} is excluded by exclude_models`;
  }
  return undefined;
}
