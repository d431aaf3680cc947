import { adminToken, sessionCookie } from "../../../lib/auth";

// POST /api/login (form: token, next) sets the admin cookie and goes to next.
export async function POST(request: Request): Promise<Response> {
  const form = await request.formData();
  const token = String(form.get("token") ?? "");
  const nextField = String(form.get("next") ?? "/admin");
  const next = nextField.startsWith("/") ? nextField : "/admin";
  if (token !== adminToken()) {
    return new Response(null, { status: 303, headers: { Location: `/login?error=1&next=${encodeURIComponent(next)}` } });
  }
  return new Response(null, { status: 303, headers: { Location: next, "Set-Cookie": sessionCookie(token) } });
}
