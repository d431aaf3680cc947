// A tiny JSX factory that renders straight to HTML strings, so pages can be
// written as .tsx without React. tsconfig.json sets "jsxFactory": "h", so
// every .tsx file imports { h } (and { Fragment } if it uses <>...</>).

// A registry symbol rather than instanceof, because the dev server reloads
// modules and two copies of this file must still recognise each other's HTML.
const SAFE = Symbol.for("tiny-blog.safe-html");

/** HTML that is already escaped and safe to insert as-is. */
export class SafeHtml {
  readonly [SAFE] = true;
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

export function isSafeHtml(value: unknown): value is SafeHtml {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[SAFE] === true;
}

export type Child = SafeHtml | string | number | boolean | null | undefined | Child[];

type StyleObject = { [property: string]: string | number };
type AttrValue = string | number | boolean | null | undefined;

/** Props accepted by every HTML element. Event handlers are strings of JavaScript. */
export interface HtmlProps {
  children?: Child;
  dangerouslySetInnerHTML?: { __html: string };
  style?: string | StyleObject;
  [attribute: string]: AttrValue | Child | StyleObject | { __html: string };
}

declare global {
  namespace JSX {
    type Element = SafeHtml;
    interface IntrinsicElements {
      [tag: string]: HtmlProps;
    }
    interface ElementChildrenAttribute {
      children: {};
    }
  }
}

const VOID_TAGS = new Set([
  "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
]);
// Text inside <script> and <style> is not HTML, so it must not be escaped.
const RAW_TEXT_TAGS = new Set(["script", "style"]);
const ATTR_ALIASES: Record<string, string> = { className: "class", htmlFor: "for" };

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** Marks a string as trusted HTML. Never pass user input to it. */
export function raw(html: string): SafeHtml {
  return new SafeHtml(html);
}

function renderChildren(children: Child[], rawText: boolean): string {
  let out = "";
  for (const child of children) {
    if (child === null || child === undefined || child === false || child === true) continue;
    if (Array.isArray(child)) out += renderChildren(child, rawText);
    else if (isSafeHtml(child)) out += child.html;
    else if (rawText) out += String(child).replace(/<\/(script|style)/gi, "<\\/$1");
    else out += escapeHtml(String(child));
  }
  return out;
}

function styleToString(style: StyleObject): string {
  return Object.entries(style)
    .map(([key, value]) => `${key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}:${value}`)
    .join(";");
}

function renderAttributes(props: Record<string, unknown>): string {
  let out = "";
  for (const [key, value] of Object.entries(props)) {
    if (key === "children" || key === "key" || key === "ref" || key === "dangerouslySetInnerHTML") continue;
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") {
      throw new Error(
        `<${key}={function}>: this JSX renders static HTML, so event handlers must be strings of JavaScript ` +
          `(e.g. onclick="save()") or live in a <script>`,
      );
    }
    const name = ATTR_ALIASES[key] ?? key.toLowerCase();
    if (value === true) {
      out += ` ${name}`;
      continue;
    }
    const text = key === "style" && typeof value === "object" ? styleToString(value as StyleObject) : String(value);
    out += ` ${name}="${escapeHtml(text)}"`;
  }
  return out;
}

type Component<P> = (props: P) => SafeHtml;

export function h<P>(
  tag: string | Component<P>,
  props: (P & Record<string, unknown>) | null,
  ...children: Child[]
): SafeHtml {
  if (typeof tag === "function") {
    const merged = { ...(props ?? {}), children: children.length === 1 ? children[0] : children } as P;
    return tag(merged);
  }
  const attrs: Record<string, unknown> = props ?? {};
  const open = `<${tag}${renderAttributes(attrs)}>`;
  if (VOID_TAGS.has(tag)) return new SafeHtml(open);
  const inner = attrs.dangerouslySetInnerHTML as { __html: string } | undefined;
  const body = inner ? inner.__html : renderChildren(children, RAW_TEXT_TAGS.has(tag));
  return new SafeHtml(`${open}${body}</${tag}>`);
}

export function Fragment(props: { children?: Child }): SafeHtml {
  const children = props.children;
  return new SafeHtml(renderChildren(Array.isArray(children) ? children : [children], false));
}

/** Renders whatever a page returned (JSX or a string) to an HTML document string. */
export function toHtml(value: unknown): string {
  if (isSafeHtml(value)) return value.html;
  if (typeof value === "string") return value;
  throw new Error(`a page must return JSX or a string, got ${value === null ? "null" : typeof value}`);
}
