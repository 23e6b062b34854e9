// `npm start` hands the Worker its secrets (bootstrap credential, admin token) through an env file that
// `wrangler dev --env-file` reads, not through `--var NAME:VALUE`: command lines are visible to every user (ps).
// The file is 0600 in a 0700 folder under .wrangler (gitignored), one per port so that a run killed with SIGKILL
// leaves at most one behind, overwritten by the next start on that port; removeWorkerVarsFile() runs at exit.
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * One `NAME=value` line that wrangler's dotenv 16 parser and dotenv-expand 12 read back as exactly `value`:
 * `$` escaped as `\$` (else expanded), quoted with a quote character the value does not hold (single quotes
 * and backticks are literal; double quotes turn \n and \r into line breaks).
 */
export function envFileLine(name, value) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`${name}: not a variable name`);
  const refuse = (why) => new Error(`${name} cannot be handed to wrangler dev: ${why}`);
  if (/[\r\n]/.test(value)) throw refuse("it holds a line break");
  if (value.endsWith("\\")) throw refuse("it ends with a backslash");
  const escaped = value.replace(/\$/g, "\\$");
  const quote = ["'", "`", '"'].find((q) => !value.includes(q) && (q !== '"' || !/\\[nr]/.test(value)));
  if (!quote) throw refuse("it holds every quote character");
  return `${name}=${quote}${escaped}${quote}\n`;
}

/** Writes `vars` (name → value) to `<stateRoot>/start-env/<port>.env`, readable by this user only; returns its path. */
export function writeWorkerVarsFile(stateRoot, port, vars) {
  const dir = join(stateRoot, "start-env");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${port}.env`);
  rmSync(path, { force: true }); // a fresh file, so the mode below applies (writeFile keeps an old file's mode)
  writeFileSync(path, Object.entries(vars).map(([name, value]) => envFileLine(name, value)).join(""), { mode: 0o600, flag: "wx" });
  return path;
}

export function removeWorkerVarsFile(path) {
  if (path && existsSync(path)) rmSync(path, { force: true });
}
