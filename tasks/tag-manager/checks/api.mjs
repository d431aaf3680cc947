// Requirement "api": src/app/api/admin/tags/route.ts answers GET, PATCH and
// DELETE with real Request objects, and the mutations reach the posts on disk.
import fs from "node:fs";
import path from "node:path";
import {
  OPERATIONS, checkout, compile, expect, expectPosts, expectedAfter, finish, load, readPosts, samplePosts, tagCounts,
} from "./support.mjs";

const NAME = "api";
const source = path.join(checkout, "src", "app", "api", "admin", "tags", "route.ts");
if (!expect(fs.existsSync(source), "src/app/api/admin/tags/route.ts does not exist")) finish(NAME);

const out = compile(NAME);
const postsDir = samplePosts();
process.env.ADMIN_TOKEN = "check-admin-token";
const route = load(NAME, path.join(out, "app", "api", "admin", "tags", "route.js"), "src/app/api/admin/tags/route.ts");
const missing = ["GET", "PATCH", "DELETE"].filter((m) => typeof route[m] !== "function");
if (!expect(missing.length === 0, `route.ts does not export ${missing.join(", ")}`)) finish(NAME);

// Sends one request straight to the handler, authenticated the way the middleware expects.
async function send(method, query = "", body) {
  const init = {
    method,
    headers: { authorization: "Bearer check-admin-token", cookie: "admin_token=check-admin-token" },
  };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const request = new Request(`http://localhost:3000/api/admin/tags${query}`, init);
  const what = `${method} /api/admin/tags${query}${body === undefined ? "" : " " + JSON.stringify(body)}`;
  try {
    const response = await route[method](request, { params: {} });
    if (!expect(response instanceof Response, `${what} did not return a Response`)) return { what, status: 0 };
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { what, status: response.status, json, text };
  } catch (err) {
    expect(false, `${what} threw: ${err instanceof Error ? err.message : err}`);
    return { what, status: 0 };
  }
}

async function expectListing(label, posts) {
  const res = await send("GET");
  if (!expect(res.status === 200, `${res.what} answered ${res.status}, expected 200`)) return;
  const tags = res.json?.tags;
  if (!expect(Array.isArray(tags), `${label}: GET body has no "tags" array: ${res.text?.slice(0, 200)}`)) return;
  const byTag = new Map(tags.map((t) => [t?.tag, t?.count]));
  for (const [tag, count] of tagCounts(posts)) {
    expect(byTag.get(tag) === count, `${label}: GET gives ${JSON.stringify(tag)} count ${byTag.get(tag)}, expected ${count}`);
  }
  return res.json;
}

function expectOk(res) {
  return expect(res.status >= 200 && res.status < 300, `${res.what} answered ${res.status}: ${res.text?.slice(0, 200)}`);
}

let posts = readPosts(postsDir);
const listing = await expectListing("before any change", posts);
if (listing) {
  const registry = Object.keys(JSON.parse(fs.readFileSync(process.env.TAGS_FILE, "utf8")));
  const used = tagCounts(posts);
  const orphans = registry.filter((t) => !used.has(t)).sort();
  expect(
    Array.isArray(listing.orphans) && JSON.stringify([...listing.orphans].sort()) === JSON.stringify(orphans),
    `GET "orphans" is ${JSON.stringify(listing.orphans)}, expected ${JSON.stringify(orphans)}`,
  );
}

const { from, to } = OPERATIONS.rename;
let expected = expectedAfter(posts, (tags) => tags.map((t) => (t === from ? to : t)));
let res = await send("PATCH", "", { from, to });
expectOk(res);
posts = expectPosts(res.what, posts, postsDir, expected).posts;

const { sources, into } = OPERATIONS.merge;
expected = expectedAfter(posts, (tags) => tags.map((t) => (sources.includes(t) ? into : t)));
res = await send("PATCH", "", { sources, into });
expectOk(res);
posts = expectPosts(res.what, posts, postsDir, expected).posts;

const { tag } = OPERATIONS.remove;
expected = expectedAfter(posts, (tags) => tags.filter((t) => t !== tag));
res = await send("DELETE", `?tag=${encodeURIComponent(tag)}`, { tag });
expectOk(res);
posts = expectPosts(res.what, posts, postsDir, expected).posts;

for (const [method, body] of [["PATCH", {}], ["DELETE", {}]]) {
  res = await send(method, "", body);
  expect(res.status === 400, `${res.what} answered ${res.status}, expected 400 for a request naming no tag`);
}
const unchanged = readPosts(postsDir);
expect(
  Object.entries(posts).every(([slug, p]) => unchanged[slug]?.raw === p.raw),
  "a request naming no tag changed post files",
);

await expectListing("after PATCH and DELETE", unchanged);
finish(NAME);
