// Admin auth: a single shared token, sent as the admin_token cookie (browsers)
// or an "Authorization: Bearer" header (scripts and curl).

export const ADMIN_COOKIE = "admin_token";
const DEFAULT_ADMIN_TOKEN = "dev-admin-token";

export function adminToken(): string {
  return process.env.ADMIN_TOKEN || DEFAULT_ADMIN_TOKEN;
}

export function readCookie(request: Request, name: string): string | undefined {
  const header = request.headers.get("cookie") ?? "";
  for (const part of header.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

export function isAuthorized(request: Request): boolean {
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
  return (bearer ?? readCookie(request, ADMIN_COOKIE)) === adminToken();
}

export function sessionCookie(token: string): string {
  return `${ADMIN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax`;
}
