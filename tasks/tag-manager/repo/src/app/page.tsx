import { h } from "../lib/jsx";
import { getAllPosts } from "../lib/posts";
import { Layout } from "../components/Layout";

export default function HomePage() {
  const posts = getAllPosts();
  return (
    <Layout title="Home">
      <h1>Posts</h1>
      <ul>
        {posts.map((post) => (
          <li>
            <a href={`/posts/${post.slug}`}>{post.title}</a> <span class="muted">{post.date}</span>
            <div>
              {post.tags.map((tag) => (
                <a class="tag" href={`/tags#${encodeURIComponent(tag)}`}>
                  {tag}
                </a>
              ))}
            </div>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
