// Requirement "page": src/app/admin/tags/page.tsx renders a table of the tags
// with their post counts, with rename, delete and sort controls.
import fs from "node:fs";
import path from "node:path";
import { checkout, compile, expect, finish, load, readPosts, samplePosts, sourcesUnder, tagCounts } from "./support.mjs";

const NAME = "page";
if (!expect(fs.existsSync(path.join(checkout, "src", "app", "admin", "tags", "page.tsx")), "src/app/admin/tags/page.tsx does not exist")) {
  finish(NAME);
}

const out = compile(NAME);
const postsDir = samplePosts();
const page = load(NAME, path.join(out, "app", "admin", "tags", "page.js"), "src/app/admin/tags/page.tsx");
if (!expect(typeof page.default === "function", "page.tsx has no default export function")) finish(NAME);

let html = "";
try {
  html = String(await page.default({ params: {}, searchParams: {} }));
} catch (err) {
  expect(false, `rendering the page threw: ${err instanceof Error ? err.message : err}`);
  finish(NAME);
}

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
expect(/<table[\s>]/i.test(html), "the rendered page has no <table>");
for (const [tag, count] of tagCounts(readPosts(postsDir))) {
  expect(html.includes(escape(tag)), `the rendered page does not show the tag ${JSON.stringify(tag)} (used by ${count} posts)`);
}
const client = html + "\n" + sourcesUnder(["src/app/admin/tags", "src/components", "public"]);
for (const word of ["rename", "delete", "sort"]) {
  expect(new RegExp(word, "i").test(client), `the page and its client code never mention "${word}"`);
}
finish(NAME);
