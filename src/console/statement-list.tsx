// Statements as a list of sentences, each opening (a <details>, no script) to its pretty-printed JSON.
import { agentKey } from "../xapi/agents/identifier";
import { storedStatement } from "../xapi/statements/stored-statement";
import type { QueriedRow } from "../statement-store/query/index-read";
import { statementSentence, voidedTarget } from "./statement-sentence";
import type { Json } from "../json";

export function StatementItem(props: { row: QueriedRow; base: string; voided?: boolean }) {
  const statement = storedStatement(props.row);
  const voids = voidedTarget(statement);
  const actorKey = agentKey((statement.actor ?? {}) as Json);
  const object = (statement.object ?? {}) as Json;
  const activityId = (object.objectType ?? "Activity") === "Activity" && typeof object.id === "string" ? object.id : undefined;
  return (
    <li class={props.voided ? "statement voided" : "statement"} data-seq={String(props.row.seq)} data-statement-id={String(statement.id ?? "")}>
      <details>
        <summary>
          <span class="sentence">{statementSentence(statement)}</span>{" "}
          {props.voided && <span class="badge voided">voided</span>}{" "}
          {voids && (
            <a class="badge" href={`${props.base}/statements?statementId=${encodeURIComponent(voids)}`}>
              voids {voids}
            </a>
          )}{" "}
          <time datetime={String(statement.stored)}>{String(statement.stored).replace("T", " ").slice(0, 19)}</time>
        </summary>
        <p class="links">
          {actorKey && <a href={`${props.base}/learner?agent=${encodeURIComponent(actorKey)}`}>Learner</a>}{" "}
          {activityId && <a href={`${props.base}/activity?activityId=${encodeURIComponent(activityId)}`}>Activity</a>}
        </p>
        <pre class="json">{JSON.stringify(statement, null, 2)}</pre>
      </details>
    </li>
  );
}

export function StatementList(props: { rows: QueriedRow[]; base: string; id?: string }) {
  return (
    <ol class="statements" id={props.id}>
      {props.rows.map((row) => (
        <StatementItem row={row} base={props.base} />
      ))}
    </ol>
  );
}
