import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";
import { getAllPosts, getTagDescriptions, postsDir, tagsFile } from "./posts";

export interface TagStat {
  tag: string;
  /** Number of posts that use the tag. */
  count: number;
}

/** Every tag used by at least one post, with its post count, most used first. */
export function getTagStats(): TagStat[] {
  const counts = new Map<string, number>();
  for (const post of getAllPosts()) {
    for (const tag of new Set(post.tags)) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

/** Tags listed in the tag registry (content/tags.json) that no post uses. */
export function getOrphanTags(): string[] {
  const used = new Set(getAllPosts().flatMap((post) => post.tags));
  return Object.keys(getTagDescriptions())
    .filter((tag) => !used.has(tag))
    .sort((a, b) => a.localeCompare(b));
}

function sameTags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i]);
}

// Applies change to the tags of every post and rewrites the posts whose tags
// changed, keeping every other frontmatter field and the body as they were.
function rewritePostTags(change: (tags: string[]) => string[]): number {
  const dir = postsDir();
  let changed = 0;
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".md"))) {
    const file = path.join(dir, name);
    const { data, content } = matter(fs.readFileSync(file, "utf8"));
    const tags: string[] = Array.isArray(data.tags) ? data.tags.map(String) : [];
    const next = [...new Set(change(tags))];
    if (sameTags(tags, next)) continue;
    const updated = { ...data, tags: next };
    fs.writeFileSync(file, matter.stringify(content, updated));
    changed++;
  }
  return changed;
}

function updateRegistry(change: (registry: Record<string, string>) => void): void {
  const file = tagsFile();
  if (!fs.existsSync(file)) return;
  const registry = getTagDescriptions();
  change(registry);
  fs.writeFileSync(file, JSON.stringify(registry, null, 2) + "\n");
}

function requireTag(tag: unknown, what: string): string {
  if (typeof tag !== "string" || tag.trim() === "") throw new Error(`${what} must be a non-empty tag name`);
  return tag.trim();
}

/** Renames a tag in every post (no duplicates if a post already has the new name). Returns posts changed. */
export function renameTag(from: string, to: string): number {
  const source = requireTag(from, "from");
  const target = requireTag(to, "to");
  if (source === target) return 0;
  const changed = rewritePostTags((tags) => tags.map((tag) => (tag === source ? target : tag)));
  updateRegistry((registry) => {
    if (source in registry && !(target in registry)) registry[target] = registry[source];
    delete registry[source];
  });
  return changed;
}

/** Replaces each of the source tags with into, in every post. Returns posts changed. */
export function mergeTags(sources: string[], into: string): number {
  const target = requireTag(into, "into");
  const merged = new Set(sources.map((tag) => requireTag(tag, "sources")));
  merged.delete(target);
  if (merged.size === 0) return 0;
  const changed = rewritePostTags((tags) => tags.map((tag) => (merged.has(tag) ? target : tag)));
  updateRegistry((registry) => {
    for (const tag of merged) {
      if (tag in registry && !(target in registry)) registry[target] = registry[tag];
      delete registry[tag];
    }
  });
  return changed;
}

/** Removes a tag from every post and from the registry. Returns posts changed. */
export function deleteTag(tag: string): number {
  const doomed = requireTag(tag, "tag");
  const changed = rewritePostTags((tags) => tags.filter((t) => t !== doomed));
  updateRegistry((registry) => {
    delete registry[doomed];
  });
  return changed;
}
