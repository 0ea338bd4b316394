import * as assert from "assert/strict";
import { ReapSetupError, USAGE, parseReapArgs, reapMain } from "../../cli/lifecycle/reapCli";
import {
  DAY,
  HOUR,
  FakeWorkspace,
  commandError,
  recorder,
  stackFile,
} from "../support/reaperFakes";

describe("reaper", () => {
  describe("parseReapArgs", () => {
    it("defaults to a real run now, without grace, warning 2d ahead, sharing nothing", () => {
      assert.deepEqual(parseReapArgs([]), {
        dryRun: false,
        graceMs: 0,
        warn: "2d",
        warnMs: 2 * DAY,
        sharedStacks: new Set(),
        notify: false,
      });
    });

    it("reads every flag", () => {
      const files: string[] = [];
      const readFile = (file: string) => {
        files.push(file);
        return "# platform team's shared stacks\nci\n\nstaging # the demo one\n";
      };
      assert.deepEqual(
        parseReapArgs(
          [
            "--dry-run",
            "--now",
            "2026-12-01T10:00:00+01:00",
            "--grace=2h",
            "--warn",
            "3d",
            "--shared",
            "ci, perf",
            "--shared-file",
            "shared.txt",
            "--git-ref",
            "origin/main",
            "--notify",
            "--dir",
            "x",
          ],
          readFile,
        ),
        {
          dryRun: true,
          now: new Date("2026-12-01T09:00:00Z"),
          grace: "2h",
          graceMs: 2 * HOUR,
          warn: "3d",
          warnMs: 3 * DAY,
          sharedStacks: new Set(["ci", "perf", "staging"]),
          gitRef: "origin/main",
          notify: true,
          dir: "x",
        },
      );
      assert.deepEqual(files, ["shared.txt"]);
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
          'invalid --grace "90m": use a whole number of hours, days or weeks, such as 1h, 2d or 1w',
        ],
        [["--grace", "5w"], 'invalid --grace "5w": at most 30d is allowed'],
        [
          ["--warn", "soon"],
          'invalid --warn "soon": use a whole number of hours, days or weeks, such as 1h, 2d or 1w',
        ],
        [
          ["--shared", "ci,a b"],
          "invalid stack name \"a b\" in --shared: Pulumi stack names are 1-100 letters, digits, '-', '_' and '.'",
        ],
        [
          ["--shared-file", "/nonexistent/shared.txt"],
          "cannot read --shared-file \"/nonexistent/shared.txt\": ENOENT: no such file or directory, open '/nonexistent/shared.txt'",
        ],
        [
          ["--git-ref", "main"],
          'invalid --git-ref "main": use <remote>/<branch>, such as origin/main',
        ],
        [
          ["--force"],
          "unknown option --force; allowed: --dry-run, --now, --grace, --warn, --shared, --shared-file, --git-ref, --notify, --dir",
        ],
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
    const files = {
      erin: stackFile({ owner: "erin", expiresAt: "2026-12-01T08:00:00Z", kind: "vch" }),
      ci: stackFile({ owner: "platform", shared: "true", kind: "vch" }),
      dave: stackFile({
        owner: "dave",
        expiresAt: "2026-12-02T12:00:00+01:00",
        kind: "vch",
        contact: "dave-gh",
      }),
      alice: stackFile({ owner: "alice", expiresAt: "2026-12-01", kind: "vch" }),
      bob: stackFile({ owner: "bob", expiresAt: "2026-12-01T09:45:00Z", kind: "vch" }),
      fay: stackFile({ owner: "fay", expiresAt: "2026-11-01" }),
    };
    const clock = () => new Date("2026-12-01T10:30:00Z");
    const env = { PATH: "/bin", PULUMI_CONFIG_PASSPHRASE: "p", GITHUB_TOKEN: "ghs_workflow" };

    it("destroys what expired, warns, prints the table, tells the owners and exits 1 when a destroy failed", async () => {
      const workspace = new FakeWorkspace(files, {
        destroy: { erin: new Error("the stack is currently locked by 1 lock(s)") },
      });
      const opened: unknown[] = [];
      const notified: string[][] = [];
      const { out, stdout, stderr } = recorder();
      const code = await reapMain(
        ["--grace", "1h", "--shared", "ci", "--notify"],
        {
          openWorkspace: async (options) => {
            opened.push([options.dir, options.gitRef]);
            return workspace;
          },
          notify: async (outcomes) => {
            notified.push(outcomes.map((o) => `${o.stack}:${o.warn}:${o.reaped}`));
          },
          clock,
          env,
        },
        out,
      );
      assert.equal(code, 1);
      assert.deepEqual(opened, [[undefined, undefined]]);
      assert.equal(stderr(), "");
      assert.equal(
        stdout(),
        [
          "reap: 6 stack(s) at 2026-12-01T10:30:00Z, grace 1h, warning 2d ahead",
          "alice: expired at 2026-12-01T00:00:00Z, destroying",
          "erin: expired at 2026-12-01T08:00:00Z, destroying",
          "erin: destroy failed, the stack is kept:",
          "the stack is currently locked by 1 lock(s)",
          "STACK  OWNER     EXPIRES AT            ACTION   RESULT",
          "alice  alice     2026-12-01T00:00:00Z  destroy  destroyed and removed",
          "bob    bob       2026-12-01T09:45:00Z  keep     expired, in grace period until 2026-12-01T10:45:00Z",
          "ci     platform  -                     skip     on the reaper's shared list: never reaped",
          "dave   dave      2026-12-02T11:00:00Z  keep     expires within the warning window, at 2026-12-02T11:00:00Z",
          "erin   erin      2026-12-01T08:00:00Z  destroy  destroy failed: the stack is currently locked by 1 lock(s)",
          "fay    fay       2026-11-01T00:00:00Z  report   expired; on the local engine of its owner's machine, which the reaper never destroys from CI: its owner runs pulumi destroy",
          "warning: bob (owner bob): expired, in grace period until 2026-12-01T10:45:00Z",
          "warning: dave (owner dave): expires within the warning window, at 2026-12-02T11:00:00Z",
          "warning: erin (owner erin): destroy failed: the stack is currently locked by 1 lock(s)",
          "warning: fay (owner fay): expired; on the local engine of its owner's machine, which the reaper never destroys from CI: its owner runs pulumi destroy",
          "",
        ].join("\n"),
      );
      assert.deepEqual(workspace.calls, [
        "listStacks",
        "readStackFile erin",
        "stateResourceTypes erin",
        "readStackFile ci",
        "stateResourceTypes ci",
        "readStackFile dave",
        "stateResourceTypes dave",
        "readStackFile alice",
        "stateResourceTypes alice",
        "readStackFile bob",
        "stateResourceTypes bob",
        "readStackFile fay",
        "stateResourceTypes fay",
        // Read again right before each destroy.
        "readStackFile alice",
        "destroy alice",
        "removeStack alice",
        "readStackFile erin",
        "destroy erin",
      ]);
      assert.deepEqual(workspace.envs.alice, {
        PATH: "/bin",
        PULUMI_CONFIG_PASSPHRASE: "p",
        PULUMI_SKIP_UPDATE_CHECK: "true",
      });
      assert.deepEqual(notified, [
        [
          "alice:true:true",
          "bob:true:false",
          "ci:false:false",
          "dave:true:false",
          "erin:true:false",
          "fay:true:false",
        ],
      ]);
    });

    it("plans at --now in a dry run, destroys nothing, notifies nobody and exits 0", async () => {
      const workspace = new FakeWorkspace(files);
      const { out, stdout, stderr } = recorder();
      const argv = [
        "--dry-run",
        "--now",
        "2026-12-02",
        "--dir",
        "project",
        "--shared",
        "ci",
        "--notify",
      ];
      const code = await reapMain(
        argv,
        {
          openWorkspace: async (options) => {
            assert.equal(options.dir, "project");
            return workspace;
          },
          notify: () => assert.fail("a dry run notifies nobody"),
          clock,
          env,
        },
        out,
      );
      assert.equal(code, 0);
      assert.equal(stderr(), "");
      assert.deepEqual(stdout().split("\n").slice(0, 3), [
        "reap: 6 stack(s) at 2026-12-02T00:00:00Z, no grace period, warning 2d ahead, dry run: nothing is destroyed and nobody is notified",
        "STACK  OWNER     EXPIRES AT            ACTION   RESULT",
        "alice  alice     2026-12-01T00:00:00Z  destroy  dry run: would destroy and remove",
      ]);
      assert.deepEqual(
        workspace.calls.filter(
          (call) => !call.startsWith("readStackFile") && !call.startsWith("stateResourceTypes"),
        ),
        ["listStacks"],
      );
    });

    it("exits 1 when the owners cannot be told", async () => {
      const { out, stderr } = recorder();
      const code = await reapMain(
        ["--notify", "--shared", "ci"],
        {
          openWorkspace: async () => new FakeWorkspace({ ci: files.ci }),
          notify: async () => {
            throw new Error("GitHub GET /issues: HTTP 403");
          },
          clock,
          env,
        },
        out,
      );
      assert.equal(code, 1);
      assert.equal(stderr(), "reap: telling the owners failed: GitHub GET /issues: HTTP 403\n");
    });

    it("exits 1 with one line when the listing is not a list of stacks (issue 20)", async () => {
      const { out, stdout, stderr } = recorder();
      const code = await reapMain(
        ["--dry-run"],
        {
          openWorkspace: async () => new FakeWorkspace({}, {}, { stacks: "none" }),
          clock,
          env,
        },
        out,
      );
      assert.equal(code, 1);
      assert.equal(
        stderr(),
        'reap: cannot list the stacks: pulumi stack ls --json printed {"stacks":"none"}, not a list of stacks\n',
      );
      assert.equal(stdout(), "");
    });

    it("exits 2 on a usage error without opening the workspace", async () => {
      const { out, stdout, stderr } = recorder();
      const code = await reapMain(
        ["--now", "2030-01-01"],
        { openWorkspace: () => assert.fail("not opened"), clock, env },
        out,
      );
      assert.equal(code, 2);
      assert.equal(
        stderr(),
        `reap: --now is accepted only with --dry-run: a real run always uses the current time\n${USAGE}\n`,
      );
      assert.equal(stdout(), "");
    });

    it("exits 1 with one line when there is no Pulumi CLI", async () => {
      const { out, stdout, stderr } = recorder();
      const code = await reapMain(
        [],
        {
          openWorkspace: async () => {
            throw new ReapSetupError("no Pulumi CLI: `pulumi` is not on PATH");
          },
          clock,
          env,
        },
        out,
      );
      assert.equal(code, 1);
      assert.equal(stderr(), "reap: no Pulumi CLI: `pulumi` is not on PATH\n");
      assert.equal(stdout(), "");
    });

    it("exits 1 when the stacks cannot be listed", async () => {
      const { out, stdout, stderr } = recorder();
      const workspace = new FakeWorkspace({});
      workspace.listStacks = async () => {
        throw commandError("", "error: PULUMI_BACKEND_URL: no such bucket\n");
      };
      const code = await reapMain([], { openWorkspace: async () => workspace, clock, env }, out);
      assert.equal(code, 1);
      assert.equal(
        stderr(),
        "reap: cannot list the stacks: error: PULUMI_BACKEND_URL: no such bucket\n",
      );
      assert.equal(stdout(), "");
    });
  });
});
