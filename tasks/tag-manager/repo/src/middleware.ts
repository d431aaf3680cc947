import { adminToken, isAuthorized, sessionCookie } from "./lib/auth";

// Runs before every request whose path matches config.matcher (see src/server.ts).
// Returning a Response answers the request; returning undefined lets it through.
export function middleware(request: Request): Response | undefined {
  const url = new URL(request.url);

  // Dev shortcut: /admin?token=TOKEN logs in and drops the token from the URL.
  const token = url.searchParams.get("token");
  if (token !== null && token === adminToken()) {
    url.searchParams.delete("token");
    return new Response(null, {
      status: 303,
      headers: { Location: url.pathname + url.search, "Set-Cookie": sessionCookie(token) },
    });
  }

  if (isAuthorized(request)) return undefined;
  if (url.pathname.startsWith("/api/")) {
    return Response.json({ error: "unauthorized" }, { status: 401 });
  }
  const next = encodeURIComponent(url.pathname + url.search);
  return new Response(null, { status: 303, headers: { Location: `/login?next=${next}` } });
}

export const config = {
  matcher: ["/admin/:path*", "/api/admin/:path*"],
};
