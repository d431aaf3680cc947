// Requirement "client": the tag page mutates with fetch (PATCH and DELETE to
// /api/admin/tags) and refreshes in place, never with a full page reload.
import fs from "node:fs";
import path from "node:path";
import { checkout, compile, expect, finish, load, samplePosts, sourcesUnder } from "./support.mjs";

const NAME = "client";
if (!expect(fs.existsSync(path.join(checkout, "src", "app", "admin", "tags", "page.tsx")), "src/app/admin/tags/page.tsx does not exist")) {
  finish(NAME);
}

const out = compile(NAME);
samplePosts();
const page = load(NAME, path.join(out, "app", "admin", "tags", "page.js"), "src/app/admin/tags/page.tsx");
let html = "";
try {
  html = String(await page.default({ params: {}, searchParams: {} }));
} catch (err) {
  expect(false, `rendering the page threw: ${err instanceof Error ? err.message : err}`);
}

// What the browser can run: the rendered page plus the client code beside it.
const client = html + "\n" + sourcesUnder(["src/app/admin/tags", "src/components", "public"]);
expect(/\bfetch\s*\(/.test(client), "no fetch( call in the page or its client code");
expect(client.includes("/api/admin/tags"), "the client code never calls /api/admin/tags");
expect(/["'`]PATCH["'`]/.test(client), 'no fetch with method "PATCH"');
expect(/["'`]DELETE["'`]/.test(client), 'no fetch with method "DELETE"');
expect(!/location\s*\.\s*reload\s*\(/.test(client), "the client code reloads the page (location.reload)");
finish(NAME);
