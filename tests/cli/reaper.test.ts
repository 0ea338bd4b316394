import * as assert from "assert/strict";
import { planReap, stateFacts } from "../../cli/lifecycle/reaper";
import { readStackFacts } from "../../cli/lifecycle/stackFile";
import { DAY, HOUR, decideOne, stackFile, vch } from "../support/reaperFakes";

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
        cappedBy: "last update",
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

    describe("a committed extension counts as activity (issue 20)", () => {
      /** Mallory's VCH stack, last updated 2026-10-01, with the expiry her file asks for. */
      const stack = (
        expiresAt: string,
        expiryCommit?: string,
        lastUpdate = "2026-10-01T00:00:00Z",
      ) => ({
        ...vch("mallory", expiresAt, {}, lastUpdate),
        ...(expiryCommit === undefined ? {} : { expiryCommit }),
      });

      it("keeps a stack extended and committed but never updated since", () => {
        // Last update + 30d is 2026-10-31: without the commit the stack would be destroyed.
        assert.deepEqual(decideOne(stack("2026-12-10", "2026-11-20T00:00:00Z"), "2026-12-05"), {
          stack: "mallory",
          owner: "mallory",
          expiresAt: "2026-12-10",
          effectiveExpiry: "2026-12-10T00:00:00Z",
          hostKind: "vch",
          action: "keep",
          warn: false,
          reason: "not expired",
        });
        assert.deepEqual(decideOne(stack("2026-12-10"), "2026-12-05"), {
          stack: "mallory",
          owner: "mallory",
          expiresAt: "2026-12-10",
          effectiveExpiry: "2026-10-31T00:00:00Z",
          cappedBy: "last update",
          hostKind: "vch",
          action: "destroy",
          warn: true,
          reason: "expired; capped at 2026-10-31T00:00:00Z, 30d after the last update",
        });
      });

      it("caps at 30d after the expiry commit when that is the later activity", () => {
        assert.deepEqual(decideOne(stack("2099-01-01", "2026-11-01T00:00:00Z"), "2026-12-05"), {
          stack: "mallory",
          owner: "mallory",
          expiresAt: "2099-01-01",
          effectiveExpiry: "2026-12-01T00:00:00Z",
          cappedBy: "expiry commit",
          hostKind: "vch",
          action: "destroy",
          warn: true,
          reason:
            "expired; capped at 2026-12-01T00:00:00Z, 30d after the commit that last changed the expiry on the default branch (2026-11-01T00:00:00Z)",
        });
      });

      it("goes by the last update when the expiry commit is older", () => {
        const decision = decideOne(
          stack("2099-01-01", "2026-09-01T00:00:00Z", "2026-11-10T00:00:00Z"),
          "2026-12-20",
        );
        assert.equal(decision.action, "destroy");
        assert.equal(decision.effectiveExpiry, "2026-12-10T00:00:00Z");
        assert.equal(
          decision.reason,
          "expired; capped at 2026-12-10T00:00:00Z, 30d after the last update",
        );
      });

      it("counts a commit dated in the future as now, and an expiry commit alone", () => {
        const decision = decideOne(
          { ...vch("mallory", "2099-01-01"), expiryCommit: "2030-01-01T00:00:00Z" },
          "2026-12-05T00:00:00Z",
        );
        assert.equal(decision.action, "keep");
        assert.equal(decision.effectiveExpiry, "2027-01-04T00:00:00Z");
        assert.equal(decision.cappedBy, "expiry commit");
        assert.equal(
          decision.reason,
          "not expired; capped at 2027-01-04T00:00:00Z, 30d after the commit that last changed the expiry on the default branch (2026-12-05T00:00:00Z)",
        );
      });

      it("ignores an expiry commit time that is not a date", () => {
        const decision = decideOne(stack("2099-01-01", "yesterday"), "2026-12-05");
        assert.equal(decision.effectiveExpiry, "2026-10-31T00:00:00Z");
        assert.equal(decision.cappedBy, "last update");
      });
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
});
