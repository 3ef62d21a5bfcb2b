/**
 * What the gateway knows about one route, in one record: the gateway, the engine, the traffic plan,
 * the cache and the log read it instead of branching on an operation name (DESIGN.md §10). A new
 * route is a new record (and, where providers translate it, converters), listed in `./index.ts`.
 */
import type { GatewayError } from '../errors.js';
import type { LogRecord } from '../logging/log-record.js';
import type { ChatCompletionChunk } from '../providers/openai-types.js';
import type { Operation, Provider } from '../providers/types.js';
import type { RequestNeeds } from '../routing/request-needs.js';
import type { ModelResolver } from '../routing/resolve-model.js';
import type { NormalizedUsage } from '../usage.js';

/** A route's id, the log record's `endpoint` (the public log type lists them). */
export type EndpointId = NonNullable<LogRecord['endpoint']>;

/** A route the engine serves from an upstream model (`POST /chat/completions`, `POST /embeddings`). */
export interface ModelEndpoint {
  readonly kind: 'model';
  /** The log record's `endpoint`. */
  readonly id: EndpointId;
  readonly method: 'POST';
  /** Below the mount, without `/v1` (which the gateway accepts for every route). */
  readonly path: string;
  /**
   * What the providers are asked to do (`ProviderCall.operation`); also the cache keys' namespace,
   * so it must not change for an existing route.
   */
  readonly operation: Operation;
  /** This route's body checks, after the common ones (`validateRequestBody`): a 400 naming the field. */
  validate(body: Record<string, unknown>): void;
  /** The field that holds the request's input: the log keeps it as `input`, the other fields as `params`. */
  readonly inputField: string;
  /** What the request needs from a model (capabilities, prompt size), for the catalogue and budget estimates. */
  needs(body: Record<string, unknown>): RequestNeeds;
  /** Whether the catalogue's capability facts (tools, images, context window) may leave a model out of the chain. */
  readonly checksCapabilities: boolean;
  /** Whether answers may be stored and served by the response cache. */
  readonly cacheable: boolean;
  /** The upstream error a successful-looking JSON body carries (some servers answer errors with 200), or undefined. */
  errorIn(body: Record<string, unknown>): unknown;
  /** The usage of an answer in this route's own wire format (what a pass-through upstream sends). */
  usageOf(body: Record<string, unknown>): NormalizedUsage | undefined;
  /** The log record's `output` for a JSON answer (fresh or cached). */
  logOutput(answer: Record<string, unknown>): unknown;
  /** How the route streams; undefined when it only answers JSON. */
  readonly stream?: StreamFormat;
  /**
   * How the route reaches a provider that does not speak it, through chat completions (which every
   * provider serves); undefined when such providers are refused the route.
   */
  readonly bridge?: ChatBridge;
  /**
   * Gateway parameter names that are this route's own request fields (Anthropic's `metadata`): in
   * the body they are forwarded; the gateway reads them from its nested objects and headers only.
   */
  readonly apiFields?: readonly string[];
  /** Client request headers (lower-case) forwarded to upstreams that take the route natively (`ProviderCall.headers`). */
  readonly forwardHeaders?: readonly string[];
  /** How this route's errors look; absent: OpenAI's `{ "error": {...} }`. */
  readonly errors?: ErrorShape;
  /**
   * The answer the gateway computes itself for a provider that does not serve the route (a token
   * count estimated without a tokenizer), instead of refusing it; the response says so in
   * `x-modelgate-estimate: true`. Absent: such providers are refused (400 `unsupported_operation`).
   */
  estimate?(body: Record<string, unknown>): Record<string, unknown>;
}

/**
 * How a route's errors look on the wire: the JSON body of an error response (the status is the
 * gateway's). A stream's error frame is its `StreamFormat.errorFrame`.
 */
export interface ErrorShape {
  /** `requestId`: the gateway's id of the request (`x-request-id`), for formats whose errors name it. */
  body(error: GatewayError, requestId: string): Record<string, unknown>;
}

/**
 * An inbound API as a converter pair around the same engine (DESIGN.md §10): the route's request
 * becomes a chat completions request, which every provider serves (as is or by its own
 * translation), and chat's answer, JSON or stream, becomes the route's. Pure and synchronous.
 */
export interface ChatBridge {
  /**
   * What the bridged call asks of the provider: `chat` (default), or `chat_tokens` for a bridge
   * that only counts a chat request's tokens, served by the providers that list it in `translates`.
   */
  readonly operation?: Operation;
  /**
   * The chat completions body for the route's body (gateway parameters already removed). The
   * engine sets `model`, `stream` and `stream_options` itself. Throws a 400 GatewayError naming
   * what chat cannot carry (a built-in tool, an unknown input item), which falls back.
   */
  toChat(body: Record<string, unknown>, target: BridgeTarget): Record<string, unknown>;
  /** The route's JSON answer from a chat completion in OpenAI's shape (what every provider's call returns). */
  fromChat(
    completion: Record<string, unknown>,
    request: Record<string, unknown>,
    target: BridgeTarget,
  ): Record<string, unknown>;
  /** One per stream: chat completion chunks in, the route's frames out. */
  createStream(request: Record<string, unknown>, target: BridgeTarget): BridgeStream;
}

/** The model a bridged request went to (the provider's kind tags state that only it can read back, e.g. signatures). */
export interface BridgeTarget {
  readonly providerId: string;
  readonly providerKind: string;
  /** The model as the provider knows it. */
  readonly model: string;
  /** Whether the gateway keeps this answer (the response store): the answer says so. */
  readonly kept?: boolean;
  /**
   * The provider serves chat by its own translation (Gemini, Bedrock), which reads the gateway's
   * extension fields (`thinking` with its exact budget, `top_k`); absent: the upstream takes chat
   * as is, OpenAI's fields only.
   */
  readonly translatesChat?: true;
}

/** One frame of a route's stream: its SSE `event:` name when the format names events, and its data. */
export interface StreamFrame {
  event?: string;
  data: string;
}

/** Turns one stream's chat chunks into the route's frames. Stateful, synchronous. */
export interface BridgeStream {
  /** The frames for one chunk; the usage chunk (empty `choices`, OpenAI-shaped `usage`) comes last, always. */
  push(chunk: ChatCompletionChunk): StreamFrame[];
  /** After the last chunk of a whole stream: the route's terminal frames (never called for a cut stream). */
  end(): StreamFrame[];
}

/** How a route's stream looks on the wire, and what the engine does with it. */
export interface StreamFormat {
  /** Whether the client asked for a stream. */
  requested(body: Record<string, unknown>): boolean;
  /** Whether the client asked for the usage in the stream (it is removed otherwise). */
  clientWantsUsage(body: Record<string, unknown>): boolean;
  /** The fields that make an upstream which reports usage only when asked (`streamUsage: 'request'`) report it. */
  askForUsage(body: Record<string, unknown>): Record<string, unknown>;
  /** How the pass-through relay reads an upstream stream in this format. */
  readonly passthrough: PassthroughRules;
  /** The log record's `output`, built payload by payload as the stream passes. */
  createOutputLog(): OutputLog;
  /** The text that ends a complete stream (after the request_breakdown frame, when asked). */
  readonly end: string;
  /**
   * The frame that ends a stream failing after its first content (never a silent close, DESIGN.md §4);
   * `lastPayload`: the last data the client had (a numbered format numbers the frame after it).
   */
  errorFrame(error: GatewayError, lastPayload: string | undefined): string;
  /** The request_breakdown frame; `firstPayload` (the stream's first data) lends it its id and model. */
  breakdownFrame(firstPayload: string | undefined, breakdown: { request_id: string; model: string | null }): string;
  /** The JSON answer a finished stream amounts to: what the cache stores. */
  answerFromStream(
    payloads: readonly string[],
    firstPayload: string | undefined,
    usage: NormalizedUsage | undefined,
  ): Record<string, unknown>;
  /** A cached JSON answer as a complete stream, `end` included; the usage only when `includeUsage`. */
  replay(answer: Record<string, unknown>, includeUsage: boolean): string;
}

/**
 * What the pass-through relay asks about each data payload of an upstream stream. The tests it runs
 * on every payload are plain data (a string, two patterns), so that the common payload costs no
 * more than it did when chat's rules were written into the relay; the functions run only on the
 * payloads those tests pick.
 */
export interface PassthroughRules {
  /** The payload that closes the stream, if the format has one; it is not relayed (the engine writes `end`). */
  readonly endMarker?: string;
  /** Text every error payload contains (chat: `"error"`): only those payloads, and `error` SSE events, go to `errorIn`. */
  readonly errorHint: string;
  /** The upstream error the payload carries, or undefined; an `error` SSE event always carries one. */
  errorIn(data: string, errorEvent: boolean): unknown;
  /** Matches the payloads that carry the usage (they go to `readUsage`). */
  readonly usage: RegExp;
  /**
   * The usage, and the payload to relay: as it came, without its usage (`strip`), or '' when nothing
   * else was in it. `known`: the usage read from earlier payloads, for formats that spread it over
   * several (Anthropic: the input in `message_start`, the output in `message_delta`).
   */
  readUsage(
    data: string,
    strip: boolean,
    providerId: string,
    known?: NormalizedUsage,
  ): { usage: NormalizedUsage | undefined; data: string };
  /** Matches a payload that shows the answer complete: a stream that ends after one, without the end marker, was not cut. */
  readonly complete: RegExp;
  /**
   * Matches the payloads that carry content: the response commits at the first one, so that an
   * error after a stream's preamble (Anthropic's `message_start`, `ping`) still falls back.
   * Absent: every data payload commits.
   */
  readonly content?: RegExp;
}

/** Builds the log record's output from a stream's payloads, without keeping them. */
export interface OutputLog {
  push(payload: string): void;
  value(): unknown;
}

/** What a local route reads to answer. */
export interface LocalContext {
  resolver: ModelResolver;
  /** `loadBalanceGroups`: their ids answer as model names. */
  groups: Readonly<Record<string, unknown>>;
  /** The request's query string (`?limit=20`), parsed. */
  query: URLSearchParams;
}

/** A route the gateway answers itself, without an upstream (`GET /models`). */
export interface LocalEndpoint {
  readonly kind: 'local';
  readonly id: EndpointId;
  readonly method: 'GET';
  readonly path: string;
  /** Whether `path/{item}` is served too (`GET /models/{model}`). */
  readonly hasItems: boolean;
  /** The JSON answer; `item` is the decoded `{item}` of `path/{item}`. Throws a GatewayError for a 4xx. */
  answer(context: LocalContext, item: string | undefined): Record<string, unknown>;
  /** How this route's errors look; absent: OpenAI's `{ "error": {...} }`. */
  readonly errors?: ErrorShape;
}

export type Endpoint = ModelEndpoint | LocalEndpoint;

/**
 * Whether a provider serves the route, and how; undefined when it does not:
 * - `native`: the upstream takes the route's body as is (`Provider.native`; by default every route
 *   for a provider without converters, which speaks OpenAI's wire format);
 * - `translated`: the provider's own converters (`Provider.translates`);
 * - `bridged`: through chat completions, by the route's `bridge`.
 * Refused providers get a 400 `unsupported_operation` before a request is built, which falls back.
 */
export function servingOf(endpoint: ModelEndpoint, provider: Provider): Serving | undefined {
  const converts = provider.convertResponse !== undefined || provider.createStreamTranslator !== undefined;
  if (provider.native ? provider.native.includes(endpoint.operation) : !converts) return 'native';
  if (provider.translates?.includes(endpoint.operation)) return 'translated';
  if (!endpoint.bridge) return undefined;
  const via = endpoint.bridge.operation;
  if (via !== undefined && via !== 'chat') return provider.translates?.includes(via) ? 'bridged' : undefined;
  const chat = provider.native ? provider.native.includes('chat') : !converts;
  return chat || provider.translates?.includes('chat') ? 'bridged' : undefined;
}

export type Serving = 'native' | 'translated' | 'bridged';
