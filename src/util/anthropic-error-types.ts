/**
 * Anthropic's error types and the HTTP status each stands for (https://docs.anthropic.com/en/api/errors).
 * Read by both sides of Anthropic's wire format: the Anthropic provider (what an `error` event in a
 * 200 stream stands for) and the Anthropic route (which type an error of the gateway's answers as).
 */
export const ANTHROPIC_ERROR_STATUS: Readonly<Record<string, number>> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};
