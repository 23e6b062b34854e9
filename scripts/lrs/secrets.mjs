// The CLI's secrets (admin token, credential secret) come from the environment or a file, never from the
// command line: every user of the machine can read command lines (`ps`, /proc/<pid>/cmdline).
import { readFileSync } from "node:fs";

const SECRETS = [
  { option: "token", variable: "LRS_ADMIN_TOKEN" },
  { option: "secret", variable: "LRS_SECRET" },
  // An xAPI forwarder's destination credential secret (lrs forwarders create ... xapi).
  { option: "destination-secret", variable: "LRS_DESTINATION_SECRET" },
];

/** parseArgs options: --token-file / --secret-file, and --token / --secret only to refuse them with a reason. */
export const SECRET_OPTIONS = Object.fromEntries(
  SECRETS.flatMap(({ option }) => [
    [option, { type: "string" }],
    [`${option}-file`, { type: "string" }],
  ]),
);

/** Throws when a secret was given on the command line. */
export function refuseCommandLineSecrets(options) {
  for (const { option, variable } of SECRETS) {
    if (options[option] !== undefined) {
      throw new Error(
        `--${option} is refused: command lines are visible to every user of this machine (ps); ` +
          `set ${variable} in the environment or pass --${option}-file <file>`,
      );
    }
  }
}

/**
 * The secret `option` names: its file's content (one trailing line break dropped; "-" reads standard input),
 * else its variable.
 */
export function readSecret(options, option) {
  const { variable } = SECRETS.find((secret) => secret.option === option);
  const file = options[`${option}-file`];
  if (file !== undefined) return readFileSync(file === "-" ? 0 : file, "utf8").replace(/\r?\n$/, "");
  return process.env[variable];
}
