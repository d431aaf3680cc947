import { h } from "../../../lib/jsx";
import { getAllPosts, getPostBySlug } from "../../../lib/posts";
import { Layout } from "../../../components/Layout";
import type { PageProps } from "../../../router";

// Which params the build renders this page for (see scripts/render.mjs).
export function generateStaticParams() {
  return getAllPosts().map((post) => ({ slug: post.slug }));
}

export default function PostPage({ params }: PageProps) {
  const post = getPostBySlug(params.slug);
  if (!post) {
    return (
      <Layout title="Not found">
        <p>No post named {params.slug}.</p>
      </Layout>
    );
  }
  return (
    <Layout title={post.title}>
      <article>
        <h1>{post.title}</h1>
        <p class="muted">{post.date}</p>
        <p>
          {post.tags.map((tag) => (
            <a class="tag" href={`/tags#${encodeURIComponent(tag)}`}>
              {tag}
            </a>
          ))}
        </p>
        {post.content
          .split(/\n{2,}/)
          .map((block) => block.trim())
          .filter(Boolean)
          .map((block) => (block.startsWith("## ") ? <h2>{block.slice(3)}</h2> : <p>{block}</p>))}
      </article>
    </Layout>
  );
}
