import * as assert from "assert/strict";
import { ReapOutcome, planReap } from "../../cli/lifecycle/reaper";
import {
  collectStacks,
  describeError,
  destroyEnvironment,
  escapeCell,
  exitCode,
  formatTable,
  runReap,
} from "../../cli/lifecycle/reapRun";
import { FakeWorkspace, commandError, stackFile, vch } from "../support/reaperFakes";

describe("reaper", () => {
  describe("collectStacks", () => {
    it("reads every stack's committed file, runs no config command, and keeps going past a bad one", async () => {
      const workspace = new FakeWorkspace(
        {
          alice: stackFile({ owner: "alice", expiresAt: "2026-12-01", kind: "vch" }),
          bob: "config: [\n",
          carol: undefined,
          dave: stackFile({ owner: "dave", expiresAt: "2026-12-01", kind: "vch" }),
        },
        {},
        [
          { name: "alice", lastUpdate: "2026-11-20T10:00:00.000Z" },
          { name: "bob" },
          { name: "carol" },
          { name: "dave" },
        ],
      );
      workspace.states.dave = commandError("", "error: could not deserialize deployment\n");
      assert.deepEqual(await collectStacks(workspace), [
        {
          name: "alice",
          lastUpdate: "2026-11-20T10:00:00.000Z",
          facts: { owner: "alice", expiresAt: "2026-12-01", hostKind: "vch", github: false },
          state: { vsphere: false, github: false },
        },
        {
          name: "bob",
          fileError:
            "Pulumi.bob.yaml is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1",
        },
        { name: "carol", state: { vsphere: false, github: false } },
        {
          name: "dave",
          facts: { owner: "dave", expiresAt: "2026-12-01", hostKind: "vch", github: false },
          stateError: "error: could not deserialize deployment",
        },
      ]);
      assert.deepEqual(workspace.calls, [
        "listStacks",
        "readStackFile alice",
        "stateResourceTypes alice",
        "readStackFile bob",
        "readStackFile carol",
        "stateResourceTypes carol",
        "readStackFile dave",
        "stateResourceTypes dave",
      ]);
    });
  });

  describe("collectStacks with a listing that is not one (issue 20)", () => {
    const cases: [string, unknown, string][] = [
      [
        "a name that is null",
        [{ name: "alice" }, { name: null, lastUpdate: "2026-11-20T10:00:00.000Z" }],
        'pulumi stack ls --json entry 2 has no stack name: {"name":null,"lastUpdate":"2026-11-20T10:00:00.000Z"}',
      ],
      [
        "an object, not a list",
        { stacks: [] },
        'pulumi stack ls --json printed {"stacks":[]}, not a list of stacks',
      ],
      ["null", null, "pulumi stack ls --json printed null, not a list of stacks"],
      [
        "a name that is no stack name",
        [{ name: "../../etc" }],
        'pulumi stack ls --json entry 1 has the name "../../etc", which is not a Pulumi stack name',
      ],
      [
        "a lastUpdate that is not a string",
        [{ name: "alice", lastUpdate: 5 }],
        "pulumi stack ls --json entry 1 (alice) has a lastUpdate that is not a string: 5",
      ],
    ];
    for (const [what, listing, message] of cases) {
      it(`refuses ${what} in one line, before reading any file`, async () => {
        const workspace = new FakeWorkspace({}, {}, listing);
        await assert.rejects(collectStacks(workspace), (error: Error) => {
          assert.equal(error.name, "ListingError");
          assert.equal(error.message, message);
          return true;
        });
        assert.deepEqual(workspace.calls, ["listStacks"]);
      });
    }

    it("reads the commit that last changed each expiry, and fails the stack when that fails", async () => {
      const workspace = new FakeWorkspace({
        alice: stackFile({ owner: "alice", expiresAt: "2026-12-01", kind: "vch" }),
        bob: stackFile({ owner: "bob", expiresAt: "2026-12-01", kind: "vch" }),
      });
      workspace.commits.alice = "2026-11-20T10:00:00+01:00";
      workspace.commits.bob = commandError("", "fatal: bad object FETCH_HEAD\n");
      const stacks = await collectStacks(workspace);
      assert.equal(stacks[0].expiryCommit, "2026-11-20T10:00:00+01:00");
      assert.equal(
        stacks[1].fileError,
        "its history on the default branch: fatal: bad object FETCH_HEAD",
      );
      assert.deepEqual(workspace.commitReads, ["alice", "bob"]);
    });
  });

  describe("destroyEnvironment", () => {
    const env = {
      PATH: "/usr/bin:/opt/vic",
      HOME: "/home/runner",
      PULUMI_BACKEND_URL: "s3://state",
      PULUMI_CONFIG_PASSPHRASE: "team-pass",
      PULUMI_CONFIG_PASSPHRASE_ALICE_X: "alice-pass",
      PULUMI_CONFIG_PASSPHRASE_BOB: "bob-pass",
      VSPHERE_SERVER: "vcenter",
      VSPHERE_USER: "reaper",
      VSPHERE_PASSWORD: "vs-pass",
      GITHUB_TOKEN: "ghs_admin",
      AWS_SECRET_ACCESS_KEY: "aws",
    };

    it("gives a VCH stack the vSphere credentials and its own passphrase, nothing else", () => {
      assert.deepEqual(destroyEnvironment("alice-x", "vch", env), {
        PATH: "/usr/bin:/opt/vic",
        HOME: "/home/runner",
        PULUMI_BACKEND_URL: "s3://state",
        VSPHERE_SERVER: "vcenter",
        VSPHERE_USER: "reaper",
        VSPHERE_PASSWORD: "vs-pass",
        PULUMI_CONFIG_PASSPHRASE: "alice-pass",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      });
    });

    it("falls back to the team passphrase and gives other kinds no vSphere credentials", () => {
      assert.deepEqual(destroyEnvironment("carol", "local", env), {
        PATH: "/usr/bin:/opt/vic",
        HOME: "/home/runner",
        PULUMI_BACKEND_URL: "s3://state",
        PULUMI_CONFIG_PASSPHRASE: "team-pass",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      });
    });
  });

  describe("runReap", () => {
    const stacks = [
      vch("alice", "2026-12-01"),
      vch("bob", "2026-12-01"),
      vch("carol", "2026-12-01"),
      vch("dave", "2027-01-01"),
      vch("ci", undefined, { shared: "true" }),
      vch("erin", "someday"),
    ];
    const plan = planReap(stacks, new Date("2026-12-02T00:00:00Z"), {
      sharedStacks: new Set(["ci"]),
    });
    const env = { PATH: "/bin", PULUMI_CONFIG_PASSPHRASE: "p", GITHUB_TOKEN: "ghs_admin" };

    it("goes on after a failed destroy, removes only what was destroyed, each with its environment", async () => {
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
      const outcomes = await runReap(plan, workspace, (line) => log.push(line), { env });
      assert.deepEqual(workspace.calls, [
        "destroy alice",
        "removeStack alice",
        "destroy bob",
        "destroy carol",
        "removeStack carol",
      ]);
      for (const stack of ["alice", "bob", "carol"]) {
        assert.deepEqual(workspace.envs[stack], {
          PATH: "/bin",
          PULUMI_CONFIG_PASSPHRASE: "p",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        });
      }
      assert.deepEqual(
        outcomes.map((o) => [o.stack, o.action, o.result, o.failed, o.reaped]),
        [
          ["alice", "destroy", "destroyed and removed", false, true],
          ["bob", "destroy", "destroy failed: error: update failed", true, false],
          ["carol", "destroy", "destroyed and removed", false, true],
          ["ci", "skip", "on the reaper's shared list: never reaped", false, false],
          ["dave", "keep", "not expired", false, false],
          [
            "erin",
            "error",
            "buildenv:expiresAt is not an ISO-8601 date or date-time with offset; not destroyed",
            true,
            false,
          ],
        ],
      );
      assert.deepEqual(log, [
        "alice: expired at 2026-12-01T00:00:00Z, destroying",
        "bob: expired at 2026-12-01T00:00:00Z, destroying",
        "bob: destroy failed, the stack is kept:\nerror: update failed\n  vic-machine: connection refused",
        "carol: expired at 2026-12-01T00:00:00Z, destroying",
      ]);
      assert.equal(exitCode(outcomes), 1);
    });

    it("re-reads the expiry right before destroying: an extension made during the run saves the stack", async () => {
      const workspace = new FakeWorkspace({});
      const log: string[] = [];
      const rechecked: string[] = [];
      const outcomes = await runReap(plan.slice(0, 2), workspace, (line) => log.push(line), {
        recheck: async (decision) => {
          rechecked.push(decision.stack);
          return decision.stack === "alice"
            ? planReap([vch("alice", "2026-12-09")], new Date("2026-12-02T00:00:00Z"))[0]
            : decision;
        },
      });
      assert.deepEqual(rechecked, ["alice", "bob"]);
      assert.deepEqual(workspace.calls, ["destroy bob", "removeStack bob"]);
      assert.deepEqual(
        outcomes.map((o) => [o.stack, o.action, o.result, o.failed]),
        [
          ["alice", "keep", "re-read before destroy: not expired", false],
          ["bob", "destroy", "destroyed and removed", false],
        ],
      );
      assert.equal(log[0], "alice: not destroyed, its file changed during the run: not expired");
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
      const outcomes = await runReap(plan, workspace, (line) => log.push(line), {
        dryRun: true,
        recheck: () => assert.fail("a dry run re-reads nothing"),
      });
      assert.deepEqual(workspace.calls, []);
      assert.deepEqual(log, []);
      assert.deepEqual(
        outcomes.map((o) => [o.stack, o.result]),
        [
          ["alice", "dry run: would destroy and remove"],
          ["bob", "dry run: would destroy and remove"],
          ["carol", "dry run: would destroy and remove"],
          ["ci", "on the reaper's shared list: never reaped"],
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
    const row = (patch: Partial<ReapOutcome>): ReapOutcome => ({
      stack: "alice",
      owner: "alice",
      expiresAt: "2026-12-01",
      effectiveExpiry: "2026-12-01T00:00:00Z",
      action: "destroy",
      reason: "expired",
      result: "destroyed and removed",
      failed: false,
      reaped: true,
      warn: true,
      ...patch,
    });

    it("pads every column but the last", () => {
      assert.deepEqual(
        formatTable([
          row({}),
          {
            stack: "ci",
            action: "skip",
            reason: "on the reaper's shared list: never reaped",
            result: "on the reaper's shared list: never reaped",
            failed: false,
            reaped: false,
            warn: false,
          },
        ]),
        [
          "STACK  OWNER  EXPIRES AT            ACTION   RESULT",
          "alice  alice  2026-12-01T00:00:00Z  destroy  destroyed and removed",
          "ci     -      -                     skip     on the reaper's shared list: never reaped",
        ],
      );
    });

    it("escapes names and owners, so a newline in an owner cannot forge a row", () => {
      const forged = "x\nbob    bob    2026-12-01T00:00:00Z  destroy  destroyed and removed";
      const lines = formatTable([
        row({ owner: forged }),
        row({ stack: "b\u001b[2Jc", owner: "\\" }),
      ]);
      assert.equal(lines.length, 3);
      assert.equal(
        lines[1],
        "alice        x\\nbob    bob    2026-12-01T00:00:00Z  destroy  destroyed and removed  2026-12-01T00:00:00Z  destroy  destroyed and removed",
      );
      assert.equal(
        lines[2],
        "b\\u001b[2Jc  \\\\                                                                     2026-12-01T00:00:00Z  destroy  destroyed and removed",
      );
      assert.equal(escapeCell("a\tb\r\u2028\u0085"), "a\\tb\\r\\u2028\\u0085");
    });
  });
});
