/**
 * The reaper's command line (`npm run reap`): its flags (parseReapArgs) and the run from listing
 * to the owners' notices (reapMain). cli/reap.ts supplies the Pulumi CLI, git and GitHub.
 */

import * as fs from "fs";
import { formatExpiry, parseExpiry, parseTtl } from "../../components/lifecycle/expiry";
import { parseFlags } from "./flags";
import { MAX_TTL, StackToolError } from "./stackFile";
import {
  decide,
  planReap,
  type ReapOutcome,
  type ReapPolicy,
  type ReapWorkspace,
  type StackSnapshot,
} from "./reaper";
import {
  collectStacks,
  describeError,
  escapeCell,
  exitCode,
  formatTable,
  runReap,
  snapshot,
} from "./reapRun";

export interface ReapOptions {
  dryRun: boolean;
  /** Set only for a dry run. */
  now?: Date;
  /** As given, e.g. `1h`; absent means no grace period. */
  grace?: string;
  graceMs: number;
  /** As given; default DEFAULT_WARN. */
  warn: string;
  warnMs: number;
  /** The project directory (Pulumi.yaml); undefined means the current directory. */
  dir?: string;
  /** Stacks whose `buildenv:shared: true` is honoured, from `--shared` and `--shared-file`. */
  sharedStacks: ReadonlySet<string>;
  /** `<remote>/<branch>` whose stack files count, fetched before every read; default the checkout. */
  gitRef?: string;
  /** Keep the owners' GitHub issues (never in a dry run). */
  notify: boolean;
}

/** How long before its expiry an owner is warned, unless `--warn` says else. */
export const DEFAULT_WARN = "2d";

export const USAGE =
  "usage: npm run reap -- [--dry-run] [--now <iso>] [--grace 1h] [--warn 2d] [--shared <stack,...>] [--shared-file <path>] [--git-ref <remote>/<branch>] [--notify] [--dir <path>]";

const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Reads the reaper's command line.
 *
 * `--now` is accepted only with `--dry-run`: it is for asking "what would be reaped then?", and
 * a real run with a clock set ahead would destroy stacks that have not expired.
 *
 * @param readFile reads `--shared-file`; default fs.readFileSync as UTF-8.
 * @throws StackToolError naming the flag, the value and what is allowed.
 */
export function parseReapArgs(
  argv: readonly string[],
  readFile: (file: string) => string = (file) => fs.readFileSync(file, "utf8"),
): ReapOptions {
  const { positionals, flags } = parseFlags(argv, {
    "dry-run": "switch",
    now: "value",
    grace: "value",
    warn: "value",
    shared: "value",
    "shared-file": "value",
    "git-ref": "value",
    notify: "switch",
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
  const graceMs = flags.grace === undefined ? 0 : durationFlag("grace", flags.grace);
  const warn = flags.warn ?? DEFAULT_WARN;
  const warnMs = durationFlag("warn", warn);
  const shared = new Set<string>();
  const addShared = (names: string[], where: string) => {
    for (const name of names) {
      if (!STACK_NAME.test(name)) {
        throw new StackToolError(
          `invalid stack name ${JSON.stringify(name)} in ${where}: Pulumi stack names are 1-100 letters, digits, '-', '_' and '.'`,
        );
      }
      shared.add(name);
    }
  };
  if (flags.shared !== undefined) {
    addShared(
      flags.shared
        .split(",")
        .map((name) => name.trim())
        .filter((n) => n !== ""),
      "--shared",
    );
  }
  if (flags["shared-file"] !== undefined) {
    let text: string;
    try {
      text = readFile(flags["shared-file"]);
    } catch (error) {
      throw new StackToolError(
        `cannot read --shared-file ${JSON.stringify(flags["shared-file"])}: ${(error as Error).message}`,
      );
    }
    addShared(
      text
        .split("\n")
        .map((line) => line.replace(/#.*/, "").trim())
        .filter((line) => line !== ""),
      `--shared-file ${flags["shared-file"]}`,
    );
  }
  const gitRef = flags["git-ref"];
  if (gitRef !== undefined && !/^[A-Za-z0-9._-]+\/[A-Za-z0-9._/-]+$/.test(gitRef)) {
    throw new StackToolError(
      `invalid --git-ref ${JSON.stringify(gitRef)}: use <remote>/<branch>, such as origin/main`,
    );
  }
  return {
    dryRun,
    graceMs,
    warn,
    warnMs,
    sharedStacks: shared,
    notify: flags.notify === "true",
    ...(now ? { now } : {}),
    ...(flags.grace ? { grace: flags.grace } : {}),
    ...(flags.dir ? { dir: flags.dir } : {}),
    ...(gitRef ? { gitRef } : {}),
  };
}

function durationFlag(name: string, value: string): number {
  const ms = parseTtl(value);
  if (ms === undefined) {
    throw new StackToolError(
      `invalid --${name} ${JSON.stringify(value)}: use a whole number of hours, days or weeks, such as 1h, 2d or 1w`,
    );
  }
  // Longer than any stack may live makes no sense, and a huge one would overflow Date.
  if (ms > parseTtl(MAX_TTL)!) {
    throw new StackToolError(
      `invalid --${name} ${JSON.stringify(value)}: at most ${MAX_TTL} is allowed`,
    );
  }
  return ms;
}

/** Where the CLI writes; `process` fits, and so does a recorder in tests. */
export interface CliOutput {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** A problem with the reaper's surroundings (no Pulumi CLI, no token): one line, no trace. */
export class ReapSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReapSetupError";
  }
}

/** What reapMain is given besides the command line. */
export interface ReapDeps {
  /** Opens the workspace for the parsed options (`dir`, `gitRef`). */
  openWorkspace(options: ReapOptions): Promise<ReapWorkspace>;
  /** Keeps the owners' issues; called only for `--notify` outside a dry run. */
  notify?(outcomes: readonly ReapOutcome[], now: Date, log: (line: string) => void): Promise<void>;
  /** The current time for a run without `--now`; default the system clock. */
  clock?(): Date;
  /** The reaper's environment, cut down for each destroy; default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads `--shared-file`. */
  readFile?(file: string): string;
}

/**
 * The reaper's command line: parse, list and read the stacks, plan, run, print the table, tell
 * the owners. Returns the exit code: 0 when everything went as planned, 1 when a stack had an
 * error, a destroy or remove failed, the owners could not be told, or the stacks could not be
 * listed; 2 for a usage error.
 */
export async function reapMain(
  argv: readonly string[],
  deps: ReapDeps,
  out: CliOutput,
): Promise<number> {
  let options: ReapOptions;
  try {
    options = parseReapArgs(argv, deps.readFile);
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
    workspace = await deps.openWorkspace(options);
    stacks = await collectStacks(workspace);
  } catch (error) {
    if (error instanceof ReapSetupError) {
      out.stderr.write(`reap: ${error.message}\n`);
      return 1;
    }
    out.stderr.write(`reap: cannot list the stacks: ${describeError(error).detail}\n`);
    return 1;
  }
  const clock = deps.clock ?? (() => new Date());
  const now = options.now ?? clock();
  const grace = options.grace === undefined ? "no grace period" : `grace ${options.grace}`;
  log(
    `reap: ${stacks.length} stack(s) at ${formatExpiry(now)}, ${grace}, warning ${options.warn} ahead${options.dryRun ? ", dry run: nothing is destroyed and nobody is notified" : ""}`,
  );
  const policy: ReapPolicy = {
    graceMs: options.graceMs,
    warnMs: options.warnMs,
    sharedStacks: options.sharedStacks,
  };
  const plan = planReap(stacks, now, policy);
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const outcomes = await runReap(plan, workspace, log, {
    dryRun: options.dryRun,
    env: deps.env ?? process.env,
    // The file is read again; the state, which a file edit cannot change, is the one read above.
    recheck: async (decision) => {
      const first = byName.get(decision.stack);
      const fresh = await snapshot(workspace, decision.stack, first?.lastUpdate);
      return decide({ ...fresh, ...(first?.state ? { state: first.state } : {}) }, clock(), policy);
    },
  });
  for (const line of formatTable(outcomes)) {
    log(line);
  }
  for (const o of outcomes) {
    if (o.warn && !o.reaped) {
      log(
        `warning: ${escapeCell(o.stack)} (owner ${escapeCell(o.owner ?? "-")}): ${escapeCell(o.result)}`,
      );
    }
  }
  let notified = true;
  if (options.notify && !options.dryRun && deps.notify) {
    try {
      await deps.notify(outcomes, now, log);
    } catch (error) {
      out.stderr.write(`reap: telling the owners failed: ${describeError(error).summary}\n`);
      notified = false;
    }
  }
  return notified ? exitCode(outcomes) : 1;
}
