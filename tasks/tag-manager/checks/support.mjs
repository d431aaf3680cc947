// Shared helpers for the tag-manager requirement checks. Each check runs with
// its cwd in a fresh checkout of the pushed branch, after the task's setup
// (npm ci). It compiles the checkout's src/ with the checkout's own tsc into a
// temporary folder inside the checkout (so gray-matter resolves from its
// node_modules), runs the code on a copy of the base repository's sample
// posts, and exits 1 with one line per failed expectation.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const checkout = process.cwd();
export const taskDir = process.env.SHOWDOWN_TASK_DIR
  ? path.resolve(process.env.SHOWDOWN_TASK_DIR)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const require = createRequire(path.join(checkout, "package.json"));

const failures = [];
const cleanups = [];

export function expect(ok, message) {
  if (!ok) failures.push(message);
  return ok;
}

/** Ends the check: prints what failed (or passed) and exits with 1 or 0. */
export function finish(name) {
  for (const cleanup of cleanups.reverse()) cleanup();
  if (failures.length > 0) {
    for (const failure of failures) console.log(`FAIL ${name}: ${failure}`);
    process.exit(1);
  }
  console.log(`PASS ${name}`);
  process.exit(0);
}

/** Fails the check at once (for problems that make the rest meaningless). */
export function abort(name, message) {
  failures.push(message);
  finish(name);
}

/**
 * Compiles the checkout's TypeScript into a temporary folder and returns it.
 * Type errors do not stop the emit: this check judges behaviour, the build
 * requirement judges type errors.
 */
export function compile(name) {
  const tsc = path.join(checkout, "node_modules", "typescript", "bin", "tsc");
  if (!fs.existsSync(tsc)) abort(name, "node_modules/typescript is missing (the task's setup, npm ci, did not run)");
  const outDir = fs.mkdtempSync(path.join(checkout, ".showdown-check-"));
  cleanups.push(() => fs.rmSync(outDir, { recursive: true, force: true }));
  const result = spawnSync(
    process.execPath,
    [tsc, "-p", "tsconfig.json", "--outDir", outDir, "--noEmit", "false", "--noEmitOnError", "false"],
    { cwd: checkout, encoding: "utf8" },
  );
  if (result.error) abort(name, `could not run tsc: ${result.error.message}`);
  return outDir;
}

/** Loads a compiled module, failing the check with the load error. */
export function load(name, file, what) {
  if (!fs.existsSync(file)) abort(name, `${what} was not compiled (${path.basename(file)} missing): does the source file exist?`);
  try {
    return require(file);
  } catch (err) {
    abort(name, `cannot load ${what}: ${err instanceof Error ? err.message.split("\n")[0] : err}`);
  }
}

/**
 * Copies the base repository's sample posts and tag registry to a temporary
 * folder and points POSTS_DIR and TAGS_FILE at the copy.
 */
export function samplePosts() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tag-manager-check-"));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const postsDir = path.join(dir, "posts");
  fs.cpSync(path.join(taskDir, "repo", "content", "posts"), postsDir, { recursive: true });
  fs.copyFileSync(path.join(taskDir, "repo", "content", "tags.json"), path.join(dir, "tags.json"));
  process.env.POSTS_DIR = postsDir;
  process.env.TAGS_FILE = path.join(dir, "tags.json");
  return postsDir;
}

/** Parses every post of a folder: { slug: { data, content, raw } }. */
export function readPosts(postsDir) {
  const matter = require("gray-matter");
  const posts = {};
  for (const name of fs.readdirSync(postsDir).filter((n) => n.endsWith(".md")).sort()) {
    const raw = fs.readFileSync(path.join(postsDir, name), "utf8");
    // An options object keeps gray-matter's cache (shared with the code under test) out of it.
    const { data, content } = matter(raw, {});
    posts[name.replace(/\.md$/, "")] = { data, content, raw };
  }
  return posts;
}

/** Tags used by the posts, with their post counts. */
export function tagCounts(posts) {
  const counts = new Map();
  for (const { data } of Object.values(posts)) {
    for (const tag of new Set(data.tags ?? [])) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return counts;
}

/** The tags each post should have after change(tags), compared as sets. */
export function expectedAfter(posts, change) {
  const expected = {};
  for (const [slug, { data }] of Object.entries(posts)) expected[slug] = [...new Set(change(data.tags ?? []))];
  return expected;
}

function sameSet(a, b) {
  const x = new Set(a);
  return x.size === new Set(b).size && b.every((v) => x.has(v));
}

/**
 * Compares the posts on disk with the posts before an operation: every post has
 * the expected tags (no duplicates), and every other frontmatter field and the
 * body are unchanged. Returns the posts now on disk and how many posts the operation should have changed.
 */
export function expectPosts(what, before, postsDir, expectedTags) {
  const after = readPosts(postsDir);
  let expectedChanged = 0;
  for (const [slug, old] of Object.entries(before)) {
    const now = after[slug];
    if (!expect(now !== undefined, `${what}: post ${slug}.md disappeared`)) continue;
    const tags = Array.isArray(now.data.tags) ? now.data.tags : [];
    expect(new Set(tags).size === tags.length, `${what}: ${slug}.md has duplicate tags ${JSON.stringify(tags)}`);
    expect(
      sameSet(tags, expectedTags[slug]),
      `${what}: ${slug}.md has tags ${JSON.stringify(tags)}, expected ${JSON.stringify(expectedTags[slug])}`,
    );
    if (!sameSet(old.data.tags ?? [], expectedTags[slug])) expectedChanged++;
    for (const key of new Set([...Object.keys(old.data), ...Object.keys(now.data)])) {
      if (key === "tags") continue;
      expect(
        JSON.stringify(old.data[key]) === JSON.stringify(now.data[key]),
        `${what}: ${slug}.md frontmatter "${key}" changed from ${JSON.stringify(old.data[key])} to ${JSON.stringify(now.data[key])}`,
      );
    }
    expect(old.content.trim() === now.content.trim(), `${what}: the body of ${slug}.md changed`);
  }
  return { posts: after, expectedChanged };
}

/** Source text a browser could run for a page: files under the given folders of the checkout. */
export function sourcesUnder(folders) {
  let text = "";
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, item.name);
      if (item.isDirectory()) walk(full);
      else if (/\.(tsx?|jsx?|mjs|html)$/.test(item.name)) text += fs.readFileSync(full, "utf8") + "\n";
    }
  };
  for (const folder of folders) walk(path.join(checkout, folder));
  return text;
}

export const OPERATIONS = {
  rename: { from: "TypeScript", to: "typescript" },
  merge: { sources: ["nextjs", "next.js"], into: "next" },
  remove: { tag: "css" },
};
