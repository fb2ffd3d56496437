// The API reference: every route of the edge app with its zod schemas (the ones the routes validate with, and the
// response schemas of api-responses.ts), turned into an OpenAPI 3.1 document served at GET /openapi.json and
// rendered into docs/api.md (`npm run docs:api`). A test checks the document with an OpenAPI validator and against
// the app's own route table: a route added without an entry here fails it.

import type { Hono } from "hono";
import { z } from "zod";
import * as R from "./api-responses.ts";
import { createExperimentSchema } from "./experiments.ts";
import { eventsBodySchema, recommendationRequestSchema, seedRequestSchema } from "./schemas.ts";
import { itemPutSchema } from "./routes-items.ts";

export type Role = "read" | "write" | "admin" | "none";

export interface RouteDoc {
  method: "get" | "post" | "put" | "delete";
  /** OpenAPI path, `{param}` style. */
  path: string;
  summary: string;
  role: Role;
  body?: z.ZodType | "binary";
  query?: Record<string, { schema: z.ZodType; description: string }>;
  ok: { status: number; schema: z.ZodType | "binary"; description: string };
  errors: number[];
}

const tenantRoutes = (role: Role) => (role === "none" ? [] : [400, 401, 403, 404]);

export const ROUTES: RouteDoc[] = [
  { method: "get", path: "/healthz", summary: "Liveness, ok or degraded (Redis/KV failing), and the loaded models (no tenant names)", role: "none", ok: { status: 200, schema: R.healthResponse, description: "alive" }, errors: [] },
  { method: "get", path: "/openapi.json", summary: "This reference (OpenAPI 3.1)", role: "none", ok: { status: 200, schema: z.object({ openapi: z.string() }).loose(), description: "the document" }, errors: [] },
  {
    method: "post",
    path: "/v1/tenants/{tenant}/recommendations",
    summary: "Recommendations for a user (trained vector, fold-in of recent items, a new user's `attributes` through the two-tower's cold-user head, or popular), re-ranked by the tenant's, the experiment arm's and the request's `ranking` settings",
    role: "read",
    body: recommendationRequestSchema,
    ok: { status: 200, schema: R.recommendationsResponse, description: "the list" },
    errors: [...tenantRoutes("read"), 413, 503],
  },
  {
    method: "get",
    path: "/v1/tenants/{tenant}/items/{id}/similar",
    summary: "Items similar to one item (nearest neighbours in the index)",
    role: "read",
    query: { count: { schema: z.number().int().min(1).max(100).default(10), description: "how many (1–100)" } },
    ok: { status: 200, schema: R.similarResponse, description: "the neighbours" },
    errors: [...tenantRoutes("read"), 503],
  },
  {
    method: "put",
    path: "/v1/tenants/{tenant}/items/{id}",
    summary:
      "Add or replace a catalogue item in the active version, live: metadata (title, categories, price, image, numbers, …) and an optional `vector` (the model's dimension); without one the item tower (two-tower models) or the mean of its categories' items gives it. Stored in the tenant's item overlay (at most 1000 changed ids) before it is applied; the next request on this host sees it, other isolates within ITEM_OVERLAY_TTL_SECONDS",
    role: "write",
    body: itemPutSchema,
    ok: { status: 200, schema: R.itemPutResponse, description: "replaced (201 when the id is new)" },
    errors: [...tenantRoutes("write"), 409, 413, 422, 503, 507],
  },
  {
    method: "delete",
    path: "/v1/tenants/{tenant}/items/{id}",
    summary: "Hide an item from every list (ranked, popular, filtered, similar); idempotent; a later PUT brings it back",
    role: "write",
    ok: { status: 200, schema: R.itemDeleteResponse, description: "deleted" },
    errors: [...tenantRoutes("write"), 409, 503],
  },
  {
    method: "post",
    path: "/v1/tenants/{tenant}/events",
    summary: "Events (view, click, cart, purchase, impression, conversion, …), 202 after a durable write; impressions feed rotation, the others the user's recent items. A publishable key may send one visitor's events, up to 50",
    role: "read",
    body: eventsBodySchema,
    ok: { status: 202, schema: R.eventsResponse, description: "written" },
    errors: [...tenantRoutes("read"), 413],
  },
  {
    method: "get",
    path: "/v1/tenants/{tenant}/artifacts/active/manifest.json",
    summary: "The active version's manifest (revalidated: Cache-Control no-cache)",
    role: "read",
    ok: { status: 200, schema: "binary", description: "manifest.json" },
    errors: tenantRoutes("read"),
  },
  {
    method: "get",
    path: "/v1/tenants/{tenant}/artifacts/{version}/{file}",
    summary: "An immutable artifact file (ETag = its SHA-256; user files are never served)",
    role: "read",
    ok: { status: 200, schema: "binary", description: "the file (304 on a matching If-None-Match)" },
    errors: tenantRoutes("read"),
  },
  {
    method: "put",
    path: "/v1/tenants/{tenant}/artifacts/{version}/{file}",
    summary: "Upload one file of a new version (manifest last; a version with a manifest is sealed)",
    role: "admin",
    body: "binary",
    ok: { status: 201, schema: R.uploadResponse, description: "stored" },
    errors: [...tenantRoutes("admin"), 409, 413],
  },
  {
    method: "post",
    path: "/v1/tenants/{tenant}/versions/{version}/activate",
    summary: "Verify and activate a version (activating `previous` rolls back)",
    role: "admin",
    ok: { status: 200, schema: R.activateResponse, description: "activated" },
    errors: [...tenantRoutes("admin"), 422],
  },
  {
    method: "get",
    path: "/v1/tenants/{tenant}/experiments",
    summary: "The tenant's A/B experiments (running and stopped)",
    role: "admin",
    ok: { status: 200, schema: R.experimentsResponse, description: "the experiments" },
    errors: tenantRoutes("admin"),
  },
  {
    method: "post",
    path: "/v1/tenants/{tenant}/experiments",
    summary: "Create and start an experiment: arms with weights, each a model version and/or ranking settings; users split by a salted hash",
    role: "admin",
    body: createExperimentSchema,
    ok: { status: 201, schema: R.experimentResponse, description: "running" },
    errors: [...tenantRoutes("admin"), 409],
  },
  {
    method: "post",
    path: "/v1/tenants/{tenant}/experiments/{id}/stop",
    summary: "Stop an experiment (kept for its report: `edgerec experiment report`)",
    role: "admin",
    ok: { status: 200, schema: R.experimentResponse, description: "stopped" },
    errors: [...tenantRoutes("admin"), 409],
  },
  {
    method: "post",
    path: "/internal/ml/recommendations",
    summary: "The seed service's contract (snake_case), kept for existing callers",
    role: "read",
    body: seedRequestSchema,
    ok: { status: 200, schema: R.seedResponse, description: "the list" },
    errors: [...tenantRoutes("read"), 413, 503],
  },
];

const STATUS_TEXT: Record<number, string> = { 400: "bad request (the message names the field)", 401: "no or malformed Authorization", 403: "key not valid for this tenant or role", 404: "unknown tenant, version, item or experiment", 405: "method not allowed", 409: "conflict", 413: "body too large", 422: "artifact refused, or an item that cannot be embedded", 503: "model unavailable", 507: "the live index has no room for more items" };

const jsonSchema = (s: z.ZodType, io: "input" | "output") => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return rest;
};

/** The OpenAPI 3.1 document of the edge API. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of ROUTES) {
    const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    for (const [name, q] of Object.entries(r.query ?? {})) params.push({ name, in: "query", required: false, schema: jsonSchema(q.schema, "input") as never, description: q.description } as never);
    const responses: Record<string, unknown> = {
      [r.ok.status]: {
        description: r.ok.description,
        content: r.ok.schema === "binary" ? { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } : { "application/json": { schema: jsonSchema(r.ok.schema, "output") } },
      },
    };
    for (const s of [...new Set([...r.errors, 405])]) responses[s] = { description: STATUS_TEXT[s] ?? "error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    const op: Record<string, unknown> = {
      summary: r.summary,
      operationId: `${r.method}${r.path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}`,
      parameters: params,
      responses,
      security: r.role === "none" ? [] : [{ bearer: [] }],
      "x-role": r.role,
    };
    if (r.body) {
      op.requestBody = {
        required: true,
        content: r.body === "binary" ? { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } } : { "application/json": { schema: jsonSchema(r.body, "input") } },
      };
    }
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: "3.1.0",
    info: { title: "edgerec edge API", version: "1", description: "Recommendations at the edge. Errors are `{\"error\": {\"code\", \"message\"}}`. Unknown request fields are 400 (except the seed route), a method a path does not take is 405 with Allow." },
    servers: [{ url: "/" }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "an API key: read (publishable), write or admin; roles nest" } },
      schemas: { Error: jsonSchema(R.errorResponse, "output") },
    },
  };
}

let cached: string | null = null;

export function openApiRoutes(app: Hono): void {
  app.get("/openapi.json", (c) => {
    cached ??= JSON.stringify(openApiDocument());
    return c.body(cached, 200, { "Content-Type": "application/json", "Cache-Control": "public, max-age=300", "Access-Control-Allow-Origin": "*" });
  });
}
