/**
 * `gen_ai.provider.name` (OpenTelemetry GenAI semantic conventions) of the provider kinds that have
 * a well-known value; a kind not listed is named by itself. Kept here: only src/providers/ names kinds.
 */
export const GEN_AI_PROVIDER_NAMES: Readonly<Record<string, string>> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  google: 'gcp.gemini',
  bedrock: 'aws.bedrock',
  groq: 'groq',
  mistral: 'mistral_ai',
  deepseek: 'deepseek',
  xai: 'x_ai',
  perplexity: 'perplexity',
};
