/**
 * Carrying a reap plan out: reading the stacks (collectStacks), the environment each destroy
 * gets (destroyEnvironment), the destroys and removals one after the other (runReap), and the
 * table and exit code the run ends with. The decisions themselves are reaper.ts's.
 */

import { readStackFacts, stackFileName } from "./stackFile";
import {
  stateFacts,
  type ReapDecision,
  type ReapOutcome,
  type ReapWorkspace,
  type StackListing,
  type StackSnapshot,
} from "./reaper";

/**
 * Lists the stacks, reads each one's committed file and what its state holds. A stack whose file or state cannot be read is returned with `fileError`/`stateError`; a
 * failing list throws (without it there is nothing to plan).
 */
export async function collectStacks(workspace: ReapWorkspace): Promise<StackSnapshot[]> {
  const listed = checkListing(await workspace.listStacks());
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

/** What `pulumi stack ls --json` printed is not a list of stacks; the message is one line. */
export class ListingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ListingError";
  }
}

// Pulumi stack names, possibly qualified as organization/project/name.
const LISTED_NAME = /^[A-Za-z0-9_.-]{1,100}(?:\/[A-Za-z0-9_.-]{1,100}){0,2}$/;

/**
 * The listing as the reaper uses it, or a ListingError naming the first entry that is not a
 * stack: a list of objects with a stack name and, optionally, a string `lastUpdate`.
 */
export function checkListing(listed: unknown): StackListing[] {
  if (!Array.isArray(listed)) {
    throw new ListingError(
      `pulumi stack ls --json printed ${describeJson(listed)}, not a list of stacks`,
    );
  }
  return listed.map((entry: unknown, i) => {
    const { name, lastUpdate } = (entry ?? {}) as { name?: unknown; lastUpdate?: unknown };
    if (typeof entry !== "object" || entry === null || typeof name !== "string") {
      throw new ListingError(
        `pulumi stack ls --json entry ${i + 1} has no stack name: ${describeJson(entry)}`,
      );
    }
    // "." and ".." are no stack's name, and would lead the file read out of the project.
    if (!LISTED_NAME.test(name) || name.split("/").some((part) => part === "." || part === "..")) {
      throw new ListingError(
        `pulumi stack ls --json entry ${i + 1} has the name ${JSON.stringify(name)}, which is not a Pulumi stack name`,
      );
    }
    if (lastUpdate !== undefined && typeof lastUpdate !== "string") {
      throw new ListingError(
        `pulumi stack ls --json entry ${i + 1} (${name}) has a lastUpdate that is not a string: ${describeJson(lastUpdate)}`,
      );
    }
    return { name, ...(lastUpdate === undefined ? {} : { lastUpdate }) };
  });
}

/** A JSON value in a message: at most 80 characters of it, escaped. */
function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return escapeCell(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

/** The stack's committed file and the commit that last changed its expiry, read afresh. */
export async function snapshot(
  workspace: ReapWorkspace,
  name: string,
  lastUpdate: string | undefined,
): Promise<StackSnapshot> {
  const base = { name, ...(lastUpdate === undefined ? {} : { lastUpdate }) };
  let text: string | undefined;
  try {
    text = await workspace.readStackFile(name);
  } catch (error) {
    return { ...base, fileError: describeError(error).summary };
  }
  if (text === undefined) return base;
  let facts: StackSnapshot["facts"];
  try {
    facts = readStackFacts(text, stackFileName(name));
  } catch (error) {
    return { ...base, fileError: describeError(error).summary };
  }
  try {
    const committed = await workspace.expiryCommitTime(name);
    return { ...base, facts, ...(committed === undefined ? {} : { expiryCommit: committed }) };
  } catch (error) {
    return {
      ...base,
      fileError: `its history on the default branch: ${describeError(error).summary}`,
    };
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
    return { summary, detail: stderr.trimEnd() || summary };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { summary: message.split("\n")[0], detail: message };
}
