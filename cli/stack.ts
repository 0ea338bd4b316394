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
 * The file is what counts (the reaper decides from it as committed). Where a Pulumi CLI is on
 * PATH, owner and expiry are also mirrored into stack tags (`pulumi stack tag set`; self-managed
 * backends keep tags since 3.211) so that `pulumi stack ls --tag-filter` shows them; without a
 * CLI, or before the stack exists, the command says the tags were not set and still succeeds.
 */

import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { formatExpiry, parseExpiry } from "../components/lifecycle/expiry";
import {
  DEFAULT_TTL,
  MAX_TTL,
  PLACEHOLDER_MARK,
  StackToolError,
  checkDeveloperStackName,
  checkOwner,
  checkPulumiStackName,
  findPlaceholders,
  parseKind,
  parseNowFlag,
  parsePriority,
  parseTtlFlag,
  readStackFacts,
  stackFileName,
} from "./lifecycle/stackFile";
import { extendStackFile, renderStackFile } from "./lifecycle/stackFileEdit";
import { parseFlags } from "./lifecycle/flags";
import {
  FileWriteError,
  errnoReason,
  existed,
  lockFile,
  writeFileAtomic,
} from "./workspace/atomicFile";

/** Where the CLI writes; `process` fits, and so does a recorder in tests. */
export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const USAGE = [
  "usage: npm run stack:new -- <name> [--priority low|normal|high] [--ttl 7d] [--kind local|vch] [--owner <owner>] [--now <iso>] [--dir <path>]",
  "       npm run stack:extend -- <name> [--ttl 7d] [--now <iso>] [--dir <path>]",
].join("\n");

/** The stack tags that mirror owner and expiry. */
export const OWNER_TAG = "buildenv:owner";
export const EXPIRES_AT_TAG = "buildenv:expiresAt";

/**
 * Mirrors `tags` onto the stack with `pulumi stack tag set <name> <value> --stack <stack>`, one
 * after the other, stopping at the first failure. Never fails the command: reports what it did.
 *
 * @param env the environment the CLI runs with and is looked up in (PATH); default process.env.
 */
export function setStackTags(
  stack: string,
  tags: Readonly<Record<string, string>>,
  dir: string,
  out: CliOutput,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  const names = Object.keys(tags);
  for (const name of names) {
    const result = spawnSync(
      "pulumi",
      ["stack", "tag", "set", name, tags[name], "--stack", stack],
      {
        cwd: dir,
        env,
        encoding: "utf8",
      },
    );
    if (result.error !== undefined) {
      const why =
        (result.error as NodeJS.ErrnoException).code === "ENOENT"
          ? "no Pulumi CLI on PATH"
          : result.error.message;
      out.stdout.write(
        `note: stack tags ${names.join(", ")} not set (${why}); the reaper goes by the committed file, tags only help pulumi stack ls --tag-filter\n`,
      );
      return false;
    }
    if (result.status !== 0) {
      const line =
        result.stderr
          .split("\n")
          .map((l) => l.trim())
          .find((l) => l !== "") ?? `exit ${result.status}`;
      out.stdout.write(
        `note: stack tags ${names.join(", ")} not set: ${line}; the reaper goes by the committed file\n`,
      );
      return false;
    }
  }
  out.stdout.write(`stack tags set: ${names.map((name) => `${name}=${tags[name]}`).join(", ")}\n`);
  return true;
}

/** Where stacks/templates/Pulumi.<kind>.yaml live. */
export const TEMPLATES_DIR = path.resolve(__dirname, "..", "stacks", "templates");

/**
 * Runs `new` or `extend` (the first argument). Returns the exit code: 0 on success, 2 for a
 * usage error (bad command, flag or value: the reason and the usage go to stderr), 1 when the
 * file system refuses (existing or missing file, shared stack, unreadable file).
 *
 * @param argv the arguments after the script, e.g. `["new", "alice", "--ttl", "3d"]`.
 * @param env where the Pulumi CLI for the stack tags is looked up, and its environment.
 */
export function main(
  argv: readonly string[],
  out: CliOutput,
  env: NodeJS.ProcessEnv = process.env,
): number {
  const [command, ...rest] = argv;
  try {
    if (command === "new") {
      return newStack(rest, out, env);
    }
    if (command === "extend") {
      return extendStack(rest, out, env);
    }
    throw new StackToolError(
      `unknown command ${JSON.stringify(command ?? "")}; allowed: new, extend`,
    );
  } catch (error) {
    if (error instanceof StackToolError) {
      out.stderr.write(`stack: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof FileRefusal || error instanceof FileWriteError) {
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

function newStack(argv: readonly string[], out: CliOutput, env: NodeJS.ProcessEnv): number {
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
      ? new FileRefusal(`stacks/templates/Pulumi.${kind}.yaml: ${error.message}`)
      : error;
  }
  const file = stackFileName(name);
  checkDirectory(dir);
  try {
    // Exclusive: an existing file (or one a concurrent run just created) is never overwritten.
    writeFileAtomic(path.join(dir, file), text, { exclusive: true, display: file });
  } catch (error) {
    if (existed(error)) {
      throw new FileRefusal(
        `${file} already exists in ${dir}; it is not overwritten (move its expiry with npm run stack:extend)`,
      );
    }
    throw error;
  }
  out.stdout.write(
    `wrote ${file}: owner ${owner}, priority ${priority}, kind ${kind}, expires ${formatExpiry(expiresAt)}\n`,
  );
  setStackTags(
    name,
    { [OWNER_TAG]: owner, [EXPIRES_AT_TAG]: formatExpiry(expiresAt) },
    dir,
    out,
    env,
  );
  const placeholders = findPlaceholders(text);
  if (placeholders.length > 0) {
    out.stderr.write(
      `warning: ${file} still has ${PLACEHOLDER_MARK} values from stacks/templates/Pulumi.${kind}.yaml, which the platform team fills in once: ${placeholders.join(", ")}\n`,
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

function extendStack(argv: readonly string[], out: CliOutput, env: NodeJS.ProcessEnv): number {
  const { positionals, flags } = parseFlags(argv, { ttl: "value", now: "value", dir: "value" });
  const name = singleName(positionals, "extend");
  checkPulumiStackName(name);
  const ttlFlag = flags.ttl ?? DEFAULT_TTL;
  const ttl = parseTtlFlag(ttlFlag);
  const now = flags.now === undefined ? new Date() : parseNowFlag(flags.now);
  const dir = flags.dir ?? process.cwd();

  const file = stackFileName(name);
  const filePath = path.join(dir, file);
  checkDirectory(dir);
  const expiresAt = new Date(now.getTime() + ttl);
  // Concurrent extends (and the restore of npm run up) of one file take turns: each reads the
  // file another has finished writing, and none overwrites another's change with an older read.
  const release = lockFile(filePath, { display: file });
  let result: ReturnType<typeof extendStackFile>;
  let owner: unknown;
  try {
    const text = readRegularFile(filePath, file, dir);
    try {
      result = extendStackFile(text, file, expiresAt);
    } catch (error) {
      // What is wrong here is the file, not the command line.
      throw error instanceof StackToolError ? new FileRefusal(error.message) : error;
    }
    owner = readStackFacts(text, file).owner ?? name;
    writeFileAtomic(filePath, result.text, { display: file });
  } finally {
    release();
  }
  const next = formatExpiry(expiresAt);
  out.stdout.write(`${file}: buildenv:expiresAt ${result.previous ?? "(unset)"} -> ${next}\n`);
  const previous = result.previous === undefined ? undefined : parseExpiry(result.previous);
  if (previous !== undefined && previous.getTime() > expiresAt.getTime()) {
    out.stdout.write(
      `note: this moves the expiry earlier; the stack now expires ${ttlFlag} after ${formatExpiry(now)}\n`,
    );
  }
  setStackTags(
    name,
    { ...(typeof owner === "string" ? { [OWNER_TAG]: owner } : {}), [EXPIRES_AT_TAG]: next },
    dir,
    out,
    env,
  );
  out.stdout.write(`${EXTEND_NOT_YET(file)}\n`);
  return 0;
}

/**
 * What stack:extend says last: the reaper goes by the file on the default branch, so an
 * extension that is only on disk (or on a branch) does not count yet.
 */
export const EXTEND_NOT_YET = (file: string) =>
  `not counted yet: the reaper goes by ${file} as committed on the default branch, so until you commit this change there it still goes by the expiry committed before; once there, that commit counts as activity and the expiry may lie up to ${MAX_TTL} after it`;

/** @throws FileRefusal unless `dir` is a directory. */
function checkDirectory(dir: string): void {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(dir);
  } catch (error) {
    throw new FileRefusal(`--dir ${JSON.stringify(dir)}: ${errnoReason(error)}`);
  }
  if (!stats.isDirectory()) {
    throw new FileRefusal(`--dir ${JSON.stringify(dir)} is not a directory`);
  }
}

/**
 * The stack file's text. O_NOFOLLOW: a stack file that is a symlink could point anywhere (another
 * stack's file, a file outside the project); it is refused rather than followed, atomically with
 * the open (and the rename that follows replaces the path, never a link's target).
 */
function readRegularFile(filePath: string, file: string, dir: string): string {
  let fd: number;
  try {
    fd = fs.openSync(filePath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      throw new FileRefusal(
        `${file} does not exist in ${dir}; create the stack with npm run stack:new first`,
      );
    }
    if (code === "ELOOP") {
      throw new FileRefusal(
        `${file} in ${dir} is a symlink; stack:extend edits only a regular stack file, replace the link with the file itself`,
      );
    }
    throw new FileRefusal(`cannot read ${file} in ${dir}: ${errnoReason(error)}`);
  }
  try {
    return fs.readFileSync(fd, "utf8");
  } finally {
    fs.closeSync(fd);
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process);
}
