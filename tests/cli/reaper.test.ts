import * as assert from "assert/strict";
import {
  CliOutput,
  ReapDecision,
  ReapOutcome,
  ReapPolicy,
  ReapSetupError,
  ReapWorkspace,
  StackListing,
  StackSnapshot,
  USAGE,
  collectStacks,
  describeError,
  destroyEnvironment,
  escapeCell,
  exitCode,
  formatTable,
  parseReapArgs,
  planReap,
  reapMain,
  runReap,
  stateFacts,
} from "../../cli/lifecycle/reaper";
import { readStackFacts } from "../../cli/lifecycle/stackFile";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface FileSpec {
  owner?: string;
  expiresAt?: string;
  shared?: string;
  kind?: "local" | "vch";
  contact?: string;
  github?: boolean;
}

/** A committed stack file, with a secure value the reaper must never need. */
function stackFile(spec: FileSpec): string {
  return [
    "encryptionsalt: v1:c2FsdA==:v1:abc:def",
    "config:",
    ...(spec.owner === undefined ? [] : [`  buildenv:owner: ${JSON.stringify(spec.owner)}`]),
    ...(spec.expiresAt === undefined
      ? []
      : [`  buildenv:expiresAt: ${JSON.stringify(spec.expiresAt)}`]),
    ...(spec.shared === undefined ? [] : [`  buildenv:shared: ${spec.shared}`]),
    ...(spec.contact === undefined ? [] : [`  buildenv:contact: ${spec.contact}`]),
    ...(spec.kind === undefined ? [] : ["  buildenv:host:", `    kind: ${spec.kind}`]),
    ...(spec.github ? ["  buildenv:github:", "    repositories: [app]"] : []),
    "  vsphere:password:",
    "    secure: v1:ZW5jcnlwdGVk",
    "",
  ].join("\n");
}

/** A VCH developer stack as its snapshot, read from its file as the reaper reads it. */
function vch(
  name: string,
  expiresAt?: string,
  extra: FileSpec = {},
  lastUpdate?: string,
): StackSnapshot {
  const text = stackFile({ owner: name, expiresAt, kind: "vch", ...extra });
  return {
    name,
    ...(lastUpdate === undefined ? {} : { lastUpdate }),
    facts: readStackFacts(text, `Pulumi.${name}.yaml`),
  };
}

function decideOne(stack: StackSnapshot, now: string, policy: ReapPolicy = {}): ReapDecision {
  const plan = planReap([stack], new Date(now), policy);
  assert.equal(plan.length, 1);
  return plan[0];
}

/** A stand-in for the Pulumi CLI and the repository that records every call, in order. */
class FakeWorkspace implements ReapWorkspace {
  readonly calls: string[] = [];
  readonly envs: Record<string, Readonly<Record<string, string>>> = {};
  /** Resource types in each stack's state; none unless set. */
  states: Record<string, string[] | Error> = {};
  constructor(
    public files: Record<string, string | Error | undefined>,
    private readonly failures: {
      destroy?: Record<string, Error>;
      remove?: Record<string, Error>;
    } = {},
    private readonly listing?: StackListing[],
  ) {}

  async listStacks(): Promise<StackListing[]> {
    this.calls.push("listStacks");
    return this.listing ?? Object.keys(this.files).map((name) => ({ name }));
  }

  async readStackFile(stack: string): Promise<string | undefined> {
    this.calls.push(`readStackFile ${stack}`);
    const file = this.files[stack];
    if (file instanceof Error) {
      throw file;
    }
    return file;
  }

  async stateResourceTypes(stack: string): Promise<string[]> {
    this.calls.push(`stateResourceTypes ${stack}`);
    const state = this.states[stack] ?? [];
    if (state instanceof Error) {
      throw state;
    }
    return state;
  }

  async destroy(stack: string, env: Readonly<Record<string, string>>): Promise<void> {
    this.calls.push(`destroy ${stack}`);
    this.envs[stack] = env;
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

/** What a failed CLI command carries: its output, stderr apart. */
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
  describe("readStackFacts", () => {
    it("reads the lifecycle keys as plain values and leaves secure values encrypted", () => {
      const text = stackFile({
        owner: "alice",
        expiresAt: "2026-12-01",
        shared: "true",
        contact: "alice-gh",
        kind: "vch",
        github: true,
      });
      assert.deepEqual(readStackFacts(text, "Pulumi.alice.yaml"), {
        owner: "alice",
        expiresAt: "2026-12-01",
        shared: true,
        contact: "alice-gh",
        hostKind: "vch",
        github: true,
      });
      assert.deepEqual(readStackFacts("config: {}\n", "f"), { hostKind: "local", github: false });
      assert.deepEqual(readStackFacts("encryptionsalt: x\n", "f"), {
        hostKind: "local",
        github: false,
      });
    });
  });

  describe("planReap", () => {
    it("reads expiries with offsets as instants", () => {
      // 12:00 at +02:00 is 10:00 UTC; -05:00 is 15:00 UTC.
      const plusTwo = vch("alice", "2026-12-01T12:00:00+02:00");
      assert.equal(decideOne(plusTwo, "2026-12-01T09:59:59Z").action, "keep");
      assert.equal(decideOne(plusTwo, "2026-12-01T10:00:00Z").action, "destroy");
      const minusFive = vch("bob", "2026-12-01T10:00:00-05:00");
      assert.equal(decideOne(minusFive, "2026-12-01T14:59:59Z").action, "keep");
      assert.equal(decideOne(minusFive, "2026-12-01T16:00:00+01:00").action, "destroy");
    });

    it("destroys at exactly the expiry, not a millisecond before", () => {
      const stack = vch("alice", "2026-12-01T10:00:00Z");
      const base = {
        stack: "alice",
        owner: "alice",
        expiresAt: "2026-12-01T10:00:00Z",
        effectiveExpiry: "2026-12-01T10:00:00Z",
        hostKind: "vch",
      };
      assert.deepEqual(decideOne(stack, "2026-12-01T09:59:59.999Z"), {
        ...base,
        action: "keep",
        warn: false,
        reason: "not expired",
      });
      assert.deepEqual(decideOne(stack, "2026-12-01T10:00:00Z"), {
        ...base,
        action: "destroy",
        warn: true,
        reason: "expired",
      });
    });

    it("warns within the warning window, and not a millisecond earlier", () => {
      const stack = vch("alice", "2026-12-03T10:00:00Z", { contact: "alice-gh" });
      const policy = { warnMs: 2 * DAY };
      const before = decideOne(stack, "2026-12-01T09:59:59.999Z", policy);
      assert.deepEqual([before.action, before.warn, before.reason], ["keep", false, "not expired"]);
      assert.deepEqual(decideOne(stack, "2026-12-01T10:00:00Z", policy), {
        stack: "alice",
        owner: "alice",
        contact: "alice-gh",
        expiresAt: "2026-12-03T10:00:00Z",
        effectiveExpiry: "2026-12-03T10:00:00Z",
        hostKind: "vch",
        action: "keep",
        warn: true,
        reason: "expires within the warning window, at 2026-12-03T10:00:00Z",
      });
    });

    it("ignores a contact that is not a GitHub handle", () => {
      const stack = vch("alice", "2027-01-01", { contact: "'@alice x'" });
      assert.equal(decideOne(stack, "2026-12-01").contact, undefined);
    });

    it("keeps an expired stack for the grace period", () => {
      const stack = vch("alice", "2026-12-01T10:00:00+01:00");
      assert.deepEqual(decideOne(stack, "2026-12-01T09:59:59.999Z", { graceMs: 2 * HOUR }), {
        stack: "alice",
        owner: "alice",
        expiresAt: "2026-12-01T10:00:00+01:00",
        effectiveExpiry: "2026-12-01T09:00:00Z",
        hostKind: "vch",
        action: "keep",
        warn: true,
        reason: "expired, in grace period until 2026-12-01T11:00:00Z",
      });
      assert.equal(
        decideOne(stack, "2026-12-01T11:00:00Z", { graceMs: 2 * HOUR }).action,
        "destroy",
      );
    });

    it("honours buildenv:shared only for stacks on the reaper's own shared list", () => {
      const ci = vch("ci", "2020-01-01", { shared: "true" });
      assert.deepEqual(decideOne(ci, "2026-12-01", { sharedStacks: new Set(["ci"]) }), {
        stack: "ci",
        owner: "ci",
        expiresAt: "2020-01-01",
        hostKind: "vch",
        action: "skip",
        warn: false,
        reason: "on the reaper's shared list: never reaped",
      });
      // A developer marking their own stack shared changes nothing.
      const self = vch("mallory", "2026-11-01", { shared: "true" });
      const decision = decideOne(self, "2026-12-01", { sharedStacks: new Set(["ci"]) });
      assert.equal(decision.action, "destroy");
      assert.equal(
        decision.reason,
        "expired; buildenv:shared: true ignored, the stack is not on the reaper's shared list",
      );
      // Nor does removing the expiry as well: the run fails and the stack stays for a human.
      const noExpiry = vch("mallory", undefined, { shared: "true" });
      assert.deepEqual(decideOne(noExpiry, "2026-12-01"), {
        stack: "mallory",
        owner: "mallory",
        hostKind: "vch",
        action: "error",
        warn: false,
        reason:
          "no buildenv:expiresAt and not on the reaper's shared list: not destroyed; set an expiry or ask the platform team to list it as shared; buildenv:shared: true ignored, the stack is not on the reaper's shared list",
      });
    });

    it("caps an expiry further than the policy maximum after the last update", () => {
      const far = vch("mallory", "2099-01-01", {}, "2026-11-01T08:00:00Z");
      const capped = decideOne(far, "2026-12-01T07:59:59Z");
      assert.equal(capped.action, "keep");
      assert.equal(capped.effectiveExpiry, "2026-12-01T08:00:00Z");
      assert.deepEqual(decideOne(far, "2026-12-01T08:00:00Z"), {
        stack: "mallory",
        owner: "mallory",
        expiresAt: "2099-01-01",
        effectiveExpiry: "2026-12-01T08:00:00Z",
        hostKind: "vch",
        action: "destroy",
        warn: true,
        reason: "expired; capped at 2026-12-01T08:00:00Z, 30d after the last update",
      });
      // Within the maximum, the written expiry stands.
      const near = vch("alice", "2026-11-20", {}, "2026-11-01T08:00:00Z");
      assert.equal(decideOne(near, "2026-11-01").effectiveExpiry, "2026-11-20T00:00:00Z");
    });

    it("reports, never destroys, expired stacks on the local engine", () => {
      const text = stackFile({ owner: "alice", expiresAt: "2026-11-01" });
      const local = { name: "alice", facts: readStackFacts(text, "Pulumi.alice.yaml") };
      assert.deepEqual(decideOne(local, "2026-12-01"), {
        stack: "alice",
        owner: "alice",
        expiresAt: "2026-11-01",
        effectiveExpiry: "2026-11-01T00:00:00Z",
        hostKind: "local",
        action: "report",
        warn: true,
        reason:
          "expired; on the local engine of its owner's machine, which the reaper never destroys from CI: its owner runs pulumi destroy",
      });
      const noExpiry = {
        name: "bob",
        facts: readStackFacts(stackFile({ owner: "bob" }), "Pulumi.bob.yaml"),
      };
      assert.equal(
        decideOne(noExpiry, "2026-12-01").reason,
        "local stack without buildenv:expiresAt",
      );
    });

    it("reports an expired stack that manages GitHub secrets: it holds no admin token", () => {
      const decision = decideOne(vch("alice", "2026-11-01", { github: true }), "2026-12-01");
      assert.deepEqual(
        [decision.action, decision.reason],
        [
          "report",
          "expired; it manages GitHub Actions secrets (buildenv:github) and the reaper holds no GitHub admin token: the platform team destroys it",
        ],
      );
    });

    it("refuses duplicate stack names, ignoring case, and touches none of them", () => {
      const plan = planReap(
        [vch("alice", "2020-01-01"), vch("Alice", "2020-01-01"), vch("bob", "2020-01-01")],
        new Date("2026-12-01"),
      );
      assert.deepEqual(
        plan.map((d) => [d.stack, d.action, d.reason]),
        [
          [
            "Alice",
            "error",
            "the backend lists this stack name more than once (ignoring case); none of them is touched",
          ],
          [
            "alice",
            "error",
            "the backend lists this stack name more than once (ignoring case); none of them is touched",
          ],
          ["bob", "destroy", "expired"],
        ],
      );
    });

    it("reports a bad file as an error and does not destroy", () => {
      for (const expiresAt of ["2026-13-01", "2026-12-01T10:00:00", "next week", ""]) {
        const decision = decideOne(vch("alice", expiresAt), "2030-01-01");
        assert.deepEqual(
          [decision.action, decision.reason],
          [
            "error",
            "buildenv:expiresAt is not an ISO-8601 date or date-time with offset; not destroyed",
          ],
        );
      }
      assert.equal(
        decideOne(vch("alice", "2020-01-01", { shared: "yes" }), "2030-01-01").reason,
        'buildenv:shared is "yes": it must be true or false',
      );
      assert.deepEqual(decideOne({ name: "alice", fileError: "bad YAML" }, "2030-01-01"), {
        stack: "alice",
        action: "error",
        warn: false,
        reason: "cannot read Pulumi.alice.yaml: bad YAML",
      });
      const vm = {
        name: "eve",
        facts: readStackFacts("config:\n  buildenv:host: {kind: vm}\n", "Pulumi.eve.yaml"),
      };
      assert.equal(
        decideOne(vm, "2030-01-01").reason,
        'buildenv:host.kind is "vm": it must be local or vch; not destroyed',
      );
    });

    it("goes by the state, not the file, for the host kind and GitHub secrets", () => {
      const text = stackFile({ owner: "mallory", expiresAt: "2026-11-01", kind: "local" });
      const facts = readStackFacts(text, "Pulumi.mallory.yaml");
      const vchState = stateFacts([
        "pulumi:pulumi:Stack",
        "buildenv:vsphere:VirtualContainerHost",
        "vsphere:index/resourcePool:ResourcePool",
      ]);
      assert.deepEqual(decideOne({ name: "mallory", facts, state: vchState }, "2026-12-01"), {
        stack: "mallory",
        owner: "mallory",
        expiresAt: "2026-11-01",
        effectiveExpiry: "2026-11-01T00:00:00Z",
        hostKind: "vch",
        action: "destroy",
        warn: true,
        reason:
          'expired; its file says buildenv:host.kind "local", but its state holds vSphere resources: treated as a VCH stack',
      });
      const withGithub = stateFacts([
        "pulumi:providers:vsphere",
        "github:index/actionsSecret:ActionsSecret",
      ]);
      assert.equal(
        decideOne({ name: "mallory", facts, state: withGithub }, "2026-12-01").action,
        "report",
      );
      assert.deepEqual(
        decideOne({ name: "mallory", facts, stateError: "error: no such stack" }, "2026-12-01"),
        {
          stack: "mallory",
          owner: "mallory",
          expiresAt: "2026-11-01",
          hostKind: "local",
          action: "error",
          warn: false,
          reason: "cannot read the state: error: no such stack",
        },
      );
    });

    it("reads vSphere and GitHub resources from state resource types", () => {
      assert.deepEqual(stateFacts([]), { vsphere: false, github: false });
      assert.deepEqual(stateFacts(["docker:index/volume:Volume", "pulumi:providers:docker"]), {
        vsphere: false,
        github: false,
      });
      assert.deepEqual(stateFacts(["pulumi:providers:vsphere"]), { vsphere: true, github: false });
      assert.deepEqual(stateFacts(["pulumi:providers:github"]), { vsphere: false, github: true });
    });

    it("skips a stack without a committed file, unless its state holds a VCH", () => {
      assert.deepEqual(decideOne({ name: "legacy" }, "2026-12-01"), {
        stack: "legacy",
        action: "skip",
        warn: false,
        reason: "no committed Pulumi.legacy.yaml: not reaped",
      });
      const vchState = stateFacts(["pulumi:providers:vsphere"]);
      assert.deepEqual(decideOne({ name: "legacy", state: vchState }, "2026-12-01"), {
        stack: "legacy",
        action: "error",
        warn: false,
        reason:
          "no committed Pulumi.legacy.yaml, but its state holds vSphere resources: not destroyed without an expiry; restore the file or ask the platform team",
      });
    });
  });

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
