import { deleteTag, getOrphanTags, getTagStats, mergeTags, renameTag } from "../../../../lib/tags";

// Auth is enforced by src/middleware.ts for everything under /api/admin.

function badRequest(error: string): Response {
  return Response.json({ error }, { status: 400 });
}

async function readJson(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = await request.json();
    return body !== null && typeof body === "object" ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const isName = (value: unknown): value is string => typeof value === "string" && value.trim() !== "";

// GET /api/admin/tags -> { tags: [{ tag, count }], orphans: [tag] }
export async function GET(_request: Request): Promise<Response> {
  return Response.json({ tags: getTagStats(), orphans: getOrphanTags() });
}

// PATCH { from, to } renames a tag; { sources: [...], into } merges tags.
export async function PATCH(request: Request): Promise<Response> {
  const body = await readJson(request);
  if (isName(body.from) && isName(body.to)) {
    return Response.json({ changed: renameTag(body.from, body.to) });
  }
  if (Array.isArray(body.sources) && body.sources.length > 0 && body.sources.every(isName) && isName(body.into)) {
    return Response.json({ changed: mergeTags(body.sources, body.into) });
  }
  return badRequest('expected { "from": string, "to": string } or { "sources": string[], "into": string }');
}

// DELETE /api/admin/tags?tag=NAME (or a JSON body { "tag": NAME }) removes a tag.
export async function DELETE(request: Request): Promise<Response> {
  const fromQuery = new URL(request.url).searchParams.get("tag");
  const tag = isName(fromQuery) ? fromQuery : (await readJson(request)).tag;
  if (!isName(tag)) return badRequest('expected ?tag=NAME or { "tag": string }');
  return Response.json({ changed: deleteTag(tag) });
}
