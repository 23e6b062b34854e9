// The page frame of every console page: header with the store switcher and navigation, main content, no
// inline script or style (the CSP forbids them). Client code is /console/assets/console.js, loaded deferred.
import type { Child } from "hono/jsx";
import type { Viewer } from "./console-env";
import type { ViewerLocale } from "./viewer-locale";

export type PageFrame = {
  title: string;
  viewer?: Viewer;
  csrf?: string;
  /** The store the page is about, for the navigation. */
  storeId?: string;
  current?: "overview" | "statements" | "dashboard" | "admin" | "activity" | "learner";
  children?: Child;
};

export function Layout(props: PageFrame) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · edge-lrs console`}</title>
        <link rel="stylesheet" href="/console/assets/console.css" />
        <link rel="stylesheet" href="/console/assets/vendor/uPlot.min.css" />
        <script src="/console/assets/vendor/uPlot.iife.min.js" defer></script>
        <script src="/console/assets/console.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/console">
            edge-lrs
          </a>
          {props.viewer && <Navigation {...props} />}
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
      </body>
    </html>
  );
}

function Navigation(props: PageFrame) {
  const store = props.storeId ?? (props.viewer?.kind === "credential" ? props.viewer.storeId : undefined);
  const link = (name: NonNullable<PageFrame["current"]>, href: string, label: string) => (
    <li>
      <a href={href} aria-current={props.current === name ? "page" : undefined}>
        {label}
      </a>
    </li>
  );
  const base = store ? `/console/s/${encodeURIComponent(store)}` : undefined;
  return (
    <nav aria-label="Console">
      <ul>
        {base && link("overview", base, "Overview")}
        {base && link("statements", `${base}/statements`, "Statements")}
        {base && link("dashboard", `${base}/dashboard`, "Dashboard")}
        {props.viewer?.kind === "admin" && link("admin", "/console/admin", "Administration")}
        <li>
          <form method="post" action="/console/sign-out" class="inline">
            <input type="hidden" name="_csrf" value={props.csrf ?? ""} />
            <button type="submit">Sign out</button>
          </form>
        </li>
      </ul>
      {store && <p class="store-name">Store: {store}</p>}
    </nav>
  );
}

/**
 * A chart drawn by console.js from the table beside it; the table is the accessible form of the same numbers.
 * `labels` are days ('YYYY-MM-DD'), hours ('YYYY-MM-DDTHH', UTC) or category names (bars); `locale` formats
 * the numbers here and on the chart's axis.
 */
export function Chart(props: {
  id: string;
  caption: string;
  kind: "line" | "bars";
  labels: readonly string[];
  values: readonly number[];
  labelHeading: string;
  valueHeading: string;
  locale: ViewerLocale;
  resolution?: "day" | "hour";
}) {
  const resolution = props.kind === "line" ? (props.resolution ?? "day") : undefined;
  const shown = (label: string) => (resolution === "hour" ? `${label.replace("T", " ")}:00` : label);
  return (
    <figure class="chart">
      <div
        class="chart-canvas"
        id={props.id}
        data-chart={props.kind}
        data-resolution={resolution}
        data-locale={props.locale.tag}
        data-labels={JSON.stringify(props.labels)}
        data-values={JSON.stringify(props.values)}
        role="img"
        aria-label={props.caption}
      ></div>
      <details>
        <summary>{props.caption} (table)</summary>
        <table data-chart-table={props.id}>
          <thead>
            <tr>
              <th scope="col">{props.labelHeading}</th>
              <th scope="col">{props.valueHeading}</th>
            </tr>
          </thead>
          <tbody>
            {props.labels.map((label, i) => (
              <tr>
                <td>{shown(label)}</td>
                <td>{props.locale.count(props.values[i] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
