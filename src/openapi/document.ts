// The OpenAPI 3.1 document: the xAPI resources, the admin API and launch tokens. Static per deployment except
// for the versions it serves (LRS_XAPI_VERSIONS), so it is assembled once per isolate and version set.
import type { XapiVersion } from "../env";
import { XAPI_SCHEMAS } from "../xapi/statements/validation/json-schema";
import { adminPaths, adminSchemas } from "./admin-paths";
import { ERROR_SCHEMA, type JsonSchema, rejectionResponses, SECURITY_SCHEMES } from "./components";
import { forwarderPaths, forwarderSchemas } from "./forwarder-paths";
import { tokenPaths, tokenSchemas } from "./token-paths";
import { versionParameter, xapiPaths } from "./xapi-paths";

export function openapiDocument(versions: readonly XapiVersion[]): JsonSchema {
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-lrs",
      version: "0.1.0",
      summary: "An xAPI Learning Record Store on Cloudflare Workers",
      description: `xAPI ${versions.join(" and ")} (every xAPI request names its version in X-Experience-API-Version), the admin API and launch tokens.`,
    },
    // Relative to where this document is served, so one document fits every deployment's hostname.
    servers: [{ url: "/" }],
    paths: { ...xapiPaths(), ...tokenPaths(), ...adminPaths(), ...forwarderPaths() },
    components: {
      schemas: { ...XAPI_SCHEMAS, ...tokenSchemas(), ...adminSchemas(), ...forwarderSchemas(), Error: ERROR_SCHEMA },
      parameters: { XapiVersion: versionParameter(versions) },
      responses: rejectionResponses(),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
