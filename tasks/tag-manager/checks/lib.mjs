// Requirement "lib": src/lib/tags.ts lists tags with post counts, finds
// orphans, and renames, merges and deletes tags in the posts' frontmatter.
import fs from "node:fs";
import path from "node:path";
import {
  OPERATIONS, checkout, compile, expect, expectPosts, expectedAfter, finish, load, readPosts, samplePosts, tagCounts,
} from "./support.mjs";

const NAME = "lib";
if (!expect(fs.existsSync(path.join(checkout, "src", "lib", "tags.ts")), "src/lib/tags.ts does not exist")) finish(NAME);

const out = compile(NAME);
const postsDir = samplePosts();
const lib = load(NAME, path.join(out, "lib", "tags.js"), "src/lib/tags.ts");
const wanted = ["getTagStats", "getOrphanTags", "renameTag", "mergeTags", "deleteTag"];
const missing = wanted.filter((fn) => typeof lib[fn] !== "function");
if (!expect(missing.length === 0, `src/lib/tags.ts does not export ${missing.join(", ")}`)) finish(NAME);

async function call(fn, ...args) {
  try {
    return await lib[fn](...args);
  } catch (err) {
    expect(false, `${fn}(${args.map((a) => JSON.stringify(a)).join(", ")}) threw: ${err instanceof Error ? err.message : err}`);
    return undefined;
  }
}

async function expectStats(what, posts) {
  const stats = await call("getTagStats");
  if (!expect(Array.isArray(stats), `${what}: getTagStats() did not return an array`)) return;
  const byTag = new Map(stats.map((s) => [s?.tag, s?.count]));
  for (const [tag, count] of tagCounts(posts)) {
    expect(byTag.get(tag) === count, `${what}: getTagStats() gives ${JSON.stringify(tag)} count ${byTag.get(tag)}, expected ${count}`);
  }
  const used = tagCounts(posts);
  for (const s of stats) {
    expect(used.has(s?.tag) || s?.count === 0, `${what}: getTagStats() lists ${JSON.stringify(s?.tag)} with count ${s?.count}, but no post uses it`);
  }
}

let posts = readPosts(postsDir);
await expectStats("before any change", posts);

const registry = Object.keys(JSON.parse(fs.readFileSync(process.env.TAGS_FILE, "utf8")));
const used = tagCounts(posts);
const orphans = registry.filter((t) => !used.has(t)).sort();
const gotOrphans = await call("getOrphanTags");
expect(
  Array.isArray(gotOrphans) && JSON.stringify([...gotOrphans].sort()) === JSON.stringify(orphans),
  `getOrphanTags() returned ${JSON.stringify(gotOrphans)}, expected ${JSON.stringify(orphans)}`,
);

const { from, to } = OPERATIONS.rename;
let expected = expectedAfter(posts, (tags) => tags.map((t) => (t === from ? to : t)));
let returned = await call("renameTag", from, to);
let result = expectPosts(`renameTag(${JSON.stringify(from)}, ${JSON.stringify(to)})`, posts, postsDir, expected);
expect(returned === result.expectedChanged, `renameTag returned ${returned}, expected ${result.expectedChanged} (posts changed)`);
posts = result.posts;

const { sources, into } = OPERATIONS.merge;
expected = expectedAfter(posts, (tags) => tags.map((t) => (sources.includes(t) ? into : t)));
returned = await call("mergeTags", sources, into);
result = expectPosts(`mergeTags(${JSON.stringify(sources)}, ${JSON.stringify(into)})`, posts, postsDir, expected);
expect(returned === result.expectedChanged, `mergeTags returned ${returned}, expected ${result.expectedChanged} (posts changed)`);
posts = result.posts;

const { tag } = OPERATIONS.remove;
expected = expectedAfter(posts, (tags) => tags.filter((t) => t !== tag));
returned = await call("deleteTag", tag);
result = expectPosts(`deleteTag(${JSON.stringify(tag)})`, posts, postsDir, expected);
expect(returned === result.expectedChanged, `deleteTag returned ${returned}, expected ${result.expectedChanged} (posts changed)`);
posts = result.posts;

const untouched = Object.fromEntries(Object.entries(posts).map(([slug, p]) => [slug, p.raw]));
returned = await call("renameTag", "no-such-tag", "still-none");
expect(returned === 0, `renameTag of a tag no post uses returned ${returned}, expected 0`);
const now = readPosts(postsDir);
expect(
  Object.entries(untouched).every(([slug, raw]) => now[slug]?.raw === raw),
  "renameTag of a tag no post uses rewrote post files",
);

await expectStats("after rename, merge and delete", now);
finish(NAME);
