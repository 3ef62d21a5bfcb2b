/**
 * What happens to every OpenAI chat parameter on its way to Gemini, in one table. A parameter is
 * `mapped` (translated, see the target), `dropped` (left out and listed in the
 * `x-modelgate-dropped-params` header and the log; refused with a 400 under `strictParams`) or
 * `refused` (always a 400 that names it). Nothing is clamped: out-of-range values go upstream as
 * given and Gemini's own 400 reaches the client. A parameter missing from the table is dropped.
 * `null` counts as absent, as OpenAI treats it.
 */
import { dropped, mapped, ParamReport, refused, type ParamPolicy } from '../kit/param-policy.js';

const NO_EQUIVALENT = 'Gemini has no equivalent';

export const GEMINI_PARAM_POLICY: ParamPolicy = {
  model: mapped('the URL: `models/{model}:generateContent` (or `:streamGenerateContent?alt=sse`)'),
  messages: mapped(
    '`systemInstruction` (system and developer messages) and `contents` (user, assistant → model, tool → functionResponse)',
  ),
  stream: mapped('the streaming endpoint'),
  stream_options: mapped(
    '`include_usage`: the final usage chunk (Gemini always reports usage; the gateway strips it when not asked)',
  ),
  temperature: mapped('`generationConfig.temperature`'),
  top_p: mapped('`generationConfig.topP`'),
  max_completion_tokens: mapped(
    '`generationConfig.maxOutputTokens` (thinking tokens count against it, as reasoning tokens do at OpenAI)',
  ),
  max_tokens: mapped('`generationConfig.maxOutputTokens` (when `max_completion_tokens` is absent)'),
  n: mapped('`generationConfig.candidateCount`'),
  stop: mapped('`generationConfig.stopSequences`'),
  seed: mapped('`generationConfig.seed`'),
  presence_penalty: mapped('`generationConfig.presencePenalty` (some models refuse penalties with a 400)'),
  frequency_penalty: mapped('`generationConfig.frequencyPenalty` (some models refuse penalties with a 400)'),
  logprobs: mapped('`generationConfig.responseLogprobs`; `logprobsResult` comes back as `choices[].logprobs`'),
  top_logprobs: mapped('`generationConfig.logprobs`'),
  response_format: mapped(
    '`json_object` → `responseMimeType: application/json`; `json_schema` → the same plus `responseSchema` (schema sanitised)',
  ),
  tools: mapped('`tools[].functionDeclarations` (parameters sanitised); a tool of another type is refused (400)'),
  tool_choice: mapped(
    '`toolConfig.functionCallingConfig`: none → NONE, auto → AUTO, required → ANY, a named function → ANY + allowedFunctionNames, allowed_tools → ANY/VALIDATED + allowedFunctionNames',
  ),
  parallel_tool_calls: mapped("`true` is Gemini's behaviour; `false` is dropped (Gemini has no switch)"),
  reasoning_effort: mapped(
    "`generationConfig.thinkingConfig`: Gemini 3 → thinkingLevel (minimal/low/medium/high); Gemini 2.5 → thinkingBudget none 0, low 1024, medium 8192, high 24576 (Google's own OpenAI mapping); values a model family cannot express are dropped; thought summaries come back as `reasoning_content`",
  ),
  modalities: mapped('`["text"]` is the default; anything else is dropped'),
  // Extensions other OpenAI-compatible servers accept; mapped because Gemini has them.
  top_k: mapped('`generationConfig.topK` (extension)'),
  thinking: mapped(
    '`{type: "enabled", budget_tokens}` → `thinkingConfig.thinkingBudget`, `{type: "adaptive"}` → the dynamic budget (-1; Gemini 3 thinks dynamically by default), `{type: "disabled"}` → 0 (Anthropic-style extension; wins over `reasoning_effort`)',
  ),

  user: dropped(NO_EQUIVALENT),
  safety_identifier: dropped(NO_EQUIVALENT),
  metadata: dropped(NO_EQUIVALENT),
  // `store: false` asks for what Gemini does anyway: nothing is lost, so nothing is reported.
  store: dropped(NO_EQUIVALENT, (value) => value === false),
  service_tier: dropped(NO_EQUIVALENT),
  prompt_cache_key: dropped('Gemini caches implicitly, or through its own cachedContent API'),
  prompt_cache_retention: dropped('Gemini caches implicitly, or through its own cachedContent API'),
  prompt_cache_options: dropped('Gemini caches implicitly, or through its own cachedContent API'),
  verbosity: dropped(NO_EQUIVALENT),
  logit_bias: dropped(NO_EQUIVALENT),
  prediction: dropped(NO_EQUIVALENT),
  web_search_options: dropped('Google Search grounding is a Gemini tool the gateway does not enable'),
  moderation: dropped(NO_EQUIVALENT),
  audio: dropped('audio output is not available on generateContent text models'),

  functions: refused('the deprecated `functions` API is not translated: use `tools`'),
  function_call: refused('the deprecated `function_call` API is not translated: use `tool_choice`'),
};

/** A report for one request; `providerId` names the provider in a refusal. */
export function geminiParamReport(strict: boolean, providerId?: string): ParamReport {
  return new ParamReport({ vendor: 'Google Gemini', providerId }, strict);
}

/** Applies the table to the top-level keys; the mapped ones are the converters' business. */
export function checkTopLevelParams(body: Record<string, unknown>, report: ParamReport): void {
  report.checkTopLevel(body, GEMINI_PARAM_POLICY, 'not an OpenAI chat parameter modelgate translates for Gemini');
}
