// The Worker entry: the app from createApp(), the scheduled orphan-attachment sweep, and the Durable Object
// classes wrangler binds.
import { createApp } from "./app";
import type { Bindings } from "./env";
import { sweepOrphanAttachmentsEverywhere } from "./xapi/statements/attachments/orphan-sweep";

export { DocumentWriter } from "./durable/document-writer";

const app = createApp();

export default {
  fetch: app.fetch,
  scheduled(_controller, env, ctx) {
    ctx.waitUntil(sweepOrphanAttachmentsEverywhere(env.DB, env.BLOBS).then(() => undefined));
  },
} satisfies ExportedHandler<Bindings>;
