import { h, type SafeHtml } from "../lib/jsx";

const LINKS = [
  { href: "/admin", label: "Dashboard" },
  { href: "/admin/posts", label: "Posts" },
  { href: "/admin/tags", label: "Tags" },
];

export default function AdminNav(props: { current?: string }): SafeHtml {
  return (
    <nav class="admin">
      {LINKS.map((link) => (
        <a href={link.href} class={link.href === props.current ? "active" : undefined}>
          {link.label}
        </a>
      ))}
    </nav>
  );
}
