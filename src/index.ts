// The Worker entry: the app from createApp() and the Durable Object classes wrangler binds.
import { createApp } from "./app";

export { DocumentWriter } from "./durable/document-writer";

export default createApp();
