import * as assert from "assert/strict";
import {
  Issue,
  IssueClient,
  NOTICE_LABEL,
  noticeFor,
  notifyOwners,
} from "../../cli/lifecycle/notices";
import type { ReapOutcome } from "../../cli/lifecycle/reaper";

/** A GitHub repository's issues in memory; every call is recorded, in order. */
class FakeIssues implements IssueClient {
  readonly calls: unknown[][] = [];
  private next = 100;
  constructor(public open: Issue[] = []) {}

  async listOpenIssues(label: string): Promise<Issue[]> {
    this.calls.push(["list", label]);
    return this.open.map((issue) => ({ ...issue }));
  }
  async createIssue(title: string, body: string, labels: string[]): Promise<number> {
    const number = this.next++;
    this.calls.push(["create", title, body, labels]);
    this.open.push({ number, title, body });
    return number;
  }
  async updateIssue(number: number, title: string, body: string): Promise<void> {
    this.calls.push(["update", number, title, body]);
    this.open = this.open.map((i) => (i.number === number ? { number, title, body } : i));
  }
  async comment(number: number, body: string): Promise<void> {
    this.calls.push(["comment", number, body]);
  }
  async closeIssue(number: number): Promise<void> {
    this.calls.push(["close", number]);
    this.open = this.open.filter((i) => i.number !== number);
  }
}

const warned: ReapOutcome = {
  stack: "dave",
  owner: "dave",
  contact: "dave-gh",
  expiresAt: "2026-12-02T12:00:00+01:00",
  effectiveExpiry: "2026-12-02T11:00:00Z",
  hostKind: "vch",
  action: "keep",
  warn: true,
  reason: "expires within the warning window, at 2026-12-02T11:00:00Z",
  result: "expires within the warning window, at 2026-12-02T11:00:00Z",
  failed: false,
  reaped: false,
};

const DAVE_BODY = [
  "<!-- buildenv-reaper stack=dave -->",
  "@dave-gh, owner `dave`:",
  "",
  "Stack `dave` expires at 2026-12-02T11:00:00Z; expires within the warning window, at 2026-12-02T11:00:00Z; the reaper destroys it (volumes with `keep: true` stay) after that.",
  "",
  "To keep it, extend it and commit the file to the default branch; this issue then closes by itself:",
  "",
  "```sh",
  "npm run stack:extend -- dave --ttl 7d",
  "```",
].join("\n");

describe("owner notices", () => {
  it("opens one issue for a stack in the warning window, mentioning its contact", async () => {
    const issues = new FakeIssues();
    const log: string[] = [];
    await notifyOwners([warned], issues, (line) => log.push(line));
    assert.deepEqual(issues.calls, [
      ["list", "buildenv-reaper"],
      ["create", "buildenv stack dave expires at 2026-12-02T11:00:00Z", DAVE_BODY, [NOTICE_LABEL]],
    ]);
    assert.deepEqual(log, ["notice: opened #100 for dave"]);
  });

  it("says, before a capped destroy, that an extension counts only once on the default branch", async () => {
    const capped: ReapOutcome = {
      ...warned,
      expiresAt: "2099-01-01",
      effectiveExpiry: "2026-12-01T00:00:00Z",
      cappedBy: "last update",
      action: "destroy",
      reason: "expired; capped at 2026-12-01T00:00:00Z, 30d after the last update",
      result: "dry run: would destroy and remove",
    };
    const issues = new FakeIssues();
    await notifyOwners([capped], issues, () => undefined);
    assert.deepEqual(issues.calls[1], [
      "create",
      "buildenv stack dave has expired",
      [
        "<!-- buildenv-reaper stack=dave -->",
        "@dave-gh, owner `dave`:",
        "",
        "Stack `dave` expires at 2026-12-01T00:00:00Z; the reaper destroys it on its next run, unless the expiry is moved (destroy result so far: dry run: would destroy and remove).",
        "",
        "Its file asks for `2099-01-01`, but the reaper counts at most 30d from the stack's last activity: its last update, or the commit on the default branch that last changed its expiry. An extension counts only once it is committed to the default branch; until then the stack is destroyed at 2026-12-01T00:00:00Z as planned.",
        "",
        "To keep it, extend it and commit the file to the default branch; this issue then closes by itself:",
        "",
        "```sh",
        "npm run stack:extend -- dave --ttl 7d",
        "```",
      ].join("\n"),
      [NOTICE_LABEL],
    ]);
  });

  it("says nothing new on the next hourly run: no duplicate, no edit", async () => {
    const issues = new FakeIssues();
    await notifyOwners([warned], issues, () => undefined);
    issues.calls.length = 0;
    const log: string[] = [];
    await notifyOwners([warned], issues, (line) => log.push(line));
    assert.deepEqual(issues.calls, [["list", "buildenv-reaper"]]);
    assert.deepEqual(log, []);
  });

  it("updates the same issue in place when what it says changes", async () => {
    const issues = new FakeIssues();
    await notifyOwners([warned], issues, () => undefined);
    issues.calls.length = 0;
    const expired: ReapOutcome = {
      ...warned,
      reason: "expired, in grace period until 2026-12-02T12:00:00Z",
      result: "expired, in grace period until 2026-12-02T12:00:00Z",
    };
    await notifyOwners([expired], issues, () => undefined);
    assert.deepEqual(issues.calls, [
      ["list", "buildenv-reaper"],
      [
        "update",
        100,
        "buildenv stack dave has expired",
        DAVE_BODY.replace(
          "expires within the warning window, at 2026-12-02T11:00:00Z; the reaper",
          "expired, in grace period until 2026-12-02T12:00:00Z; the reaper",
        ),
      ],
    ]);
  });

  it("closes the issue, with a comment, when the stack is extended", async () => {
    const issues = new FakeIssues([{ number: 7, title: "t", body: `x\n${DAVE_BODY}` }]);
    const extended: ReapOutcome = {
      ...warned,
      effectiveExpiry: "2026-12-20T00:00:00Z",
      warn: false,
      reason: "not expired",
      result: "not expired",
    };
    await notifyOwners([extended], issues, () => undefined);
    assert.deepEqual(issues.calls, [
      ["list", "buildenv-reaper"],
      ["comment", 7, "The stack no longer expires soon (not expired)."],
      ["close", 7],
    ]);
  });

  it("closes the issue when the stack is reaped, and one whose stack is gone", async () => {
    const issues = new FakeIssues([
      { number: 7, title: "t", body: DAVE_BODY },
      { number: 8, title: "t", body: "<!-- buildenv-reaper stack=gone -->" },
      { number: 9, title: "by hand", body: "labelled by a person" },
    ]);
    const reaped: ReapOutcome = {
      ...warned,
      action: "destroy",
      result: "destroyed and removed",
      reaped: true,
    };
    const log: string[] = [];
    await notifyOwners([reaped], issues, (line) => log.push(line));
    assert.deepEqual(issues.calls, [
      ["list", "buildenv-reaper"],
      [
        "comment",
        7,
        "The stack was destroyed and removed by the reaper (volumes with `keep: true` are kept).",
      ],
      ["close", 7],
      ["comment", 8, "The stack no longer exists on the backend."],
      ["close", 8],
    ]);
    assert.deepEqual(log, ["notice: closed #7 for dave", "notice: closed #8 for gone"]);
  });

  it("finds its notice again for a fully qualified stack name", async () => {
    const qualified = { ...warned, stack: "organization/buildenv/dave" };
    const issues = new FakeIssues();
    await notifyOwners([qualified], issues, () => undefined);
    await notifyOwners([qualified], issues, () => undefined);
    assert.deepEqual(
      issues.calls.map((call) => call[0]),
      ["list", "create", "list"],
    );
  });

  it("keeps the oldest of two notices for a stack and closes the other", async () => {
    const issues = new FakeIssues([
      { number: 12, title: "buildenv stack dave expires at 2026-12-02T11:00:00Z", body: DAVE_BODY },
      { number: 5, title: "buildenv stack dave expires at 2026-12-02T11:00:00Z", body: DAVE_BODY },
    ]);
    await notifyOwners([warned], issues, () => undefined);
    assert.deepEqual(issues.calls, [
      ["list", "buildenv-reaper"],
      ["comment", 12, "A duplicate of an older notice for the same stack."],
      ["close", 12],
    ]);
  });

  it("leaves a notice alone while the stack's file cannot be read", async () => {
    const issues = new FakeIssues([{ number: 7, title: "t", body: DAVE_BODY }]);
    const broken: ReapOutcome = {
      stack: "dave",
      action: "error",
      warn: false,
      reason: "cannot read Pulumi.dave.yaml: bad YAML",
      result: "cannot read Pulumi.dave.yaml: bad YAML",
      failed: true,
      reaped: false,
    };
    await notifyOwners([broken], issues, () => undefined);
    assert.deepEqual(issues.calls, [["list", "buildenv-reaper"]]);
  });

  it("names an owner without a contact, escaped, and mentions nobody", () => {
    const notice = noticeFor({
      ...warned,
      stack: "fay",
      owner: "fay`\n@everyone",
      contact: undefined,
      action: "report",
      result: "expired; on the local engine",
    });
    assert.ok(notice);
    assert.equal(notice.title, "buildenv stack fay has expired");
    assert.deepEqual(notice.body.split("\n").slice(0, 4), [
      "<!-- buildenv-reaper stack=fay -->",
      "Owner `fay'\\n@everyone` (no `buildenv:contact` in `Pulumi.fay.yaml`, so nobody is mentioned).",
      "",
      "Stack `fay` expires at 2026-12-02T11:00:00Z; the reaper does not destroy it: expired; on the local engine.",
    ]);
  });
});
