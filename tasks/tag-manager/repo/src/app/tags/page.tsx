import { h } from "../../lib/jsx";
import { getAllPosts, getAllTags, getTagDescriptions } from "../../lib/posts";
import { Layout } from "../../components/Layout";

export default function TagsPage() {
  const posts = getAllPosts();
  const descriptions = getTagDescriptions();
  return (
    <Layout title="Tags">
      <h1>Tags</h1>
      {getAllTags().map((tag) => {
        const tagged = posts.filter((post) => post.tags.includes(tag));
        return (
          <section id={tag}>
            <h2>
              {tag} <span class="muted">({tagged.length})</span>
            </h2>
            {descriptions[tag] ? <p class="muted">{descriptions[tag]}</p> : null}
            <ul>
              {tagged.map((post) => (
                <li>
                  <a href={`/posts/${post.slug}`}>{post.title}</a>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </Layout>
  );
}
