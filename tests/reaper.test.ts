import * as assert from "assert/strict";
import {
  CliOutput,
  ReapDecision,
  ReapOutcome,
  ReapWorkspace,
  StackSnapshot,
  USAGE,
  collectStacks,
  describeError,
  exitCode,
  formatTable,
  parseReapArgs,
  planReap,
  reapMain,
  runReap,
} from "../lifecycle/reaper";

const HOUR = 3_600_000;

/** A developer stack's config as the engine reports it. */
function dev(name: string, expiresAt?: string, extra: Record<string, string> = {}): StackSnapshot {
  return {
    name,
    config: {
      "buildenv:owner": name,
      ...(expiresAt === undefined ? {} : { "buildenv:expiresAt": expiresAt }),
      ...extra,
    },
  };
}

function decideOne(stack: StackSnapshot, now: string, graceMs = 0): ReapDecision {
  const plan = planReap([stack], new Date(now), graceMs);
  assert.equal(plan.length, 1);
  return plan[0];
}

/** A stand-in for the Pulumi workspace that records every call, in order. */
class FakeWorkspace implements ReapWorkspace {
  readonly calls: string[] = [];
  constructor(
    private readonly configs: Record<string, Record<string, string> | Error>,
    private readonly failures: {
      destroy?: Record<string, Error>;
      remove?: Record<string, Error>;
    } = {},
  ) {}

  async listStacks(): Promise<string[]> {
    this.calls.push("listStacks");
    return Object.keys(this.configs);
  }

  async getAllConfig(stack: string): Promise<Record<string, { value: string; secret?: boolean }>> {
    this.calls.push(`getAllConfig ${stack}`);
    const config = this.configs[stack];
    if (config instanceof Error) {
      throw config;
    }
    return Object.fromEntries(
      Object.entries(config).map(([key, value]) => [key, { value, secret: false }]),
    );
  }

  async destroy(stack: string): Promise<void> {
    this.calls.push(`destroy ${stack}`);
    const failure = this.failures.destroy?.[stack];
    if (failure) {
      throw failure;
    }
  }

  async removeStack(stack: string): Promise<void> {
    this.calls.push(`removeStack ${stack}`);
    const failure = this.failures.remove?.[stack];
    if (failure) {
      throw failure;
    }
  }
}

/** What the Automation API throws when the CLI fails: a CommandError with the command's output. */
function commandError(stdout: string, stderr: string): Error {
  const error = new Error(`code: 255\n stdout: ${stdout}\n stderr: ${stderr}\n err?: \n`);
  error.name = "CommandError";
  return Object.assign(error, { commandResult: { stdout, stderr, code: 255 } });
}

function recorder(): { out: CliOutput; stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  return {
    out: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

describe("reaper", () => {
  describe("planReap", () => {
    it("reads expiries with offsets as instants", () => {
      // 12:00 at +02:00 is 10:00 UTC; -05:00 is 15:00 UTC.
      const plusTwo = dev("alice", "2026-12-01T12:00:00+02:00");
      assert.equal(decideOne(plusTwo, "2026-12-01T09:59:59Z").action, "keep");
      assert.equal(decideOne(plusTwo, "2026-12-01T10:00:00Z").action, "destroy");
      const minusFive = dev("bob", "2026-12-01T10:00:00-05:00");
      assert.equal(decideOne(minusFive, "2026-12-01T14:59:59Z").action, "keep");
      assert.equal(decideOne(minusFive, "2026-12-01T16:00:00+01:00").action, "destroy");
    });

    it("takes a date without a time as midnight UTC", () => {
      const stack = dev("alice", "2026-12-01");
      assert.equal(decideOne(stack, "2026-11-30T23:59:59.999Z").action, "keep");
      assert.equal(decideOne(stack, "2026-12-01T01:00:00+01:00").action, "destroy");
    });

    it("destroys at exactly the expiry, not a millisecond before", () => {
      const stack = dev("alice", "2026-12-01T10:00:00Z");
      assert.deepEqual(decideOne(stack, "2026-12-01T09:59:59.999Z"), {
        stack: "alice",
        owner: "alice",
        expiresAt: "2026-12-01T10:00:00Z",
        action: "keep",
        reason: "not expired",
      });
      assert.deepEqual(decideOne(stack, "2026-12-01T10:00:00Z"), {
        stack: "alice",
        owner: "alice",
        expiresAt: "2026-12-01T10:00:00Z",
        action: "destroy",
        reason: "expired",
      });
    });

    it("keeps an expired stack for the grace period", () => {
      const stack = dev("alice", "2026-12-01T10:00:00+01:00");
      assert.deepEqual(decideOne(stack, "2026-12-01T09:59:59.999Z", 2 * HOUR), {
        stack: "alice",
        owner: "alice",
        expiresAt: "2026-12-01T10:00:00+01:00",
        action: "keep",
        reason: "expired, in grace period until 2026-12-01T11:00:00Z",
      });
      assert.equal(decideOne(stack, "2026-12-01T11:00:00Z", 2 * HOUR).action, "destroy");
    });

    it("never touches a shared stack, even with an expiry in the past", () => {
      assert.deepEqual(
        decideOne(dev("ci", "2020-01-01", { "buildenv:shared": "true" }), "2026-12-01T00:00:00Z"),
        {
          stack: "ci",
          owner: "ci",
          expiresAt: "2020-01-01",
          action: "skip",
          reason: "shared stack: never reaped",
        },
      );
      assert.equal(
        decideOne(dev("alice", "2020-01-01", { "buildenv:shared": "false" }), "2026-12-01").action,
        "destroy",
      );
    });

    it("never touches a stack without an expiry or without config", () => {
      assert.deepEqual(decideOne(dev("alice"), "2026-12-01"), {
        stack: "alice",
        owner: "alice",
        action: "skip",
        reason: "no buildenv:expiresAt: never reaped",
      });
      assert.deepEqual(decideOne({ name: "legacy", config: {} }, "2026-12-01"), {
        stack: "legacy",
        action: "skip",
        reason: "no buildenv:expiresAt: never reaped",
      });
      assert.deepEqual(decideOne({ name: "legacy" }, "2026-12-01"), {
        stack: "legacy",
        action: "skip",
        reason: "no buildenv:expiresAt: never reaped",
      });
    });

    it("reports bad config as an error and does not destroy", () => {
      for (const expiresAt of ["2026-13-01", "2026-12-01T10:00:00", "next week", ""]) {
        assert.deepEqual(decideOne(dev("alice", expiresAt), "2030-01-01"), {
          stack: "alice",
          owner: "alice",
          expiresAt,
          action: "error",
          reason:
            "buildenv:expiresAt is not an ISO-8601 date or date-time with offset; not destroyed",
        });
      }
      assert.deepEqual(
        decideOne(dev("alice", "2020-01-01", { "buildenv:shared": "yes" }), "2030-01-01"),
        {
          stack: "alice",
          owner: "alice",
          expiresAt: "2020-01-01",
          action: "error",
          reason: 'buildenv:shared is "yes": it must be true or false',
        },
      );
      assert.deepEqual(decideOne({ name: "alice", configError: "no passphrase" }, "2030-01-01"), {
        stack: "alice",
        action: "error",
        reason: "cannot read config: no passphrase",
      });
    });

    it("sorts the decisions by stack name", () => {
      const plan = planReap([dev("b"), dev("a-2"), dev("a")], new Date("2026-12-01"));
      assert.deepEqual(
        plan.map((d) => d.stack),
        ["a", "a-2", "b"],
      );
    });
  });

  describe("collectStacks", () => {
    it("reads every stack's config values, and the error of one it cannot read", async () => {
      const workspace = new FakeWorkspace({
        alice: { "buildenv:owner": "alice", "buildenv:expiresAt": "2026-12-01" },
        bob: commandError("{}", "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE\n"),
      });
      assert.deepEqual(await collectStacks(workspace), [
        {
          name: "alice",
          config: { "buildenv:owner": "alice", "buildenv:expiresAt": "2026-12-01" },
        },
        {
          name: "bob",
          configError: "error: passphrase must be set with PULUMI_CONFIG_PASSPHRASE",
        },
      ]);
      assert.deepEqual(workspace.calls, ["listStacks", "getAllConfig alice", "getAllConfig bob"]);
    });
  });

  describe("runReap", () => {
    const plan = planReap(
      [
        dev("alice", "2026-12-01"),
        dev("bob", "2026-12-01"),
        dev("carol", "2026-12-01"),
        dev("dave", "2027-01-01"),
        dev("ci", undefined, { "buildenv:shared": "true" }),
        dev("erin", "someday"),
      ],
      new Date("2026-12-02T00:00:00Z"),
    );

    it("goes on after a failed destroy, and removes only what was destroyed", async () => {
      const workspace = new FakeWorkspace(
        {},
        {
          destroy: {
            bob: commandError(
              "Destroying (bob):\n  - vch deleting\n",
              "error: update failed\n  vic-machine: connection refused\n",
            ),
          },
        },
      );
      const log: string[] = [];
      const outcomes = await runReap(plan, workspace, (line) => log.push(line));
      assert.deepEqual(workspace.calls, [
        "destroy alice",
        "removeStack alice",
        "destroy bob",
        "destroy carol",
        "removeStack carol",
      ]);
      assert.deepEqual(
        outcomes.map((o) => [o.stack, o.action, o.result, o.failed]),
        [
          ["alice", "destroy", "destroyed and removed", false],
          ["bob", "destroy", "destroy failed: error: update failed", true],
          ["carol", "destroy", "destroyed and removed", false],
          ["ci", "skip", "shared stack: never reaped", false],
          ["dave", "keep", "not expired", false],
          [
            "erin",
            "error",
            "buildenv:expiresAt is not an ISO-8601 date or date-time with offset; not destroyed",
            true,
          ],
        ],
      );
      assert.deepEqual(log, [
        "alice: expired at 2026-12-01, destroying",
        "bob: expired at 2026-12-01, destroying",
        "bob: destroy failed, the stack is kept:\nerror: update failed\n  vic-machine: connection refused",
        "carol: expired at 2026-12-01, destroying",
      ]);
      assert.equal(exitCode(outcomes), 1);
    });

    it("reports a failed remove after a successful destroy", async () => {
      const workspace = new FakeWorkspace(
        {},
        { remove: { alice: new Error("stack 'alice' still has resources") } },
      );
      const outcomes = await runReap(plan.slice(0, 1), workspace, () => undefined);
      assert.deepEqual(workspace.calls, ["destroy alice", "removeStack alice"]);
      assert.equal(
        outcomes[0].result,
        "destroyed; remove failed: stack 'alice' still has resources",
      );
      assert.equal(exitCode(outcomes), 1);
    });

    it("destroys nothing in a dry run", async () => {
      const workspace = new FakeWorkspace({});
      const log: string[] = [];
      const outcomes = await runReap(plan, workspace, (line) => log.push(line), { dryRun: true });
      assert.deepEqual(workspace.calls, []);
      assert.deepEqual(log, []);
      assert.deepEqual(
        outcomes.map((o) => [o.stack, o.result]),
        [
          ["alice", "dry run: would destroy and remove"],
          ["bob", "dry run: would destroy and remove"],
          ["carol", "dry run: would destroy and remove"],
          ["ci", "shared stack: never reaped"],
          ["dave", "not expired"],
          [
            "erin",
            "buildenv:expiresAt is not an ISO-8601 date or date-time with offset; not destroyed",
          ],
        ],
      );
      // The bad expiry still fails the run, so it gets fixed.
      assert.equal(exitCode(outcomes), 1);
    });

    it("exits 0 when nothing failed", async () => {
      const outcomes = await runReap(plan.slice(0, 4), new FakeWorkspace({}), () => undefined);
      assert.equal(exitCode(outcomes), 0);
    });
  });

  describe("describeError", () => {
    it("summarises a CLI failure from stderr only, never stdout", () => {
      const error = commandError(
        '{"vsphere:password": "hunter2"}',
        "warning: x\nerror: decrypting secret value: incorrect passphrase\n",
      );
      assert.deepEqual(describeError(error), {
        summary: "error: decrypting secret value: incorrect passphrase",
        detail: "warning: x\nerror: decrypting secret value: incorrect passphrase",
      });
    });

    it("falls back to the last stderr line, then to the message's first line", () => {
      assert.equal(describeError(commandError("", "one\ntwo\n\n")).summary, "two");
      assert.equal(describeError(commandError("", "")).summary, "pulumi failed");
      assert.deepEqual(describeError(new Error("boom\nat stack")), {
        summary: "boom",
        detail: "boom\nat stack",
      });
      assert.deepEqual(describeError("text"), { summary: "text", detail: "text" });
    });
  });

  describe("formatTable", () => {
    it("pads every column but the last", () => {
      const outcomes: ReapOutcome[] = [
        {
          stack: "alice",
          owner: "alice",
          expiresAt: "2026-12-01",
          action: "destroy",
          reason: "expired",
          result: "destroyed and removed",
          failed: false,
        },
        {
          stack: "ci",
          action: "skip",
          reason: "shared stack: never reaped",
          result: "shared stack: never reaped",
          failed: false,
        },
      ];
      assert.deepEqual(formatTable(outcomes), [
        "STACK  OWNER  EXPIRES AT  ACTION   RESULT",
        "alice  alice  2026-12-01  destroy  destroyed and removed",
        "ci     -      -           skip     shared stack: never reaped",
      ]);
    });
  });

  describe("parseReapArgs", () => {
    it("defaults to a real run now, without grace", () => {
      assert.deepEqual(parseReapArgs([]), { dryRun: false, graceMs: 0 });
    });

    it("reads every flag", () => {
      assert.deepEqual(
        parseReapArgs([
          "--dry-run",
          "--now",
          "2026-12-01T10:00:00+01:00",
          "--grace=2h",
          "--dir",
          "x",
        ]),
        {
          dryRun: true,
          now: new Date("2026-12-01T09:00:00Z"),
          grace: "2h",
          graceMs: 2 * HOUR,
          dir: "x",
        },
      );
    });

    it("names the bad flag and what is allowed", () => {
      const cases: [string[], string][] = [
        [
          ["--now", "2026-12-01"],
          "--now is accepted only with --dry-run: a real run always uses the current time",
        ],
        [
          ["--dry-run", "--now", "tomorrow"],
          'invalid --now "tomorrow": use an ISO-8601 date (2026-12-01) or date-time with offset (2026-12-01T18:00:00+01:00)',
        ],
        [
          ["--grace", "90m"],
          'invalid --grace "90m": use a whole number of hours, days or weeks, such as 1h, 1d or 1w',
        ],
        [["--grace", "5w"], 'invalid --grace "5w": at most 30d is allowed'],
        [["--force"], "unknown option --force; allowed: --dry-run, --now, --grace, --dir"],
        [["alice"], 'unexpected argument "alice"'],
      ];
      for (const [argv, message] of cases) {
        assert.throws(
          () => parseReapArgs(argv),
          (error: Error) => {
            assert.equal(error.message, message);
            return true;
          },
        );
      }
    });
  });

  describe("reapMain", () => {
    const configs = {
      erin: { "buildenv:owner": "erin", "buildenv:expiresAt": "2026-12-01T08:00:00Z" },
      ci: { "buildenv:shared": "true" },
      dave: { "buildenv:owner": "dave", "buildenv:expiresAt": "2026-12-01T12:00:00+01:00" },
      alice: { "buildenv:owner": "alice", "buildenv:expiresAt": "2026-12-01" },
      bob: { "buildenv:owner": "bob", "buildenv:expiresAt": "2026-12-01T09:45:00Z" },
    };
    const clock = () => new Date("2026-12-01T10:30:00Z");

    it("destroys what expired, prints the table and exits 1 when a destroy failed", async () => {
      const workspace = new FakeWorkspace(configs, {
        destroy: { erin: new Error("the stack is currently locked by 1 lock(s)") },
      });
      const dirs: (string | undefined)[] = [];
      const { out, stdout, stderr } = recorder();
      const open = async (dir: string | undefined) => {
        dirs.push(dir);
        return workspace;
      };
      assert.equal(await reapMain(["--grace", "1h"], open, out, clock), 1);
      assert.deepEqual(dirs, [undefined]);
      assert.equal(stderr(), "");
      assert.equal(
        stdout(),
        [
          "reap: 5 stack(s) at 2026-12-01T10:30:00Z, grace 1h",
          "alice: expired at 2026-12-01, destroying",
          "erin: expired at 2026-12-01T08:00:00Z, destroying",
          "erin: destroy failed, the stack is kept:",
          "the stack is currently locked by 1 lock(s)",
          "STACK  OWNER  EXPIRES AT                 ACTION   RESULT",
          "alice  alice  2026-12-01                 destroy  destroyed and removed",
          "bob    bob    2026-12-01T09:45:00Z       keep     expired, in grace period until 2026-12-01T10:45:00Z",
          "ci     -      -                          skip     shared stack: never reaped",
          "dave   dave   2026-12-01T12:00:00+01:00  keep     not expired",
          "erin   erin   2026-12-01T08:00:00Z       destroy  destroy failed: the stack is currently locked by 1 lock(s)",
          "",
        ].join("\n"),
      );
      assert.deepEqual(workspace.calls, [
        "listStacks",
        "getAllConfig erin",
        "getAllConfig ci",
        "getAllConfig dave",
        "getAllConfig alice",
        "getAllConfig bob",
        "destroy alice",
        "removeStack alice",
        "destroy erin",
      ]);
    });

    it("plans at --now in a dry run, destroys nothing and exits 0", async () => {
      const workspace = new FakeWorkspace(configs);
      const dirs: (string | undefined)[] = [];
      const { out, stdout, stderr } = recorder();
      const open = async (dir: string | undefined) => {
        dirs.push(dir);
        return workspace;
      };
      const argv = ["--dry-run", "--now", "2026-12-02", "--dir", "project"];
      assert.equal(await reapMain(argv, open, out, clock), 0);
      assert.deepEqual(dirs, ["project"]);
      assert.equal(stderr(), "");
      assert.equal(
        stdout(),
        [
          "reap: 5 stack(s) at 2026-12-02T00:00:00Z, no grace period, dry run: nothing is destroyed",
          "STACK  OWNER  EXPIRES AT                 ACTION   RESULT",
          "alice  alice  2026-12-01                 destroy  dry run: would destroy and remove",
          "bob    bob    2026-12-01T09:45:00Z       destroy  dry run: would destroy and remove",
          "ci     -      -                          skip     shared stack: never reaped",
          "dave   dave   2026-12-01T12:00:00+01:00  destroy  dry run: would destroy and remove",
          "erin   erin   2026-12-01T08:00:00Z       destroy  dry run: would destroy and remove",
          "",
        ].join("\n"),
      );
      assert.deepEqual(
        workspace.calls.filter((call) => !call.startsWith("getAllConfig")),
        ["listStacks"],
      );
    });

    it("exits 2 on a usage error without opening the workspace", async () => {
      const { out, stdout, stderr } = recorder();
      let opened = false;
      const open = async () => {
        opened = true;
        return new FakeWorkspace({});
      };
      assert.equal(await reapMain(["--now", "2030-01-01"], open, out, clock), 2);
      assert.equal(opened, false);
      assert.equal(
        stderr(),
        `reap: --now is accepted only with --dry-run: a real run always uses the current time\n${USAGE}\n`,
      );
      assert.equal(stdout(), "");
    });

    it("exits 1 when the stacks cannot be listed", async () => {
      const { out, stdout, stderr } = recorder();
      const workspace = new FakeWorkspace({});
      workspace.listStacks = async () => {
        throw commandError("", "error: PULUMI_BACKEND_URL: no such bucket\n");
      };
      assert.equal(await reapMain([], async () => workspace, out, clock), 1);
      assert.equal(
        stderr(),
        "reap: cannot list the stacks: error: PULUMI_BACKEND_URL: no such bucket\n",
      );
      assert.equal(stdout(), "");
    });
  });
});
