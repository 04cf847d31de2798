import type { FastifyInstance, RouteOptions } from 'fastify';

interface RouteSchema {
  summary?: string;
  params?: { properties?: Record<string, unknown>; required?: string[] };
  querystring?: { properties?: Record<string, unknown>; required?: string[] };
  body?: { content?: Record<string, { schema: unknown }> } & Record<string, unknown>;
  response?: Record<string, unknown>;
  /** Content types of a route that does not answer JSON (fastify ignores the key; the document uses it). */
  produces?: string[];
  /** Content types of a body the route reads itself, unvalidated (a provider's signed payload). */
  consumes?: string[];
  /** Overrides the bearer requirement every /v1 route has (a provider's webhook signs instead). */
  security?: unknown[];
}

const STATUS_TEXT: Record<string, string> = {
  200: 'OK', 202: 'Accepted', 400: 'Bad request: the field named in details', 401: 'No or invalid token', 403: 'Token may not do this',
  404: 'Not found', 409: 'Conflicts with the current state', 413: 'Body larger than the limit',
};

const undocumentedByApp = new WeakMap<FastifyInstance, string[]>();

/** Routes an app registered without a schema, so not in its document: the dashboard's pages should be all. */
export function undocumentedRoutes(app: FastifyInstance): string[] {
  return [...new Set(undocumentedByApp.get(app) ?? [])];
}

/**
 * Builds the OpenAPI 3.1 document from the JSON schemas the routes declare: start collecting
 * before the routes are registered, read `document()` after. No extra package needed.
 */
export function collectOpenApi(app: FastifyInstance, info: { title: string; version: string }): { document: () => object } {
  const paths: Record<string, Record<string, unknown>> = {};
  const undocumented: string[] = [];
  undocumentedByApp.set(app, undocumented);
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as RouteSchema | undefined;
    if (route.url === '/openapi.json') return;
    if (!schema) {
      undocumented.push(route.url);
      return;
    }
    const path = route.url.replace(/:([A-Za-z_]+)/g, '{$1}');
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD');
    for (const method of methods) {
      const parameters = [
        ...Object.entries(schema.params?.properties ?? {}).map(([name, s]) => ({ name, in: 'path', required: true, schema: s })),
        ...Object.entries(schema.querystring?.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.querystring?.required?.includes(name) ?? false, schema: s })),
      ];
      const op: Record<string, unknown> = {
        summary: schema.summary,
        parameters,
        // a route that declares no 2xx answers 200 with what it says; one that declares 202 does not answer 200
        responses: Object.fromEntries(Object.entries({ ...(Object.keys(schema.response ?? {}).some((c) => c.startsWith('2')) ? {} : { 200: {} }), ...schema.response }).map(([code, s]) => [code, {
          description: STATUS_TEXT[code] ?? code,
          content: Object.fromEntries((code === '200' && schema.produces ? schema.produces : ['application/json']).map((type) => [type, { schema: s }])),
        }])),
      };
      if (schema.security) op.security = schema.security;
      else if (path.startsWith('/v1')) op.security = [{ bearer: [] }];
      if (!schema.body && schema.consumes) op.requestBody = { required: true, content: Object.fromEntries(schema.consumes.map((type) => [type, { schema: {} }])) };
      if (schema.body) {
        const content = schema.body.content
          ? Object.fromEntries(Object.entries(schema.body.content).map(([type, c]) => [type, { schema: c.schema }]))
          : { 'application/json': { schema: schema.body } };
        op.requestBody = { required: true, content };
      }
      (paths[path] ??= {})[method.toLowerCase()] = op;
    }
  });
  return {
    document: () => ({
      openapi: '3.1.0',
      info,
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      paths,
    }),
  };
}
