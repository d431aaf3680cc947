import fs from "node:fs";
import path from "node:path";

// File-system routing, as in the Next.js app router: app/a/b/page.js serves
// the page /a/b, app/api/x/route.js serves /api/x, and a folder named [slug]
// matches any one path segment and passes it to the module as params.slug.

export interface RouteEntry {
  kind: "page" | "route";
  /** Path segments below app/, e.g. ["posts", "[slug]"]. */
  segments: string[];
  /** Absolute path of the compiled module. */
  file: string;
}

export interface RouteMatch {
  entry: RouteEntry;
  params: Record<string, string>;
}

export interface PageProps {
  params: Record<string, string>;
  searchParams: Record<string, string>;
}

export interface RouteContext {
  params: Record<string, string>;
}

const MODULE_KINDS: Record<string, RouteEntry["kind"]> = { "page.js": "page", "route.js": "route" };

export function scanApp(appDir: string): RouteEntry[] {
  const entries: RouteEntry[] = [];
  const walk = (dir: string, segments: string[]): void => {
    for (const item of fs.readdirSync(dir, { withFileTypes: true })) {
      if (item.isDirectory()) walk(path.join(dir, item.name), [...segments, item.name]);
      else if (MODULE_KINDS[item.name]) {
        entries.push({ kind: MODULE_KINDS[item.name], segments, file: path.join(dir, item.name) });
      }
    }
  };
  if (fs.existsSync(appDir)) walk(appDir, []);
  // Static segments win over [dynamic] ones at the same position.
  const rank = (e: RouteEntry) => e.segments.map((s) => (isDynamic(s) ? "1" : "0")).join("");
  return entries.sort((a, b) => rank(a).localeCompare(rank(b)));
}

export function isDynamic(segment: string): boolean {
  return segment.startsWith("[") && segment.endsWith("]");
}

export function urlPath(segments: string[], params: Record<string, string> = {}): string {
  const parts = segments.map((s) => (isDynamic(s) ? encodeURIComponent(params[s.slice(1, -1)] ?? s) : s));
  return "/" + parts.join("/");
}

export function matchRoute(entries: RouteEntry[], pathname: string): RouteMatch | undefined {
  const parts = pathname.split("/").filter(Boolean).map(decodeURIComponent);
  for (const entry of entries) {
    if (entry.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const ok = entry.segments.every((segment, i) => {
      if (isDynamic(segment)) {
        params[segment.slice(1, -1)] = parts[i];
        return true;
      }
      return segment === parts[i];
    });
    if (ok) return { entry, params };
  }
  return undefined;
}

/** Does pathname match a middleware matcher like "/admin/:path*" or "/login"? */
export function matchesMatcher(pattern: string, pathname: string): boolean {
  if (pattern.endsWith("/:path*")) {
    const prefix = pattern.slice(0, -"/:path*".length);
    return pathname === prefix || pathname.startsWith(prefix + "/");
  }
  return pathname === pattern;
}
