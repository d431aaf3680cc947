import fs from "node:fs";
import path from "node:path";
import matter from "gray-matter";

export interface PostMeta {
  slug: string;
  title: string;
  date: string;
  tags: string[];
}

export interface Post extends PostMeta {
  content: string;
}

/** Folder of Markdown posts; POSTS_DIR overrides it (read on every call, so tests can point it elsewhere). */
export function postsDir(): string {
  return path.resolve(process.env.POSTS_DIR ?? path.join("content", "posts"));
}

/** JSON file describing known tags: { "tag": "description", ... }; TAGS_FILE overrides it. */
export function tagsFile(): string {
  return path.resolve(process.env.TAGS_FILE ?? path.join("content", "tags.json"));
}

function readPost(file: string): Post {
  const slug = path.basename(file, ".md");
  const { data, content } = matter(fs.readFileSync(file, "utf8"));
  return {
    slug,
    title: typeof data.title === "string" ? data.title : slug,
    date: String(data.date ?? ""),
    tags: Array.isArray(data.tags) ? data.tags.map(String) : [],
    content,
  };
}

/** Every post, newest first. */
export function getAllPosts(): Post[] {
  const dir = postsDir();
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith(".md"))
    .map((name) => readPost(path.join(dir, name)))
    .sort((a, b) => b.date.localeCompare(a.date));
}

export function getPostBySlug(slug: string): Post | undefined {
  const file = path.join(postsDir(), `${slug}.md`);
  if (!/^[a-z0-9-]+$/i.test(slug) || !fs.existsSync(file)) return undefined;
  return readPost(file);
}

/** Distinct tags used by at least one post, sorted. Tags are compared exactly as written. */
export function getAllTags(): string[] {
  const tags = new Set<string>();
  for (const post of getAllPosts()) for (const tag of post.tags) tags.add(tag);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

/** Descriptions of the known tags, from the tag registry file. */
export function getTagDescriptions(): Record<string, string> {
  const file = tagsFile();
  if (!fs.existsSync(file)) return {};
  return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
}
