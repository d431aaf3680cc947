import { h } from "../../../lib/jsx";
import { getAllPosts } from "../../../lib/posts";
import { Layout } from "../../../components/Layout";
import AdminNav from "../../../components/AdminNav";

// The table is rendered on the server; the script below filters it in the
// browser with data from GET /api/admin/posts.
const CLIENT_SCRIPT = `
const input = document.getElementById("filter");
const rows = document.getElementById("post-rows");

async function refresh() {
  const res = await fetch("/api/admin/posts?q=" + encodeURIComponent(input.value));
  if (!res.ok) return;
  const { posts } = await res.json();
  const visible = new Set(posts.map((p) => p.slug));
  for (const row of rows.querySelectorAll("tr")) {
    row.hidden = !visible.has(row.dataset.slug);
  }
}

input.addEventListener("input", refresh);
`;

export default function AdminPostsPage() {
  const posts = getAllPosts();
  return (
    <Layout title="Posts · Admin">
      <h1>Posts</h1>
      <AdminNav current="/admin/posts" />
      <p>
        <input id="filter" type="search" placeholder="Filter by title or tag" />
      </p>
      <table>
        <thead>
          <tr>
            <th>Title</th>
            <th>Date</th>
            <th>Tags</th>
          </tr>
        </thead>
        <tbody id="post-rows">
          {posts.map((post) => (
            <tr data-slug={post.slug}>
              <td>
                <a href={`/posts/${post.slug}`}>{post.title}</a>
              </td>
              <td>{post.date}</td>
              <td>{post.tags.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <script>{CLIENT_SCRIPT}</script>
    </Layout>
  );
}
