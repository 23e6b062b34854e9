// The OpenAPI 3.1 document: the xAPI resources, the admin API, launch tokens and forwarders. Not part of the
// Worker: `npm run openapi` writes it to document.generated.json (z.toJSONSchema and the assembly take ~20 ms
// of CPU, twice the Free plan's 10 ms per request), which ./routes.ts serves; openapi.test.ts fails when the
// generated file is stale.
import type { XapiVersion } from "../env";
import { XAPI_SCHEMAS } from "../xapi/statements/validation/json-schema";
import { adminPaths, adminSchemas } from "./admin-paths";
import { ERROR_SCHEMA, type JsonSchema, rejectionResponses, SECURITY_SCHEMES } from "./components";
import { forwarderPaths, forwarderSchemas } from "./forwarder-paths";
import { tokenPaths, tokenSchemas } from "./token-paths";
import { describeVersions, versionParameter } from "./versions";
import { xapiPaths } from "./xapi-paths";

export function openapiDocument(versions: readonly XapiVersion[]): JsonSchema {
  return {
    openapi: "3.1.0",
    info: {
      title: "edge-lrs",
      version: "0.1.0",
      summary: "An xAPI Learning Record Store on Cloudflare Workers",
      description: describeVersions(versions),
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
