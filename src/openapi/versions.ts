// The only parts of the OpenAPI document that depend on the deployment: the versions it serves
// (LRS_XAPI_VERSIONS), in the description and the X-Experience-API-Version parameter. Shared by the builder and
// by the route, which applies them to the prebuilt document.
import type { XapiVersion } from "../env";
import type { JsonSchema } from "./components";

export function describeVersions(versions: readonly XapiVersion[]): string {
  return `xAPI ${versions.join(" and ")} (every xAPI request names its version in X-Experience-API-Version), the admin API and launch tokens.`;
}

/** `X-Experience-API-Version`: 1.0 / 1.0.x select the 1.0.3 rules, 2.0 / 2.0.x the 2.0 rules (src/xapi/version.ts). */
export function versionParameter(versions: readonly XapiVersion[]): JsonSchema {
  const families = versions.map((version) => version.slice(0, 3).replace(".", "\\."));
  return {
    name: "X-Experience-API-Version",
    in: "header",
    required: true,
    description: `the xAPI version the request follows; this deployment serves ${versions.join(", ")}`,
    schema: { type: "string", pattern: `^(${families.join("|")})(\\.\\d+)?$`, examples: [...versions] },
  };
}

type VersionedParts = { info: JsonSchema; components: JsonSchema & { parameters: JsonSchema } };

/** The document with the versions' description and header parameter in place (the rest is untouched). */
export function withVersions<T extends VersionedParts>(document: T, versions: readonly XapiVersion[]): T {
  return {
    ...document,
    info: { ...document.info, description: describeVersions(versions) },
    components: {
      ...document.components,
      parameters: { ...document.components.parameters, XapiVersion: versionParameter(versions) },
    },
  };
}
