/**
 * The reaper: destroys expired developer stacks, removes them from the backend, and tells owners
 * before their stack goes.
 *
 * It is split so that every rule is tested without a Pulumi CLI: `planReap` decides from the
 * stacks' committed files alone (pure), `runReap` carries the decisions out through a
 * `ReapWorkspace` (cli/reap.ts runs the Pulumi CLI; tests use a fake), `notifyOwners`
 * (notices.ts) keeps one GitHub issue per expiring stack, and `reapMain` is the command line.
 *
 * What a security reviewer asked for, and where it is:
 * - Nothing is decrypted: the reaper reads `Pulumi.<stack>.yaml` as committed (plain values; a
 *   `secure:` value stays an opaque object), never `pulumi config --show-secrets`, which
 *   `LocalWorkspace.getAllConfig` runs (pulumi/pulumi sdk/nodejs/automation/localWorkspace.ts,
 *   `getAllConfig`).
 * - A developer cannot exempt their own stack: `buildenv:shared: true` counts only for stacks on
 *   the reaper's own `--shared` list, and an expiry more than MAX_TTL after the stack's last
 *   update is capped there.
 * - Each destroy gets only the environment its stack's providers need (`destroyEnvironment`).
 * - Local-engine stacks live on laptops and are reported, never destroyed from CI.
 *
 * The reaper has no volume logic: volumes declared with `keep: true` are created with
 * retainOnDelete, so `pulumi destroy` drops them from the state and leaves them in place.
 */

import * as fs from "fs";
import { formatExpiry, parseExpiry, parseTtl } from "../../components/lifecycle/expiry";
import {
  EXPIRES_AT_KEY,
  MAX_TTL,
  SHARED_KEY,
  StackToolError,
  parseFlags,
  parseShared,
  readStackFacts,
  stackFileName,
  type StackFileFacts,
} from "./stackFile";

/** A stack as `pulumi stack ls --json` lists it. */
export interface StackListing {
  name: string;
  /** ISO-8601 time of the last update (`lastUpdate`); absent for a stack never updated. */
  lastUpdate?: string;
}

/** What the reaper needs from the Pulumi CLI and the repository; cli/reap.ts implements it. */
export interface ReapWorkspace {
  /** The project's stacks on the configured backend (`pulumi stack ls --json`). */
  listStacks(): Promise<StackListing[]>;
  /**
   * The stack file `Pulumi.<stack>.yaml` as committed on the default branch, read afresh on
   * every call (so an extension committed during a run is seen); undefined when there is none.
   */
  readStackFile(stack: string): Promise<string | undefined>;
  /**
   * The types of the resources in the stack's state (`pulumi stack export` without
   * `--show-secrets`, which decrypts nothing).
   */
  stateResourceTypes(stack: string): Promise<string[]>;
  /** `pulumi destroy` of the stack, run with exactly `env` as its environment. */
  destroy(stack: string, env: Readonly<Record<string, string>>): Promise<void>;
  /** `pulumi stack rm` of the (empty) stack, run with exactly `env` as its environment. */
  removeStack(stack: string, env: Readonly<Record<string, string>>): Promise<void>;
}

/** A stack, its listing and what its committed file says (or why it could not be read). */
export interface StackSnapshot {
  name: string;
  lastUpdate?: string;
  /** Undefined when the stack has no committed file. */
  facts?: StackFileFacts;
  fileError?: string;
  /** Set when the backend listed this name (ignoring case) more than once. */
  duplicate?: boolean;
  /** What the stack's state holds, whatever its file says; undefined when not read. */
  state?: StateFacts;
  stateError?: string;
}

/** What a stack's state shows about it. */
export interface StateFacts {
  /** vSphere resources (a VCH): `vsphere:*`, its provider, or buildenv's VCH component. */
  vsphere: boolean;
  /** GitHub resources (Actions secrets): `github:*` or its provider. */
  github: boolean;
}

/** Reads StateFacts from the resource types of a state. */
export function stateFacts(types: readonly string[]): StateFacts {
  return {
    vsphere: types.some(
      (t) =>
        t.startsWith("vsphere:") ||
        t.startsWith("buildenv:vsphere:") ||
        t === "pulumi:providers:vsphere",
    ),
    github: types.some((t) => t.startsWith("github:") || t === "pulumi:providers:github"),
  };
}

/**
 * - destroy: an expired developer stack on a VCH, past its grace period;
 * - keep: a developer stack that has not expired (or is still in its grace period);
 * - report: expired, but the reaper never destroys it (on a laptop's local engine, or managing
 *   GitHub secrets it holds no token for); its owner is told to tear it down;
 * - skip: a stack the reaper never touches (on the shared list, no committed file, local without
 *   an expiry);
 * - error: the stack is not touched, and the run fails (unreadable or invalid file, duplicate
 *   name, a VCH stack without an expiry that is not on the shared list).
 */
export type ReapAction = "destroy" | "keep" | "report" | "skip" | "error";

export interface ReapDecision {
  stack: string;
  owner?: string;
  /** The owner's GitHub handle (`buildenv:contact`), when valid. */
  contact?: string;
  /** The raw `buildenv:expiresAt` value, as written in the stack file. */
  expiresAt?: string;
  /** The instant the reaper goes by: the expiry, capped at last update + MAX_TTL. */
  effectiveExpiry?: string;
  action: ReapAction;
  reason: string;
  /** The owner is to be told: the stack expires within the warning window or has expired. */
  warn: boolean;
  hostKind?: string;
}

export interface ReapOutcome extends ReapDecision {
  /** What happened; for anything but destroy, the reason. */
  result: string;
  failed: boolean;
  /** The stack was destroyed and removed. */
  reaped: boolean;
}

/** How the reaper decides. */
export interface ReapPolicy {
  /** How long an expired stack is kept before it is destroyed; default 0. */
  graceMs?: number;
  /** How long before its expiry an owner is warned; default 0 (no warnings). */
  warnMs?: number;
  /** Stacks whose `buildenv:shared: true` is honoured: the platform team's list; default none. */
  sharedStacks?: ReadonlySet<string>;
  /** The longest an expiry may lie after the stack's last update; default MAX_TTL. */
  maxTtlMs?: number;
}

const GITHUB_HANDLE = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

/**
 * Decides what to do with each stack, sorted by name. A stack is expired from the instant of its
 * effective expiry on (as config.ts refuses to run it from then on) and is destroyed once
 * `now >= effective expiry + grace`.
 */
export function planReap(
  stacks: readonly StackSnapshot[],
  now: Date,
  policy: ReapPolicy = {},
): ReapDecision[] {
  const counts = new Map<string, number>();
  for (const stack of stacks) {
    const key = stack.name.toLowerCase();
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...stacks]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((stack) =>
      decide(
        { ...stack, duplicate: stack.duplicate || counts.get(stack.name.toLowerCase())! > 1 },
        now,
        policy,
      ),
    );
}

/** The decision for one stack; planReap applies it to all, and runReap again before a destroy. */
export function decide(stack: StackSnapshot, now: Date, policy: ReapPolicy = {}): ReapDecision {
  const graceMs = policy.graceMs ?? 0;
  const warnMs = policy.warnMs ?? 0;
  const maxTtlMs = policy.maxTtlMs ?? parseTtl(MAX_TTL)!;
  const facts = stack.facts;
  const base = {
    stack: stack.name,
    warn: false,
    ...(facts?.owner === undefined ? {} : { owner: plainText(facts.owner) }),
    ...(typeof facts?.contact === "string" && GITHUB_HANDLE.test(facts.contact)
      ? { contact: facts.contact }
      : {}),
    ...(facts?.expiresAt === undefined ? {} : { expiresAt: plainText(facts.expiresAt) }),
    ...(facts === undefined
      ? {}
      : // The state outranks the file: a developer who rewrites kind: vch to local in their
        // file must not turn their VCH into a laptop stack the reaper only reports.
        { hostKind: stack.state?.vsphere ? "vch" : plainText(facts.hostKind) }),
  };
  if (stack.duplicate) {
    return {
      ...base,
      action: "error",
      reason:
        "the backend lists this stack name more than once (ignoring case); none of them is touched",
    };
  }
  if (stack.fileError !== undefined) {
    return {
      ...base,
      action: "error",
      reason: `cannot read ${stackFileName(stack.name)}: ${stack.fileError}`,
    };
  }
  if (policy.sharedStacks?.has(stack.name)) {
    return { ...base, action: "skip", reason: "on the reaper's shared list: never reaped" };
  }
  if (stack.stateError !== undefined) {
    return { ...base, action: "error", reason: `cannot read the state: ${stack.stateError}` };
  }
  if (facts === undefined) {
    // Deleting the file must not be a way to keep a VCH forever: say so, and fail the run.
    return stack.state?.vsphere
      ? {
          ...base,
          action: "error",
          reason: `no committed ${stackFileName(stack.name)}, but its state holds vSphere resources: not destroyed without an expiry; restore the file or ask the platform team`,
        }
      : {
          ...base,
          action: "skip",
          reason: `no committed ${stackFileName(stack.name)}: not reaped`,
        };
  }
  let notes =
    stack.state?.vsphere && facts.hostKind !== "vch"
      ? `; its file says buildenv:host.kind ${JSON.stringify(facts.hostKind)}, but its state holds vSphere resources: treated as a VCH stack`
      : "";
  try {
    if (parseShared(facts.shared)) {
      notes += `; ${SHARED_KEY}: true ignored, the stack is not on the reaper's shared list`;
    }
  } catch (error) {
    return { ...base, action: "error", reason: (error as Error).message };
  }
  const local = base.hostKind === "local";
  if (base.hostKind !== "local" && base.hostKind !== "vch") {
    return {
      ...base,
      action: "error",
      reason: `buildenv:host.kind is ${JSON.stringify(facts.hostKind)}: it must be local or vch; not destroyed`,
    };
  }
  if (base.expiresAt === undefined) {
    return local
      ? { ...base, action: "skip", reason: `local stack without ${EXPIRES_AT_KEY}${notes}` }
      : {
          ...base,
          action: "error",
          reason: `no ${EXPIRES_AT_KEY} and not on the reaper's shared list: not destroyed; set an expiry or ask the platform team to list it as shared${notes}`,
        };
  }
  const written = typeof facts.expiresAt === "string" ? parseExpiry(facts.expiresAt) : undefined;
  if (written === undefined) {
    return {
      ...base,
      action: "error",
      reason: `${EXPIRES_AT_KEY} is not an ISO-8601 date or date-time with offset; not destroyed`,
    };
  }
  let expiry = written;
  const lastUpdate = stack.lastUpdate === undefined ? undefined : new Date(stack.lastUpdate);
  if (lastUpdate !== undefined && !Number.isNaN(lastUpdate.getTime())) {
    const cap = new Date(lastUpdate.getTime() + maxTtlMs);
    if (expiry.getTime() > cap.getTime()) {
      expiry = cap;
      notes += `; capped at ${formatExpiry(cap)}, ${MAX_TTL} after the last update`;
    }
  }
  const decided = { ...base, effectiveExpiry: formatExpiry(expiry) };
  const expiredFor = now.getTime() - expiry.getTime();
  if (expiredFor < 0) {
    const warn = -expiredFor <= warnMs;
    return {
      ...decided,
      action: "keep",
      warn,
      reason: `${warn ? `expires within the warning window, at ${decided.effectiveExpiry}` : "not expired"}${notes}`,
    };
  }
  if (local) {
    return {
      ...decided,
      action: "report",
      warn: true,
      reason: `expired; on the local engine of its owner's machine, which the reaper never destroys from CI: its owner runs pulumi destroy${notes}`,
    };
  }
  if (facts.github || stack.state?.github) {
    return {
      ...decided,
      action: "report",
      warn: true,
      reason: `expired; it manages GitHub Actions secrets (buildenv:github) and the reaper holds no GitHub admin token: the platform team destroys it${notes}`,
    };
  }
  if (expiredFor < graceMs) {
    const destroyAt = new Date(expiry.getTime() + graceMs);
    return {
      ...decided,
      action: "keep",
      warn: true,
      reason: `expired, in grace period until ${formatExpiry(destroyAt)}${notes}`,
    };
  }
  return { ...decided, action: "destroy", warn: true, reason: `expired${notes}` };
}

/** A value from a stack file as table text: strings as they are, anything else as JSON. */
function plainText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}

/**
 * Lists the stacks, reads each one's committed file and what its state holds. A stack whose file or state cannot be read is returned with `fileError`/`stateError`; a
 * failing list throws (without it there is nothing to plan).
 */
export async function collectStacks(workspace: ReapWorkspace): Promise<StackSnapshot[]> {
  const listed = await workspace.listStacks();
  const stacks: StackSnapshot[] = [];
  for (const { name, lastUpdate } of listed) {
    const stack = await snapshot(workspace, name, lastUpdate);
    if (stack.fileError === undefined) {
      try {
        stack.state = stateFacts(await workspace.stateResourceTypes(name));
      } catch (error) {
        stack.stateError = describeError(error).summary;
      }
    }
    stacks.push(stack);
  }
  return stacks;
}

async function snapshot(
  workspace: ReapWorkspace,
  name: string,
  lastUpdate: string | undefined,
): Promise<StackSnapshot> {
  const base = { name, ...(lastUpdate === undefined ? {} : { lastUpdate }) };
  try {
    const text = await workspace.readStackFile(name);
    return text === undefined
      ? base
      : { ...base, facts: readStackFacts(text, stackFileName(name)) };
  } catch (error) {
    return { ...base, fileError: describeError(error).summary };
  }
}

/**
 * The environment a stack's destroy runs with, and nothing else: `@pulumi/command` hands its
 * delete commands the whole environment of the CLI, and those commands come from a state that the
 * stack's developer can write. So: the CLI's own variables, the stack's own passphrase
 * (`PULUMI_CONFIG_PASSPHRASE_<STACK>`, the name upper-cased with every other character as `_`;
 * else the team's `PULUMI_CONFIG_PASSPHRASE`), and vSphere credentials for a VCH stack only.
 * Never GITHUB_TOKEN or any other variable of the reaper's own environment.
 */
export function destroyEnvironment(
  stack: string,
  hostKind: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const keys = ["PATH", "HOME", "PULUMI_HOME", "PULUMI_BACKEND_URL"];
  if (hostKind === "vch") {
    keys.push("VSPHERE_SERVER", "VSPHERE_USER", "VSPHERE_PASSWORD", "VSPHERE_ALLOW_UNVERIFIED_SSL");
  }
  const out: Record<string, string> = {};
  for (const key of keys) {
    const value = env[key];
    if (value !== undefined && value !== "") {
      out[key] = value;
    }
  }
  const passphrase = env[passphraseVariable(stack)] ?? env.PULUMI_CONFIG_PASSPHRASE;
  if (passphrase !== undefined) {
    out.PULUMI_CONFIG_PASSPHRASE = passphrase;
  }
  out.PULUMI_SKIP_UPDATE_CHECK = "true";
  return out;
}

/** `PULUMI_CONFIG_PASSPHRASE_<STACK>`: where a stack's own passphrase is looked up. */
export function passphraseVariable(stack: string): string {
  return `PULUMI_CONFIG_PASSPHRASE_${stack.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export interface RunOptions {
  /** Print what would be destroyed and touch nothing; default false. */
  dryRun?: boolean;
  /** The reaper's environment, from which each destroy's is cut; default {}. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Decides a stack again right before its destroy, from its file read afresh; a stack whose
   * decision is no longer destroy (extended meanwhile) is kept. Default: no second look.
   */
  recheck?: (decision: ReapDecision) => Promise<ReapDecision>;
}

/**
 * Carries out a plan, one stack after the other: re-check, destroy, and only when that
 * succeeded, remove the stack. A failure is reported (its detail logged) and the run goes on.
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
  for (const planned of plan) {
    if (planned.action !== "destroy") {
      outcomes.push(outcome(planned, planned.reason, planned.action === "error"));
      continue;
    }
    if (options.dryRun) {
      outcomes.push(outcome(planned, "dry run: would destroy and remove", false));
      continue;
    }
    const decision = options.recheck ? await options.recheck(planned) : planned;
    if (decision.action !== "destroy") {
      log(`${planned.stack}: not destroyed, its file changed during the run: ${decision.reason}`);
      outcomes.push(
        outcome(
          decision,
          `re-read before destroy: ${decision.reason}`,
          decision.action === "error",
        ),
      );
      continue;
    }
    const env = destroyEnvironment(decision.stack, decision.hostKind, options.env ?? {});
    log(`${decision.stack}: expired at ${decision.effectiveExpiry}, destroying`);
    try {
      await workspace.destroy(decision.stack, env);
    } catch (error) {
      const { summary, detail } = describeError(error);
      log(`${decision.stack}: destroy failed, the stack is kept:\n${detail}`);
      outcomes.push(outcome(decision, `destroy failed: ${summary}`, true));
      continue;
    }
    try {
      await workspace.removeStack(decision.stack, env);
    } catch (error) {
      const { summary, detail } = describeError(error);
      log(`${decision.stack}: destroyed, but removing the stack failed:\n${detail}`);
      outcomes.push(outcome(decision, `destroyed; remove failed: ${summary}`, true));
      continue;
    }
    outcomes.push({ ...outcome(decision, "destroyed and removed", false), reaped: true });
  }
  return outcomes;
}

function outcome(decision: ReapDecision, result: string, failed: boolean): ReapOutcome {
  return { ...decision, result, failed, reaped: false };
}

/**
 * A cell of the table: control characters (a newline in an owner would forge a row), C1 controls,
 * line and paragraph separators and the backslash written as escapes.
 */
export function escapeCell(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/g, (c) => {
    const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\" };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** The outcome table, one string per line, columns padded with spaces, every cell escaped. */
export function formatTable(outcomes: readonly ReapOutcome[]): string[] {
  const rows = [
    ["STACK", "OWNER", "EXPIRES AT", "ACTION", "RESULT"],
    ...outcomes.map((o) =>
      [o.stack, o.owner ?? "-", o.effectiveExpiry ?? o.expiresAt ?? "-", o.action, o.result].map(
        escapeCell,
      ),
    ),
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
 * A one-line summary and the detail of an error. For a failed CLI command both come from its
 * stderr only (`commandResult.stderr`, as the Automation API's CommandError and cli/reap.ts
 * carry it): stdout may hold values the reaper has no business printing.
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
