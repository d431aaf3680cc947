// Requirement "nav": AdminNav links to /admin/tags as "Tags", next to its
// existing Dashboard and Posts links.
import path from "node:path";
import { compile, expect, finish, load } from "./support.mjs";

const NAME = "nav";
const out = compile(NAME);
const mod = load(NAME, path.join(out, "components", "AdminNav.js"), "src/components/AdminNav.tsx");
const AdminNav = typeof mod.default === "function" ? mod.default : mod.AdminNav;
if (!expect(typeof AdminNav === "function", "src/components/AdminNav.tsx exports no component")) finish(NAME);

let html = "";
try {
  html = String(AdminNav({ current: "/admin/tags" }));
} catch (err) {
  expect(false, `rendering AdminNav threw: ${err instanceof Error ? err.message : err}`);
  finish(NAME);
}

const links = [...html.matchAll(/<a\b[^>]*href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi)].map((m) => ({
  href: m[1],
  text: m[2].replace(/<[^>]*>/g, "").trim(),
}));
const has = (href, text) => links.some((l) => l.href === href && l.text.includes(text));
expect(has("/admin/tags", "Tags"), `AdminNav has no "Tags" link to /admin/tags (links: ${JSON.stringify(links)})`);
expect(has("/admin", "Dashboard") && has("/admin/posts", "Posts"), "AdminNav lost its Dashboard or Posts link");
finish(NAME);
