import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import {
  DEVELOPER_LABELS,
  Labels,
  SHARED_LABELS,
  checkStack,
  urnOf,
  volume,
  withoutLabel,
} from "../support/policyChecks";

describe("developer stack expiry policy", () => {
  const now = new Date("2026-11-15T00:00:00Z");
  const p = buildenv.makeDeveloperStackExpiryPolicy(() => now);
  const urn = urnOf(buildenv.VOLUME_TYPE, "alice-cache");
  const devVolume = (labels: Labels) => ({ name: "alice-cache", props: volume(labels) });

  it("declares maxDays with its default in the config schema", () => {
    assert.strictEqual(p.configSchema?.properties.maxDays.default, 30);
  });

  it("passes a developer volume expiring within 30 days, and one expiring exactly at the limit", () => {
    assert.deepStrictEqual(checkStack(p, [devVolume(DEVELOPER_LABELS)]), []);
    const atLimit = { ...DEVELOPER_LABELS, "buildenv.expires-at": "2026-12-15" };
    assert.deepStrictEqual(checkStack(p, [devVolume(atLimit)]), []);
  });

  it("passes a developer volume on the local engine that never expires (expiry is optional there)", () => {
    const never = { ...DEVELOPER_LABELS, "buildenv.expires-at": "never" };
    assert.deepStrictEqual(checkStack(p, [devVolume(never)]), []);
  });

  it("passes a shared volume that never expires", () => {
    assert.deepStrictEqual(checkStack(p, [{ name: "ci-cache", props: volume(SHARED_LABELS) }]), []);
  });

  it("reports a developer volume expiring more than 30 days from now", () => {
    const late = { ...DEVELOPER_LABELS, "buildenv.expires-at": "2026-12-15T00:00:01Z" };
    assert.deepStrictEqual(checkStack(p, [devVolume(late)]), [
      `${urn}: Developer volume "alice-cache" expires at 2026-12-15T00:00:01Z, more than 30 days ` +
        "from now (latest allowed 2026-12-15T00:00:00Z).",
    ]);
  });

  it("reports a developer volume on a VCH that never expires, or any that lacks an expiry", () => {
    const never = { ...DEVELOPER_LABELS, "buildenv.expires-at": "never" };
    const onVch = { name: "alice-cache", props: volume(never, { driver: "vsphere" }) };
    assert.deepStrictEqual(checkStack(p, [onVch]), [
      `${urn}: Developer volume "alice-cache" has an unparseable "buildenv.expires-at" label "never".`,
    ]);
    const missing = withoutLabel(DEVELOPER_LABELS, "buildenv.expires-at");
    assert.deepStrictEqual(checkStack(p, [devVolume(missing)]), [
      `${urn}: Developer volume "alice-cache" has no "buildenv.expires-at" label.`,
    ]);
  });

  it("honours maxDays from the policy config", () => {
    const late = { ...DEVELOPER_LABELS, "buildenv.expires-at": "2027-01-01T00:00:00Z" };
    assert.deepStrictEqual(checkStack(p, [devVolume(late)], { maxDays: 60 }), []);
    assert.deepStrictEqual(checkStack(p, [devVolume(DEVELOPER_LABELS)], { maxDays: 10 }), [
      `${urn}: Developer volume "alice-cache" expires at 2026-12-01T00:00:00Z, more than 10 days ` +
        "from now (latest allowed 2026-11-25T00:00:00Z).",
    ]);
  });

  it("ignores resources other than volumes, and is not applicable without volumes", () => {
    const container = { type: buildenv.CONTAINER_TYPE, name: "builder", props: { memory: 1 } };
    assert.deepStrictEqual(checkStack(p, [container, devVolume(DEVELOPER_LABELS)]), []);
    assert.deepStrictEqual(checkStack(p, [container]), {
      notApplicable: "The stack declares no Docker volumes",
    });
  });
});
