import http from "node:http";
import path from "node:path";
import { spawn } from "node:child_process";
import { matchRoute, matchesMatcher, scanApp, type RouteEntry } from "./router";
import type { toHtml } from "./lib/jsx";

// A small HTTP server for the compiled app (dist/). Pages are modules whose
// default export returns JSX (or an HTML string); route handlers are modules
// exporting GET/POST/PUT/PATCH/DELETE(request, { params }) => Response.
// `--dev` recompiles on change (tsc --watch) and reloads modules per request.

const DEV = process.argv.includes("--dev");
const PORT = Number(process.env.PORT ?? 3000);
const distDir = __dirname;
const appDir = path.join(distDir, "app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

type Middleware = {
  middleware?: (request: Request) => Response | undefined | Promise<Response | undefined>;
  config?: { matcher?: string[] };
};

function load<T>(file: string): T {
  return require(file) as T;
}

function freshRoutes(): RouteEntry[] {
  if (DEV) {
    for (const key of Object.keys(require.cache)) {
      if (key.startsWith(distDir) && key !== __filename) delete require.cache[key];
    }
  }
  return scanApp(appDir);
}

let cachedRoutes: RouteEntry[] | undefined;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function toRequest(req: http.IncomingMessage, body: Buffer): Request {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) value.forEach((v) => headers.append(key, v));
    else if (value !== undefined) headers.set(key, value);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD" && body.length > 0;
  return new Request(url, { method, headers, body: hasBody ? body : undefined });
}

async function send(res: http.ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") headers[key] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  res.writeHead(response.status, headers);
  res.end(Buffer.from(await response.arrayBuffer()));
}

function page(status: number, title: string, detail: string): Response {
  const body = `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1><pre>${detail
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")}</pre></body></html>`;
  return new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const routes = DEV || !cachedRoutes ? (cachedRoutes = freshRoutes()) : cachedRoutes;

  const mw = load<Middleware>(path.join(distDir, "middleware.js"));
  const matchers = mw.config?.matcher ?? [];
  if (mw.middleware && matchers.some((m) => matchesMatcher(m, url.pathname))) {
    const early = await mw.middleware(request);
    if (early) return early;
  }

  const match = matchRoute(routes, url.pathname);
  if (!match) return page(404, "404 Not Found", url.pathname);
  const mod = load<Record<string, unknown>>(match.entry.file);

  if (match.entry.kind === "route") {
    const handler = mod[request.method];
    if (typeof handler !== "function") {
      const allow = METHODS.filter((m) => typeof mod[m] === "function").join(", ");
      return new Response(null, { status: 405, headers: { Allow: allow } });
    }
    const result = await handler(request, { params: match.params });
    if (!(result instanceof Response)) throw new Error(`${request.method} ${url.pathname} did not return a Response`);
    return result;
  }

  if (request.method !== "GET" && request.method !== "HEAD") return new Response(null, { status: 405 });
  const render = mod.default;
  if (typeof render !== "function") throw new Error(`${match.entry.file} has no default export`);
  const searchParams = Object.fromEntries(url.searchParams);
  const jsx = load<{ toHtml: typeof toHtml }>(path.join(distDir, "lib", "jsx.js"));
  const html = jsx.toHtml(await render({ params: match.params, searchParams }));
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

const server = http.createServer(async (req, res) => {
  const started = Date.now();
  let status = 500;
  try {
    const request = toRequest(req, await readBody(req));
    let response: Response;
    try {
      response = await handle(request);
    } catch (err) {
      const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
      console.error(detail);
      response = page(500, "500 Internal Server Error", DEV ? detail : "");
    }
    status = response.status;
    await send(res, response);
  } catch (err) {
    console.error(err);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
  console.log(`${req.method} ${req.url} ${status} ${Date.now() - started}ms`);
});

if (DEV) {
  const tsc = require.resolve("typescript/bin/tsc");
  const watcher = spawn(process.execPath, [tsc, "-p", "tsconfig.json", "--watch", "--preserveWatchOutput"], {
    stdio: "inherit",
  });
  const stop = () => {
    watcher.kill();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

server.listen(PORT, process.env.HOST, () => {
  console.log(`blog listening on http://localhost:${PORT}${DEV ? " (dev: recompiling on change)" : ""}`);
});
