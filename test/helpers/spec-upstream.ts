/**
 * A loopback upstream that answers like OpenAI's API as its OpenAPI spec describes it: it finds the
 * operation a request names (method and path template), validates a JSON body strictly against the
 * operation's schema and a multipart body's field names against its form schema, and answers a
 * 404 / 400 in OpenAI's shape when the request is not one the API would take. Valid requests get
 * a placeholder answer in the operation's own content type (JSON, or bytes for downloads).
 */
import type { ValidateFunction } from 'ajv/dist/2020.js';
import type { ServerResponse } from 'node:http';
import { openAIAjv as ajv, openAISpec as spec } from './openai-spec-document.js';
import type { ReceivedRequest } from './upstream.js';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export interface SpecOperation {
  method: string;
  /** The spec's path template, e.g. `/files/{file_id}`. */
  template: string;
  operationId: string;
  group: string;
  jsonSchema?: string;
  multipart?: { properties: string[]; required: string[] };
  /** The success answer's content type (JSON unless the operation downloads bytes). */
  answers: string;
}

const pointer = (...parts: string[]) => parts.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function operations(): Array<SpecOperation & { pattern: RegExp; params: number }> {
  const list: Array<SpecOperation & { pattern: RegExp; params: number }> = [];
  for (const [template, item] of Object.entries<Record<string, any>>(spec.paths)) {
    if (template.includes('?')) continue; // `?beta=true` copies of the same operations
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const content = operation.requestBody?.content ?? {};
      const form = content['multipart/form-data']?.schema;
      const formSchema = form?.$ref ? resolve(form.$ref) : form;
      const success = operation.responses?.['200'] ?? operation.responses?.['201'] ?? {};
      const types = Object.keys(success.content ?? {});
      list.push({
        method: method.toUpperCase(),
        template,
        operationId: operation.operationId,
        group: operation['x-oaiMeta']?.group ?? template.split('/')[1],
        jsonSchema: content['application/json']
          ? `openai#/${pointer('paths', template, method, 'requestBody', 'content', 'application/json', 'schema')}`
          : undefined,
        multipart: formSchema
          ? { properties: Object.keys(formSchema.properties ?? {}), required: formSchema.required ?? [] }
          : undefined,
        answers: types.includes('application/json') || types.length === 0 ? 'application/json' : types[0],
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        params: (template.match(/\{/g) ?? []).length,
      });
    }
  }
  // A literal segment wins over a parameter (`/videos/characters` is not `/videos/{video_id}`).
  return list.sort((a, b) => a.params - b.params);
}

function resolve(ref: string): any {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((node, key) => node[key.replace(/~1/g, '/').replace(/~0/g, '~')], spec);
}

const OPERATIONS = operations();
const validators = new Map<string, ValidateFunction>();

function strictValidator(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref, unevaluatedProperties: false });
    validators.set(ref, validate);
  }
  return validate;
}

/** Every operation of the spec outside the given path prefixes. */
export function specOperations(excluding: readonly string[] = []): SpecOperation[] {
  return OPERATIONS.filter((operation) => !excluding.some((prefix) => operation.template.startsWith(prefix)));
}

/** The operation a request names, or undefined; `problem` when the API would refuse its body. */
export function checkAgainstSpec(request: ReceivedRequest): { operation?: SpecOperation; problem?: string } {
  const path = request.url.replace(/^\/v1/, '').split('?')[0];
  const operation = OPERATIONS.find((candidate) => candidate.method === request.method && candidate.pattern.test(path));
  if (!operation) return { problem: `no operation ${request.method} ${path} in the spec` };
  const type = String(request.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    if (!operation.jsonSchema) return { operation, problem: `${operation.operationId} takes no JSON body` };
    const validate = strictValidator(operation.jsonSchema);
    if (!validate(request.body))
      return { operation, problem: `${operation.operationId}: ${JSON.stringify(validate.errors?.slice(0, 3))}` };
  } else if (type.startsWith('multipart/form-data')) {
    if (!operation.multipart) return { operation, problem: `${operation.operationId} takes no multipart body` };
    const fields = new Set(
      [...request.rawBody.matchAll(/Content-Disposition: form-data; name="([^"[]+)/gi)].map((m) => m[1]),
    );
    const unknown = [...fields].filter((field) => !operation.multipart!.properties.includes(field));
    const missing = operation.multipart.required.filter((field) => !fields.has(field));
    if (unknown.length || missing.length)
      return { operation, problem: `${operation.operationId}: unknown fields ${unknown}, missing ${missing}` };
  } else if (request.rawBody !== '' && request.method !== 'GET') {
    return { operation, problem: `${operation.operationId}: a body of type '${type}'` };
  }
  return { operation };
}

/** Answers as the API would: 404/400 in OpenAI's shape, else a placeholder in the operation's content type. */
export function answerLikeTheSpec(request: ReceivedRequest, response: ServerResponse): SpecOperation | undefined {
  const { operation, problem } = checkAgainstSpec(request);
  if (problem) {
    const status = operation ? 400 : 404;
    const text = JSON.stringify({
      error: { message: problem, type: 'invalid_request_error', param: null, code: null },
    });
    response.writeHead(status, { 'content-type': 'application/json' }).end(text);
    return operation;
  }
  if (operation!.answers !== 'application/json') {
    response.writeHead(200, { 'content-type': operation!.answers }).end(Buffer.from([0, 1, 2, 255]));
  } else {
    const text = JSON.stringify({
      id: 'obj_1',
      object: 'list',
      data: [],
      has_more: false,
      first_id: null,
      last_id: null,
    });
    response.writeHead(200, { 'content-type': 'application/json' }).end(text);
  }
  return operation;
}
