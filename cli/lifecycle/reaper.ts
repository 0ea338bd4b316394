/**
 * The reaper: destroys expired developer stacks, removes them from the backend, and tells owners
 * before their stack goes.
 *
 * It is split so that every rule is tested without a Pulumi CLI: `planReap` decides from the
 * stacks' committed files alone (pure), `runReap` carries the decisions out through a
 * `ReapWorkspace` (reapRun.ts; cli/reap.ts runs the Pulumi CLI, tests use a fake),
 * `notifyOwners` (notices.ts) keeps one GitHub issue per expiring stack, and `reapMain`
 * (reapCli.ts) is the command line.
 *
 * What a security reviewer asked for, and where it is:
 * - Nothing is decrypted: the reaper reads `Pulumi.<stack>.yaml` as committed (plain values; a
 *   `secure:` value stays an opaque object), never `pulumi config --show-secrets`, which
 *   `LocalWorkspace.getAllConfig` runs (pulumi/pulumi sdk/nodejs/automation/localWorkspace.ts,
 *   `getAllConfig`).
 * - A developer cannot exempt their own stack: `buildenv:shared: true` counts only for stacks on
 *   the reaper's own `--shared` list, and an expiry more than MAX_TTL after the stack's last
 *   activity is capped there. Activity is the last update, or the commit on the default branch
 *   that last changed the stack's expiry (a committed `stack:extend` keeps a stack that nobody
 *   ran `up` on); an edit not yet on the default branch counts for nothing.
 * - Each destroy gets only the environment its stack's providers need (`destroyEnvironment`).
 * - Local-engine stacks live on laptops and are reported, never destroyed from CI.
 *
 * The reaper has no volume logic: volumes declared with `keep: true` are created with
 * retainOnDelete, so `pulumi destroy` drops them from the state and leaves them in place.
 */

import { formatExpiry, parseExpiry, parseTtl } from "../../components/lifecycle/expiry";
import {
  EXPIRES_AT_KEY,
  MAX_TTL,
  SHARED_KEY,
  parseShared,
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
   * The committer time (ISO-8601) of the last commit on the default branch that changed the
   * `buildenv:expiresAt` line of the stack's file; undefined when none is known (no history, no
   * such commit, or one at the edge of a shallow fetch, which cannot say what it changed).
   */
  expiryCommitTime(stack: string): Promise<string | undefined>;
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
  /** ISO-8601 time of the commit that last changed the expiry (expiryCommitTime). */
  expiryCommit?: string;
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
  /** The instant the reaper goes by: the expiry, capped at last activity + MAX_TTL. */
  effectiveExpiry?: string;
  /** Set when the written expiry was capped: what the cap counted from. */
  cappedBy?: "last update" | "expiry commit";
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
  let cappedBy: ReapDecision["cappedBy"];
  const activity = lastActivity(stack, now);
  if (activity !== undefined) {
    const cap = new Date(activity.at.getTime() + maxTtlMs);
    if (expiry.getTime() > cap.getTime()) {
      expiry = cap;
      cappedBy = activity.by;
      notes +=
        activity.by === "last update"
          ? `; capped at ${formatExpiry(cap)}, ${MAX_TTL} after the last update`
          : `; capped at ${formatExpiry(cap)}, ${MAX_TTL} after the commit that last changed the expiry on the default branch (${formatExpiry(activity.at)})`;
    }
  }
  const decided = {
    ...base,
    effectiveExpiry: formatExpiry(expiry),
    ...(cappedBy === undefined ? {} : { cappedBy }),
  };
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

/**
 * The later of the last update and the commit that last changed the expiry; a time that is not
 * a date is ignored, and a commit dated after `now` (the committer sets the date) counts as now.
 */
export function lastActivity(
  stack: Pick<StackSnapshot, "lastUpdate" | "expiryCommit">,
  now: Date,
): { at: Date; by: NonNullable<ReapDecision["cappedBy"]> } | undefined {
  const valid = (text: string | undefined) => {
    const date = text === undefined ? undefined : new Date(text);
    return date === undefined || Number.isNaN(date.getTime()) ? undefined : date;
  };
  const update = valid(stack.lastUpdate);
  const committed = valid(stack.expiryCommit);
  const commit =
    committed === undefined ? undefined : new Date(Math.min(committed.getTime(), now.getTime()));
  if (commit !== undefined && (update === undefined || commit.getTime() > update.getTime())) {
    return { at: commit, by: "expiry commit" };
  }
  return update === undefined ? undefined : { at: update, by: "last update" };
}

/** A value from a stack file as table text: strings as they are, anything else as JSON. */
function plainText(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
}
