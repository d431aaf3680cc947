// Renders every page of the compiled app to dist/html/<path>/index.html and
// loads every route module, so `npm run build` fails when a page throws or a
// module cannot be loaded. Run after tsc (see "build" in package.json).
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
const { scanApp, urlPath, isDynamic } = require(path.join(dist, "router.js"));
const { toHtml } = require(path.join(dist, "lib", "jsx.js"));

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const failures = [];
let pages = 0;
let routes = 0;

function describe(err) {
  return err instanceof Error ? err.message : String(err);
}

for (const entry of scanApp(path.join(dist, "app"))) {
  const shown = urlPath(entry.segments);
  let mod;
  try {
    mod = require(entry.file);
  } catch (err) {
    failures.push(`${shown}: cannot load ${path.relative(root, entry.file)}: ${describe(err)}`);
    continue;
  }

  if (entry.kind === "route") {
    if (!HTTP_METHODS.some((m) => typeof mod[m] === "function")) {
      failures.push(`${shown}: route module exports no HTTP method handler (GET, POST, PATCH, DELETE, ...)`);
    }
    routes++;
    continue;
  }

  if (typeof mod.default !== "function") {
    failures.push(`${shown}: page module has no default export`);
    continue;
  }
  let paramSets = [{}];
  if (entry.segments.some(isDynamic)) {
    if (typeof mod.generateStaticParams !== "function") continue; // rendered on request only
    paramSets = await mod.generateStaticParams();
  }
  for (const params of paramSets) {
    const url = urlPath(entry.segments, params);
    try {
      const html = toHtml(await mod.default({ params, searchParams: {} }));
      const out = path.join(dist, "html", url, "index.html");
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, html);
      pages++;
    } catch (err) {
      failures.push(`${url}: render failed: ${describe(err)}`);
    }
  }
}

if (failures.length > 0) {
  for (const failure of failures) console.error(`error: ${failure}`);
  console.error(`render failed: ${failures.length} error(s)`);
  process.exit(1);
}
console.log(`rendered ${pages} pages and loaded ${routes} routes into dist/html`);
