/**
 * AWS Bedrock through the Converse and ConverseStream APIs, and InvokeModel for embeddings, signed
 * with SigV4 (or a Bedrock API key as a bearer token). Pure translation: the shared transport sends what `buildRequest` returns.
 */
import { providerNotConfigured } from '../../errors.js';
import { encodePathSegment, pathSegment } from '../kit/path-segment.js';
import type { Provider, ProviderCall } from '../types.js';
import type { UpstreamRequest } from '../../transport/types.js';
import { convertEmbeddingsRequest, convertEmbeddingsResponse, splitEmbeddingsCall } from './convert-embeddings.js';
import { convertRequest } from './convert-request.js';
import { convertResponse } from './convert-response.js';
import { createBedrockStreamTranslator } from './convert-stream.js';
import { parseBedrockError } from './errors.js';
import { bedrockEventStreamDecoder } from './event-stream-decoder.js';
import { signRequest, type AwsCredentials } from './sign-request.js';

export interface BedrockSettings {
  id: string;
  /** e.g. `us-east-1`: names the endpoint and the SigV4 credential scope. */
  region?: string;
  /** Overrides `https://bedrock-runtime.{region}.amazonaws.com` (a VPC endpoint, a proxy, a test server). */
  baseURL?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** For temporary credentials (STS). */
  sessionToken?: string;
  /** A Bedrock API key, sent as `Authorization: Bearer`; used instead of SigV4 when set. */
  apiKey?: string;
  headers?: Record<string, string>;
  models?: readonly string[];
  /** The clock that dates signatures (tests pin it). */
  now?: () => Date;
}

/** Path labels are percent-encoded whole: `:` and `/` of model ids and ARNs included (RFC 3986). */
export const encodeModelId = encodePathSegment;

export function bedrockProvider(settings: BedrockSettings): Provider {
  const suffix = settings.region?.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const base = (settings.baseURL ?? `https://bedrock-runtime.${settings.region}.${suffix}`).replace(/\/+$/, '');
  const credentials: AwsCredentials | undefined =
    settings.accessKeyId && settings.secretAccessKey
      ? {
          accessKeyId: settings.accessKeyId,
          secretAccessKey: settings.secretAccessKey,
          sessionToken: settings.sessionToken || undefined,
        }
      : undefined;
  const secrets = [settings.secretAccessKey, settings.sessionToken, settings.apiKey].filter(
    (value): value is string => typeof value === 'string' && value.length > 0,
  );
  const now = settings.now ?? (() => new Date());
  const signingKeys = new Map<string, ArrayBuffer>();

  /** The model id or ARN as the one `{modelId}` label; an ARN's `/` is encoded, a dot segment refused. */
  const modelLabel = (model: string) => pathSegment(model, { providerId: settings.id, slashInside: true });

  function buildRequest(call: ProviderCall): UpstreamRequest {
    if (!settings.apiKey && !credentials) {
      throw providerNotConfigured(settings.id, 'AWS credentials or Bedrock API key');
    }
    if (call.operation === 'embeddings') return buildEmbeddingsRequest(call);
    const { body, droppedParams } = convertRequest(settings.id, call.model, call.body, call.strictParams);
    const headers: Record<string, string> = {
      ...settings.headers,
      'content-type': 'application/json',
      accept: call.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    };
    if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
    return {
      url: `${base}/model/${modelLabel(call.model)}/${call.stream ? 'converse-stream' : 'converse'}`,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      droppedParams: droppedParams.length ? droppedParams : undefined,
    };
  }

  /** InvokeModel with the model family's own body (convert-embeddings.ts). */
  function buildEmbeddingsRequest(call: ProviderCall): UpstreamRequest {
    const { body, droppedParams } = convertEmbeddingsRequest(settings.id, call);
    const headers: Record<string, string> = {
      ...settings.headers,
      'content-type': 'application/json',
      accept: 'application/json',
    };
    if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
    return {
      url: `${base}/model/${modelLabel(call.model)}/invoke`,
      method: 'POST',
      headers,
      body: JSON.stringify(body),
      droppedParams: droppedParams.length ? droppedParams : undefined,
    };
  }

  /** SigV4 (when no API key is set): dated now, so each attempt is signed afresh. */
  async function signWithSigV4(request: UpstreamRequest): Promise<UpstreamRequest> {
    if (signingKeys.size > 4) signingKeys.clear(); // one derived key per day is all that is reused
    const input = { url: request.url, method: request.method, headers: request.headers, body: request.body ?? '' };
    return { ...request, headers: await signRequest(input, credentials!, settings.region!, now(), signingKeys) };
  }

  return {
    id: settings.id,
    kind: 'bedrock',
    models: settings.models ?? [],
    streamUsage: 'always',
    translates: ['chat', 'embeddings'],
    secrets,
    buildRequest,
    signRequest: settings.apiKey || !credentials ? undefined : signWithSigV4,
    parseError: parseBedrockError,
    splitCall: (call) => splitEmbeddingsCall(settings.id, call),
    convertResponse: (call, json) =>
      call.operation === 'embeddings'
        ? convertEmbeddingsResponse(settings.id, call, json)
        : convertResponse(settings.id, call.model, json),
    createStreamTranslator: (call) => createBedrockStreamTranslator(settings.id, call.model),
    createStreamDecoder: (options) => bedrockEventStreamDecoder(settings.id, options.maxEventBytes),
  };
}
