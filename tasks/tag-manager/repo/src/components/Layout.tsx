import { h, raw, type Child, type SafeHtml } from "../lib/jsx";

const STYLES = `
  body { font-family: system-ui, sans-serif; margin: 0; color: #1f2328; background: #fafafa; }
  header.site { background: #1f2328; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: center; }
  header.site a { color: #fff; text-decoration: none; }
  header.site .brand { font-weight: 700; }
  main { max-width: 880px; margin: 24px auto; padding: 0 24px; }
  a { color: #0969da; }
  .tag { display: inline-block; background: #ddf4ff; color: #0969da; border-radius: 12px; padding: 2px 10px; margin: 2px; font-size: 13px; text-decoration: none; }
  table { border-collapse: collapse; width: 100%; background: #fff; }
  th, td { text-align: left; padding: 8px 12px; border-bottom: 1px solid #d0d7de; }
  th { background: #f6f8fa; }
  nav.admin { display: flex; gap: 16px; margin-bottom: 24px; border-bottom: 1px solid #d0d7de; padding-bottom: 8px; }
  nav.admin a.active { font-weight: 700; color: #1f2328; }
  button { cursor: pointer; }
  .muted { color: #656d76; }
`;

export function Layout(props: { title: string; children?: Child }): SafeHtml {
  return raw(
    "<!DOCTYPE html>" +
      (
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{props.title} · Tiny Blog</title>
            <style>{STYLES}</style>
          </head>
          <body>
            <header class="site">
              <a class="brand" href="/">Tiny Blog</a>
              <a href="/tags">Tags</a>
              <a href="/admin">Admin</a>
            </header>
            <main>{props.children}</main>
          </body>
        </html>
      ).html,
  );
}
