import { h } from "../../../lib/jsx";
import { getOrphanTags, getTagStats } from "../../../lib/tags";
import { Layout } from "../../../components/Layout";
import AdminNav from "../../../components/AdminNav";

// The table is rendered on the server. In the browser, rename and delete call
// /api/admin/tags with fetch and then re-render the table from a fresh GET, so
// the page never reloads; clicking a column header sorts the rows.
const CLIENT_SCRIPT = `
const table = document.getElementById("tag-table");
const rows = document.getElementById("tag-rows");
const status = document.getElementById("tag-status");
let data = JSON.parse(document.getElementById("tag-data").textContent);
let sort = { key: "count", dir: -1 };

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

function render() {
  const all = data.tags.map((t) => ({ ...t, orphan: false }))
    .concat(data.orphans.map((tag) => ({ tag, count: 0, orphan: true })));
  all.sort((a, b) => {
    const x = sort.key === "count" ? a.count - b.count : a.tag.localeCompare(b.tag);
    return sort.dir * x || a.tag.localeCompare(b.tag);
  });
  rows.innerHTML = all.map((t) =>
    '<tr data-tag="' + escape(t.tag) + '">' +
    '<td class="name">' + escape(t.tag) + (t.orphan ? ' <span class="muted">(orphan)</span>' : "") + "</td>" +
    "<td>" + t.count + "</td>" +
    '<td><button data-action="rename">Rename</button> <button data-action="delete">Delete</button></td>' +
    "</tr>").join("");
  for (const th of table.querySelectorAll("th[data-sort]")) {
    th.textContent = th.dataset.label + (th.dataset.sort === sort.key ? (sort.dir > 0 ? " ▲" : " ▼") : "");
  }
}

async function refresh(message) {
  const res = await fetch("/api/admin/tags");
  if (!res.ok) { status.textContent = "Could not load tags (" + res.status + ")"; return; }
  data = await res.json();
  render();
  status.textContent = message || "";
}

async function mutate(method, body, done) {
  const res = await fetch("/api/admin/tags", {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const result = await res.json().catch(() => ({}));
  if (!res.ok) { status.textContent = result.error || "Request failed (" + res.status + ")"; return; }
  await refresh(done(result.changed));
}

function startRename(row) {
  const cell = row.querySelector(".name");
  const from = row.dataset.tag;
  cell.innerHTML = '<input class="rename" value="' + escape(from) + '"> <button data-action="save">Save</button> <button data-action="cancel">Cancel</button>';
  const input = cell.querySelector("input");
  input.focus();
  input.select();
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") save(row);
    if (e.key === "Escape") render();
  });
}

function save(row) {
  const from = row.dataset.tag;
  const to = row.querySelector("input.rename").value.trim();
  if (!to || to === from) { render(); return; }
  mutate("PATCH", { from, to }, (n) => "Renamed " + from + " to " + to + " in " + n + " post(s)");
}

table.addEventListener("click", (e) => {
  const th = e.target.closest("th[data-sort]");
  if (th) {
    sort = { key: th.dataset.sort, dir: sort.key === th.dataset.sort ? -sort.dir : (th.dataset.sort === "count" ? -1 : 1) };
    render();
    return;
  }
  const button = e.target.closest("button[data-action]");
  if (!button) return;
  const row = button.closest("tr");
  const tag = row.dataset.tag;
  const action = button.dataset.action;
  if (action === "rename") startRename(row);
  if (action === "save") save(row);
  if (action === "cancel") render();
  if (action === "delete" && confirm('Delete the tag "' + tag + '" from every post?')) {
    mutate("DELETE", { tag }, (n) => "Deleted " + tag + " from " + n + " post(s)");
  }
});

render();
`;

export default function AdminTagsPage() {
  const tags = getTagStats();
  const orphans = getOrphanTags();
  const rows = [...tags.map((t) => ({ ...t, orphan: false })), ...orphans.map((tag) => ({ tag, count: 0, orphan: true }))];
  return (
    <Layout title="Tags · Admin">
      <h1>Tags</h1>
      <AdminNav current="/admin/tags" />
      <p class="muted">
        {tags.length} tags in use, {orphans.length} orphaned. Rename a tag to an existing name to merge them.
      </p>
      <p id="tag-status" role="status"></p>
      <table id="tag-table">
        <thead>
          <tr>
            <th data-sort="tag" data-label="Tag" style="cursor:pointer">
              Tag
            </th>
            <th data-sort="count" data-label="Posts" style="cursor:pointer">
              Posts ▼
            </th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody id="tag-rows">
          {rows.map((t) => (
            <tr data-tag={t.tag}>
              <td class="name">
                {t.tag} {t.orphan ? <span class="muted">(orphan)</span> : null}
              </td>
              <td>{t.count}</td>
              <td>
                <button data-action="rename">Rename</button> <button data-action="delete">Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <script type="application/json" id="tag-data">
        {JSON.stringify({ tags, orphans })}
      </script>
      <script>{CLIENT_SCRIPT}</script>
    </Layout>
  );
}
