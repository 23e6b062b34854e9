import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { receiverControl, receiverOutbound } from "./test/forwarding/receiver-node";

const migrations = await readD1Migrations("./migrations");

export default defineConfig({
  plugins: [
    cloudflareTest({
      // The production entry wrapped in guards that fail a test where Cloudflare would (test/strict/limits.ts).
      main: "./test/strict/strict-worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          LRS_BOOTSTRAP_KEY: "test-key",
          LRS_BOOTSTRAP_SECRET: "test-secret",
          // Stores across several databases (src/db/store-databases.ts): DB_2 below holds the stores placed there
          // by name (test/db/store-databases.test.ts); automatic placement stays in DB, which tests read directly.
          LRS_NEW_STORE_DATABASES: "DB",
        },
        d1Databases: { DB_2: "edge-lrs-test-2" },
        // Forwarding destinations (test/forwarding/receiver-node.ts): *.receiver.test is answered in Node.
        outboundService: receiverOutbound,
        serviceBindings: { RECEIVER: receiverControl },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
});
