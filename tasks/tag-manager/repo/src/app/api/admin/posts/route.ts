import { getAllPosts } from "../../../../lib/posts";

// GET /api/admin/posts?q=text — posts whose title or tags contain text.
// Auth is enforced by src/middleware.ts for everything under /api/admin.
export async function GET(request: Request): Promise<Response> {
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim().toLowerCase();
  const posts = getAllPosts()
    .filter((post) => !q || post.title.toLowerCase().includes(q) || post.tags.some((t) => t.toLowerCase().includes(q)))
    .map(({ slug, title, date, tags }) => ({ slug, title, date, tags }));
  return Response.json({ posts });
}
