/**
 * Owner notices: one GitHub issue per stack that is about to be reaped (or has expired), in the
 * repository that runs the reaper. Opened once, updated in place when what it says changes,
 * closed when the stack is extended, reaped or gone. Hourly runs that have nothing new to say
 * make no call but the listing, so nobody gets duplicate notices.
 *
 * The issue is found again by a marker in its body, not by its title, so a title edited by hand
 * does not make the reaper open a second one. The GitHub client is injected: cli/reap.ts
 * talks to the REST API, tests record every call.
 */

import type { ReapOutcome } from "./reaper";
import { escapeCell } from "./reapRun";
import { MAX_TTL } from "./stackFile";

/** The label every notice carries; the reaper lists open issues with it. */
export const NOTICE_LABEL = "buildenv-reaper";

export interface Issue {
  number: number;
  title: string;
  body: string;
}

/** The GitHub calls the notifier makes, in one repository. */
export interface IssueClient {
  /** Open issues (not pull requests) with the label. */
  listOpenIssues(label: string): Promise<Issue[]>;
  createIssue(title: string, body: string, labels: string[]): Promise<number>;
  updateIssue(number: number, title: string, body: string): Promise<void>;
  comment(number: number, body: string): Promise<void>;
  closeIssue(number: number): Promise<void>;
}

/** The body marker that ties an issue to a stack. */
export function noticeMarker(stack: string): string {
  return `<!-- buildenv-reaper stack=${stack} -->`;
}

// Stack names are Pulumi's (letters, digits, `-_.`), possibly qualified as organization/project/name.
const MARKER = /<!-- buildenv-reaper stack=([A-Za-z0-9_./-]+) -->/;

/** Text from a stack file inside Markdown: escaped, and no backtick can close the code span. */
function code(text: string): string {
  return `\`${escapeCell(text).replace(/`/g, "'")}\``;
}

/** Title and body of the notice for an outcome that warrants one; undefined when none does. */
export function noticeFor(outcome: ReapOutcome): { title: string; body: string } | undefined {
  if (!outcome.warn || outcome.reaped || outcome.effectiveExpiry === undefined) {
    return undefined;
  }
  const expired = outcome.action !== "keep" || outcome.reason.startsWith("expired");
  const title = expired
    ? `buildenv stack ${outcome.stack} has expired`
    : `buildenv stack ${outcome.stack} expires at ${outcome.effectiveExpiry}`;
  const whom =
    outcome.contact === undefined
      ? `Owner ${code(outcome.owner ?? outcome.stack)} (no \`buildenv:contact\` in \`Pulumi.${outcome.stack}.yaml\`, so nobody is mentioned).`
      : `@${outcome.contact}, owner ${code(outcome.owner ?? outcome.stack)}:`;
  const what =
    outcome.action === "report"
      ? `the reaper does not destroy it: ${escapeCell(outcome.result)}.`
      : outcome.action === "destroy"
        ? `the reaper destroys it on its next run, unless the expiry is moved (destroy result so far: ${escapeCell(outcome.result)}).`
        : `${escapeCell(outcome.result)}; the reaper destroys it (volumes with \`keep: true\` stay) after that.`;
  const capped =
    outcome.cappedBy === undefined
      ? []
      : [
          `Its file asks for ${code(outcome.expiresAt ?? "-")}, but the reaper counts at most ${MAX_TTL} from the stack's last activity: its last update, or the commit on the default branch that last changed its expiry. An extension counts only once it is committed to the default branch; until then the stack is destroyed at ${outcome.effectiveExpiry} as planned.`,
          "",
        ];
  const body = [
    noticeMarker(outcome.stack),
    whom,
    "",
    `Stack \`${outcome.stack}\` expires at ${outcome.effectiveExpiry}; ${what}`,
    "",
    ...capped,
    "To keep it, extend it and commit the file to the default branch; this issue then closes by itself:",
    "",
    "```sh",
    `npm run stack:extend -- ${outcome.stack} --ttl 7d`,
    "```",
  ].join("\n");
  return { title, body };
}

/**
 * Brings the notices in line with the outcomes: creates a missing one, updates one whose text
 * changed, closes one whose stack no longer warrants it (with a comment saying why), and leaves
 * the rest alone.
 *
 * @param log receives one line per call that changes something.
 */
export async function notifyOwners(
  outcomes: readonly ReapOutcome[],
  client: IssueClient,
  log: (line: string) => void,
): Promise<void> {
  const byStack = new Map<string, Issue>();
  const extra: Issue[] = [];
  for (const issue of await client.listOpenIssues(NOTICE_LABEL)) {
    const stack = MARKER.exec(issue.body)?.[1];
    if (stack === undefined) {
      continue; // labelled by hand; not the reaper's
    }
    const seen = byStack.get(stack);
    if (seen === undefined || issue.number < seen.number) {
      if (seen) extra.push(seen);
      byStack.set(stack, issue);
    } else {
      extra.push(issue);
    }
  }
  const known = new Set(outcomes.map((o) => o.stack));
  for (const outcome of outcomes) {
    const notice = noticeFor(outcome);
    const issue = byStack.get(outcome.stack);
    if (notice !== undefined) {
      if (issue === undefined) {
        const number = await client.createIssue(notice.title, notice.body, [NOTICE_LABEL]);
        log(`notice: opened #${number} for ${outcome.stack}`);
      } else if (issue.title !== notice.title || issue.body !== notice.body) {
        await client.updateIssue(issue.number, notice.title, notice.body);
        log(`notice: updated #${issue.number} for ${outcome.stack}`);
      }
      continue;
    }
    if (issue === undefined || outcome.action === "error") {
      // An unreadable file says nothing about the stack's fate: leave the notice as it is.
      continue;
    }
    const why = outcome.reaped
      ? "The stack was destroyed and removed by the reaper (volumes with `keep: true` are kept)."
      : `The stack no longer expires soon (${escapeCell(outcome.reason)}).`;
    await client.comment(issue.number, why);
    await client.closeIssue(issue.number);
    log(`notice: closed #${issue.number} for ${outcome.stack}`);
  }
  for (const [stack, issue] of byStack) {
    if (!known.has(stack)) {
      await client.comment(issue.number, "The stack no longer exists on the backend.");
      await client.closeIssue(issue.number);
      log(`notice: closed #${issue.number} for ${stack}`);
    }
  }
  for (const issue of extra.sort((a, b) => a.number - b.number)) {
    await client.comment(issue.number, "A duplicate of an older notice for the same stack.");
    await client.closeIssue(issue.number);
    log(`notice: closed duplicate #${issue.number}`);
  }
}
