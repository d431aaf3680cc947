import { h } from "../../lib/jsx";
import { getAllPosts, getAllTags } from "../../lib/posts";
import { Layout } from "../../components/Layout";
import AdminNav from "../../components/AdminNav";

export default function AdminDashboard() {
  const posts = getAllPosts();
  return (
    <Layout title="Admin">
      <h1>Admin</h1>
      <AdminNav current="/admin" />
      <table>
        <tbody>
          <tr>
            <th>Posts</th>
            <td>{posts.length}</td>
          </tr>
          <tr>
            <th>Tags</th>
            <td>{getAllTags().length}</td>
          </tr>
          <tr>
            <th>Latest post</th>
            <td>{posts[0]?.title ?? "none"}</td>
          </tr>
        </tbody>
      </table>
    </Layout>
  );
}
