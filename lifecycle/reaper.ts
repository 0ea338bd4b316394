/**
 * The reaper: destroys expired developer stacks and removes them from the backend.
 *
 * It is split so that every rule is tested without a Pulumi CLI: `planReap` decides from the
 * stacks' config alone (pure), `runReap` carries the decisions out through a `ReapWorkspace`
 * (tools/reap.ts adapts the Automation API's LocalWorkspace to it; tests use a fake), and
 * `reapMain` is the command line around both.
 *
 * The reaper has no volume logic: volumes declared with `keep: true` are created with
 * retainOnDelete, so `pulumi destroy` drops them from the state and leaves them in place.
 */

import { formatExpiry, parseExpiry, parseTtl } from "./expiry";
import {
  EXPIRES_AT_KEY,
  MAX_TTL,
  OWNER_KEY,
  SHARED_KEY,
  StackToolError,
  parseFlags,
  parseShared,
} from "./stackFile";

/** What the reaper needs from a Pulumi workspace; tools/reap.ts adapts LocalWorkspace to it. */
export interface ReapWorkspace {
  /** Names of the project's stacks on the configured backend (`pulumi stack ls`). */
  listStacks(): Promise<string[]>;
  /** A stack's config as `pulumi config --json` prints it; does not run the program. */
  getAllConfig(stack: string): Promise<Record<string, { value: string; secret?: boolean }>>;
  /** Selects the stack and destroys all its resources (`pulumi destroy`). */
  destroy(stack: string): Promise<void>;
  /** Removes the (empty) stack from the backend (`pulumi stack rm`). */
  removeStack(stack: string): Promise<void>;
}

/** A stack and its config values, or why its config could not be read. */
export interface StackSnapshot {
  name: string;
  config?: Readonly<Record<string, string>>;
  configError?: string;
}

/**
 * - destroy: an expired developer stack, past its grace period;
 * - keep: a developer stack that has not expired (or is still in its grace period);
 * - skip: a stack the reaper never touches (shared, or without an expiry);
 * - error: a stack whose config is unreadable or invalid; it is not touched, and the run fails.
 */
export type ReapAction = "destroy" | "keep" | "skip" | "error";

export interface ReapDecision {
  stack: string;
  owner?: string;
  /** The raw `buildenv:expiresAt` value, as written in the stack file. */
  expiresAt?: string;
  action: ReapAction;
  reason: string;
}

export interface ReapOutcome extends ReapDecision {
  /** What happened; for anything but destroy, the reason. */
  result: string;
  failed: boolean;
}

/**
 * Decides what to do with each stack, sorted by name. A stack is expired from the instant of its
 * `buildenv:expiresAt` on (as config.ts refuses to run it from then on) and is destroyed once
 * `now >= expiresAt + grace`.
 *
 * @param graceMs how long an expired stack is kept before it is destroyed; default 0.
 */
export function planReap(
  stacks: readonly StackSnapshot[],
  now: Date,
  graceMs: number = 0,
): ReapDecision[] {
  return [...stacks]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((stack) => decide(stack, now, graceMs));
}

function decide(stack: StackSnapshot, now: Date, graceMs: number): ReapDecision {
  const config = stack.config ?? {};
  const base = {
    stack: stack.name,
    ...(config[OWNER_KEY] === undefined ? {} : { owner: config[OWNER_KEY] }),
    ...(config[EXPIRES_AT_KEY] === undefined ? {} : { expiresAt: config[EXPIRES_AT_KEY] }),
  };
  if (stack.configError !== undefined) {
    return { ...base, action: "error", reason: `cannot read config: ${stack.configError}` };
  }
  let shared: boolean;
  try {
    shared = parseShared(config[SHARED_KEY]);
  } catch (error) {
    return { ...base, action: "error", reason: (error as Error).message };
  }
  if (shared) {
    return { ...base, action: "skip", reason: "shared stack: never reaped" };
  }
  if (base.expiresAt === undefined) {
    return { ...base, action: "skip", reason: `no ${EXPIRES_AT_KEY}: never reaped` };
  }
  const expiry = parseExpiry(base.expiresAt);
  if (expiry === undefined) {
    return {
      ...base,
      action: "error",
      reason: `${EXPIRES_AT_KEY} is not an ISO-8601 date or date-time with offset; not destroyed`,
    };
  }
  const expiredFor = now.getTime() - expiry.getTime();
  if (expiredFor < 0) {
    return { ...base, action: "keep", reason: "not expired" };
  }
  if (expiredFor < graceMs) {
    const destroyAt = new Date(expiry.getTime() + graceMs);
    return {
      ...base,
      action: "keep",
      reason: `expired, in grace period until ${formatExpiry(destroyAt)}`,
    };
  }
  return { ...base, action: "destroy", reason: "expired" };
}

/**
 * Lists the workspace's stacks and reads each one's config. A stack whose config cannot be read
 * is returned with `configError`; a failing list throws (without it there is nothing to plan).
 */
export async function collectStacks(workspace: ReapWorkspace): Promise<StackSnapshot[]> {
  const names = await workspace.listStacks();
  const stacks: StackSnapshot[] = [];
  for (const name of names) {
    try {
      const all = await workspace.getAllConfig(name);
      const config: Record<string, string> = {};
      for (const [key, entry] of Object.entries(all)) {
        config[key] = entry.value;
      }
      stacks.push({ name, config });
    } catch (error) {
      stacks.push({ name, configError: describeError(error).summary });
    }
  }
  return stacks;
}

export interface RunOptions {
  /** Print what would be destroyed and touch nothing; default false. */
  dryRun?: boolean;
}

/**
 * Carries out a plan, one stack after the other: destroy, and only when that succeeded, remove
 * the stack. A failure is reported (its detail logged) and the run goes on with the next stack.
 *
 * @param log receives progress lines (no trailing newline), including failure details.
 */
export async function runReap(
  plan: readonly ReapDecision[],
  workspace: ReapWorkspace,
  log: (line: string) => void,
  options: RunOptions = {},
): Promise<ReapOutcome[]> {
  const outcomes: ReapOutcome[] = [];
  for (const decision of plan) {
    if (decision.action !== "destroy") {
      outcomes.push({ ...decision, result: decision.reason, failed: decision.action === "error" });
      continue;
    }
    if (options.dryRun) {
      outcomes.push({ ...decision, result: "dry run: would destroy and remove", failed: false });
      continue;
    }
    log(`${decision.stack}: expired at ${decision.expiresAt}, destroying`);
    try {
      await workspace.destroy(decision.stack);
    } catch (error) {
      const { summary, detail } = describeError(error);
      log(`${decision.stack}: destroy failed, the stack is kept:\n${detail}`);
      outcomes.push({ ...decision, result: `destroy failed: ${summary}`, failed: true });
      continue;
    }
    try {
      await workspace.removeStack(decision.stack);
    } catch (error) {
      const { summary, detail } = describeError(error);
      log(`${decision.stack}: destroyed, but removing the stack failed:\n${detail}`);
      outcomes.push({ ...decision, result: `destroyed; remove failed: ${summary}`, failed: true });
      continue;
    }
    outcomes.push({ ...decision, result: "destroyed and removed", failed: false });
  }
  return outcomes;
}

/** The outcome table, one string per line, columns padded with spaces. */
export function formatTable(outcomes: readonly ReapOutcome[]): string[] {
  const rows = [
    ["STACK", "OWNER", "EXPIRES AT", "ACTION", "RESULT"],
    ...outcomes.map((o) => [o.stack, o.owner ?? "-", o.expiresAt ?? "-", o.action, o.result]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows.map((row) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join("  "),
  );
}

/** 1 if any stack had an error or a failed destroy or remove, else 0. */
export function exitCode(outcomes: readonly ReapOutcome[]): number {
  return outcomes.some((o) => o.failed) ? 1 : 0;
}

/**
 * A one-line summary and the detail of an error. For the Automation API's CommandError both come
 * from the command's stderr only: its message also holds stdout, and `pulumi config
 * --show-secrets` prints decrypted secrets there.
 */
export function describeError(error: unknown): { summary: string; detail: string } {
  const stderr = (error as { commandResult?: { stderr?: unknown } } | undefined)?.commandResult
    ?.stderr;
  if (typeof stderr === "string") {
    const lines = stderr
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    const summary =
      lines.find((line) => line.startsWith("error:")) ?? lines.at(-1) ?? "pulumi failed";
    return { summary, detail: stderr.trimEnd() };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { summary: message.split("\n")[0], detail: message };
}

export interface ReapOptions {
  dryRun: boolean;
  /** Set only for a dry run. */
  now?: Date;
  /** As given, e.g. `1h`; absent means no grace period. */
  grace?: string;
  graceMs: number;
  /** The project directory (Pulumi.yaml); undefined means the current directory. */
  dir?: string;
}

export const USAGE = "usage: npm run reap -- [--dry-run] [--now <iso>] [--grace 1h] [--dir <path>]";

/**
 * Reads the reaper's command line.
 *
 * `--now` is accepted only with `--dry-run`: it is for asking "what would be reaped then?", and
 * a real run with a clock set ahead would destroy stacks that have not expired.
 *
 * @throws StackToolError naming the flag, the value and what is allowed.
 */
export function parseReapArgs(argv: readonly string[]): ReapOptions {
  const { positionals, flags } = parseFlags(argv, {
    "dry-run": "switch",
    now: "value",
    grace: "value",
    dir: "value",
  });
  if (positionals.length > 0) {
    throw new StackToolError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  }
  const dryRun = flags["dry-run"] === "true";
  let now: Date | undefined;
  if (flags.now !== undefined) {
    if (!dryRun) {
      throw new StackToolError(
        "--now is accepted only with --dry-run: a real run always uses the current time",
      );
    }
    now = parseExpiry(flags.now);
    if (now === undefined) {
      throw new StackToolError(
        `invalid --now ${JSON.stringify(flags.now)}: use an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00+01:00)`,
      );
    }
  }
  let graceMs = 0;
  if (flags.grace !== undefined) {
    const grace = parseTtl(flags.grace);
    if (grace === undefined) {
      throw new StackToolError(
        `invalid --grace ${JSON.stringify(flags.grace)}: use a whole number of hours, days or weeks, such as 1h, 1d or 1w`,
      );
    }
    // A grace longer than any stack may live makes no sense, and a huge one would overflow Date.
    if (grace > parseTtl(MAX_TTL)!) {
      throw new StackToolError(
        `invalid --grace ${JSON.stringify(flags.grace)}: at most ${MAX_TTL} is allowed`,
      );
    }
    graceMs = grace;
  }
  return {
    dryRun,
    graceMs,
    ...(now ? { now } : {}),
    ...(flags.grace ? { grace: flags.grace } : {}),
    ...(flags.dir ? { dir: flags.dir } : {}),
  };
}

/** Where the CLI writes; `process` fits, and so does a recorder in tests. */
export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/**
 * The reaper's command line: parse, list and read the stacks, plan, run, print the table.
 * Returns the exit code: 0 when everything went as planned, 1 when a stack had an error or a
 * destroy or remove failed (or the stacks could not be listed), 2 for a usage error.
 *
 * @param openWorkspace opens the workspace of a project directory (`dir` or the current one).
 * @param clock the current time for a run without `--now`; default the system clock.
 */
export async function reapMain(
  argv: readonly string[],
  openWorkspace: (dir: string | undefined) => Promise<ReapWorkspace>,
  out: CliOutput,
  clock: () => Date = () => new Date(),
): Promise<number> {
  let options: ReapOptions;
  try {
    options = parseReapArgs(argv);
  } catch (error) {
    if (error instanceof StackToolError) {
      out.stderr.write(`reap: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const log = (line: string) => out.stdout.write(`${line}\n`);
  let stacks: StackSnapshot[];
  let workspace: ReapWorkspace;
  try {
    workspace = await openWorkspace(options.dir);
    stacks = await collectStacks(workspace);
  } catch (error) {
    out.stderr.write(`reap: cannot list the stacks: ${describeError(error).detail}\n`);
    return 1;
  }
  const now = options.now ?? clock();
  const grace = options.grace === undefined ? "no grace period" : `grace ${options.grace}`;
  log(
    `reap: ${stacks.length} stack(s) at ${formatExpiry(now)}, ${grace}${options.dryRun ? ", dry run: nothing is destroyed" : ""}`,
  );
  const plan = planReap(stacks, now, options.graceMs);
  const outcomes = await runReap(plan, workspace, log, { dryRun: options.dryRun });
  for (const line of formatTable(outcomes)) {
    log(line);
  }
  return exitCode(outcomes);
}
