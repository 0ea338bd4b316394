/**
 * Developer stack files: create one from a template, or move its expiry.
 *
 *   npm run stack:new -- <name> [--priority low|normal|high] [--ttl 7d] [--kind local|vch]
 *                               [--owner <owner>] [--now <iso>] [--dir <path>]
 *   npm run stack:extend -- <name> [--ttl 7d] [--now <iso>] [--dir <path>]
 *
 * `extend` sets the expiry to now + ttl, not to the old expiry + ttl: the result is always what
 * the command line says, and MAX_TTL stays a real bound (repeated extensions cannot push a stack
 * months out). It can therefore move an expiry earlier; it says so when it does.
 *
 * Only the file is written: no Pulumi CLI is needed, and the stack itself is created by the
 * first `pulumi stack init` / `pulumi up`.
 */

import * as fs from "fs";
import * as path from "path";
import { formatExpiry, parseExpiry } from "../lifecycle/expiry";
import {
  DEFAULT_TTL,
  PLACEHOLDER_MARK,
  StackToolError,
  checkDeveloperStackName,
  checkOwner,
  checkPulumiStackName,
  extendStackFile,
  findPlaceholders,
  parseFlags,
  parseKind,
  parseNowFlag,
  parsePriority,
  parseTtlFlag,
  renderStackFile,
  stackFileName,
} from "../lifecycle/stackFile";

/** Where the CLI writes; `process` fits, and so does a recorder in tests. */
export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const USAGE = [
  "usage: npm run stack:new -- <name> [--priority low|normal|high] [--ttl 7d] [--kind local|vch] [--owner <owner>] [--now <iso>] [--dir <path>]",
  "       npm run stack:extend -- <name> [--ttl 7d] [--now <iso>] [--dir <path>]",
].join("\n");

/** Where templates/Pulumi.<kind>.yaml live. */
export const TEMPLATES_DIR = path.resolve(__dirname, "..", "templates");

/**
 * Runs `new` or `extend` (the first argument). Returns the exit code: 0 on success, 2 for a
 * usage error (bad command, flag or value: the reason and the usage go to stderr), 1 when the
 * file system refuses (existing or missing file, shared stack, unreadable file).
 *
 * @param argv the arguments after the script, e.g. `["new", "alice", "--ttl", "3d"]`.
 */
export function main(argv: readonly string[], out: CliOutput): number {
  const [command, ...rest] = argv;
  try {
    if (command === "new") {
      return newStack(rest, out);
    }
    if (command === "extend") {
      return extendStack(rest, out);
    }
    throw new StackToolError(
      `unknown command ${JSON.stringify(command ?? "")}; allowed: new, extend`,
    );
  } catch (error) {
    if (error instanceof StackToolError) {
      out.stderr.write(`stack: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof FileRefusal) {
      out.stderr.write(`stack: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** The file system (not the command line) is why the command cannot go on. */
class FileRefusal extends Error {}

function singleName(positionals: readonly string[], command: string): string {
  if (positionals.length !== 1) {
    throw new StackToolError(
      `stack ${command} takes exactly one stack name, got ${positionals.length}`,
    );
  }
  return positionals[0];
}

function newStack(argv: readonly string[], out: CliOutput): number {
  const { positionals, flags } = parseFlags(argv, {
    priority: "value",
    ttl: "value",
    kind: "value",
    owner: "value",
    now: "value",
    dir: "value",
  });
  const name = singleName(positionals, "new");
  checkDeveloperStackName(name);
  const owner = flags.owner ?? name;
  checkOwner(owner);
  const priority = parsePriority(flags.priority ?? "normal");
  const kind = parseKind(flags.kind ?? "local");
  const ttl = parseTtlFlag(flags.ttl ?? DEFAULT_TTL);
  const now = flags.now === undefined ? new Date() : parseNowFlag(flags.now);
  const dir = flags.dir ?? process.cwd();

  const expiresAt = new Date(now.getTime() + ttl);
  const template = fs.readFileSync(path.join(TEMPLATES_DIR, `Pulumi.${kind}.yaml`), "utf8");
  let text: string;
  try {
    text = renderStackFile(template, { owner, priority, expiresAt });
  } catch (error) {
    // A broken template is the repository's problem, not the command line's.
    throw error instanceof StackToolError
      ? new FileRefusal(`templates/Pulumi.${kind}.yaml: ${error.message}`)
      : error;
  }
  const file = stackFileName(name);
  try {
    // "wx" refuses an existing file atomically, so a concurrent run cannot be overwritten either.
    fs.writeFileSync(path.join(dir, file), text, { flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new FileRefusal(
        `${file} already exists in ${dir}; it is not overwritten (move its expiry with npm run stack:extend)`,
      );
    }
    throw error;
  }
  out.stdout.write(
    `wrote ${file}: owner ${owner}, priority ${priority}, kind ${kind}, expires ${formatExpiry(expiresAt)}\n`,
  );
  const placeholders = findPlaceholders(text);
  if (placeholders.length > 0) {
    out.stderr.write(
      `warning: ${file} still has ${PLACEHOLDER_MARK} values from templates/Pulumi.${kind}.yaml, which the platform team fills in once: ${placeholders.join(", ")}\n`,
    );
  }
  out.stdout.write(
    [
      "next:",
      `  pulumi stack init ${name}`,
      ...(kind === "vch" ? ["  pulumi config set --secret vsphere:password"] : []),
      `  commit ${file} to the default branch: the reaper reads the expiry from there`,
      "",
    ].join("\n"),
  );
  return 0;
}

function extendStack(argv: readonly string[], out: CliOutput): number {
  const { positionals, flags } = parseFlags(argv, { ttl: "value", now: "value", dir: "value" });
  const name = singleName(positionals, "extend");
  checkPulumiStackName(name);
  const ttlFlag = flags.ttl ?? DEFAULT_TTL;
  const ttl = parseTtlFlag(ttlFlag);
  const now = flags.now === undefined ? new Date() : parseNowFlag(flags.now);
  const dir = flags.dir ?? process.cwd();

  const file = stackFileName(name);
  const filePath = path.join(dir, file);
  let text: string;
  try {
    text = fs.readFileSync(filePath, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new FileRefusal(
        `${file} does not exist in ${dir}; create the stack with npm run stack:new first`,
      );
    }
    throw error;
  }
  const expiresAt = new Date(now.getTime() + ttl);
  let result: ReturnType<typeof extendStackFile>;
  try {
    result = extendStackFile(text, file, expiresAt);
  } catch (error) {
    // What is wrong here is the file, not the command line.
    throw error instanceof StackToolError ? new FileRefusal(error.message) : error;
  }
  fs.writeFileSync(filePath, result.text);
  const next = formatExpiry(expiresAt);
  out.stdout.write(`${file}: buildenv:expiresAt ${result.previous ?? "(unset)"} -> ${next}\n`);
  const previous = result.previous === undefined ? undefined : parseExpiry(result.previous);
  if (previous !== undefined && previous.getTime() > expiresAt.getTime()) {
    out.stdout.write(
      `note: this moves the expiry earlier; the stack now expires ${ttlFlag} after ${formatExpiry(now)}\n`,
    );
  }
  out.stdout.write(
    `commit ${file} to the default branch: the reaper reads the expiry from there\n`,
  );
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process);
}
