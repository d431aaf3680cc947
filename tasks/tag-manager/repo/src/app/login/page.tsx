import { h } from "../../lib/jsx";
import { Layout } from "../../components/Layout";
import type { PageProps } from "../../router";

export default function LoginPage({ searchParams }: PageProps) {
  const next = searchParams.next?.startsWith("/") ? searchParams.next : "/admin";
  return (
    <Layout title="Log in">
      <h1>Admin log in</h1>
      {searchParams.error ? <p style={{ color: "#cf222e" }}>Wrong token.</p> : null}
      <form method="post" action="/api/login">
        <input type="hidden" name="next" value={next} />
        <label>
          Admin token <input type="password" name="token" autofocus />
        </label>{" "}
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}
