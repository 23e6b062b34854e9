// Small shared page parts.
import { Layout, type PageFrame } from "./layout";

export function Forbidden(props: { frame: PageFrame; scope: string }) {
  return (
    <Layout {...props.frame}>
      <p class="error" role="alert">
        This credential lacks the scope needed here ({props.scope}).
      </p>
    </Layout>
  );
}

export function ErrorNote(props: { message: string }) {
  return (
    <p class="error" role="alert">
      {props.message}
    </p>
  );
}
