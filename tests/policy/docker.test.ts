import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import { DEVELOPER_LABELS, checkResource, volume, withoutLabel } from "../support/policyChecks";

describe("volume ownership labels policy", () => {
  const p = buildenv.volumeOwnershipLabelsPolicy;

  it("passes a volume labelled with its owner and stack", () => {
    assert.deepStrictEqual(checkResource(p, buildenv.VOLUME_TYPE, volume(DEVELOPER_LABELS)), []);
  });

  it("reports a volume without labels once per missing label", () => {
    assert.deepStrictEqual(checkResource(p, buildenv.VOLUME_TYPE, { name: "scratch" }), [
      'Volume has no non-empty "buildenv.owner" label.',
      'Volume has no non-empty "buildenv.stack" label.',
    ]);
  });

  it("reports a blank owner and a missing stack label", () => {
    const labels = withoutLabel({ ...DEVELOPER_LABELS, "buildenv.owner": "  " }, "buildenv.stack");
    assert.deepStrictEqual(checkResource(p, buildenv.VOLUME_TYPE, volume(labels)), [
      'Volume has no non-empty "buildenv.owner" label.',
      'Volume has no non-empty "buildenv.stack" label.',
    ]);
  });

  it("is not applicable to other resource types", () => {
    assert.deepStrictEqual(checkResource(p, buildenv.CONTAINER_TYPE, { memory: 512 }), {
      notApplicable: "Policy only applies to resources of type docker:index/volume:Volume",
    });
  });
});

describe("volume capacity quota policy", () => {
  const p = buildenv.volumeCapacityQuotaPolicy;
  const check = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    checkResource(p, buildenv.VOLUME_TYPE, props, config);

  it("declares the default quotas as its config schema defaults", () => {
    const properties = p.configSchema?.properties ?? {};
    assert.deepStrictEqual(
      Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, schema.default])),
      { lowMaxMb: 20000, normalMaxMb: 50000, highMaxMb: 200000 },
    );
  });

  it("passes a capacity label within the quota, and one exactly at it", () => {
    assert.deepStrictEqual(check(volume(DEVELOPER_LABELS)), []);
    const atQuota = { ...DEVELOPER_LABELS, "buildenv.capacity-mb": "50000" };
    assert.deepStrictEqual(check(volume(atQuota)), []);
  });

  it("reads driverOpts.Capacity, which VIC takes as MiB, in preference to the label", () => {
    const props = volume(DEVELOPER_LABELS, {
      driver: "vsphere",
      driverOpts: { VolumeStore: "default", Capacity: "60000" },
    });
    assert.deepStrictEqual(check(props), [
      "Volume capacity 60000 MiB (62914.56 MB) exceeds the normal-priority quota of 50000 MB.",
    ]);
  });

  it("counts MiB against the MB quota: 47683 MiB is within 50000 MB, 47684 MiB is not", () => {
    // 47683 × 1048576 = 49,999,249,408 bytes; 47684 × 1048576 = 50,000,297,984 bytes.
    const at = (capacity: string) =>
      check(
        volume(DEVELOPER_LABELS, {
          driver: "vsphere",
          driverOpts: { VolumeStore: "default", Capacity: capacity },
        }),
      );
    assert.deepStrictEqual(at("47683"), []);
    assert.deepStrictEqual(at("47684"), [
      "Volume capacity 47684 MiB (50000.3 MB) exceeds the normal-priority quota of 50000 MB.",
    ]);
  });

  it("applies the quota of the volume's priority", () => {
    const low = {
      ...DEVELOPER_LABELS,
      "buildenv.priority": "low",
      "buildenv.capacity-mb": "20001",
    };
    assert.deepStrictEqual(check(volume(low)), [
      "Volume capacity 20001 MB exceeds the low-priority quota of 20000 MB.",
    ]);
    const high = { ...low, "buildenv.priority": "high" };
    assert.deepStrictEqual(check(volume(high)), []);
  });

  it("honours quotas from the policy config, keeping defaults for keys not given", () => {
    assert.deepStrictEqual(check(volume(DEVELOPER_LABELS), { normalMaxMb: 1000 }), [
      "Volume capacity 2000 MB exceeds the normal-priority quota of 1000 MB.",
    ]);
    const big = {
      ...DEVELOPER_LABELS,
      "buildenv.priority": "high",
      "buildenv.capacity-mb": "300000",
    };
    assert.deepStrictEqual(check(volume(big), { highMaxMb: 300000 }), []);
    assert.deepStrictEqual(check(volume(big), { normalMaxMb: 1000 }), [
      "Volume capacity 300000 MB exceeds the high-priority quota of 200000 MB.",
    ]);
  });

  it("reports a capacity with a unit, or none at all, as unreadable", () => {
    const withUnit = volume(DEVELOPER_LABELS, {
      driverOpts: { VolumeStore: "default", Capacity: "2GB" },
    });
    assert.deepStrictEqual(check(withUnit), [
      'Volume capacity cannot be read: driverOpts.Capacity is "2GB", not a whole number of MiB.',
    ]);
    const zero = { ...DEVELOPER_LABELS, "buildenv.capacity-mb": "0" };
    assert.deepStrictEqual(check(volume(zero)), [
      'Volume capacity cannot be read: label "buildenv.capacity-mb" is "0", not a whole number of MB.',
    ]);
    assert.deepStrictEqual(check(volume(withoutLabel(DEVELOPER_LABELS, "buildenv.capacity-mb"))), [
      'Volume capacity cannot be read: neither driverOpts.Capacity nor label "buildenv.capacity-mb" is set.',
    ]);
  });

  it("reports a missing or unknown priority", () => {
    assert.deepStrictEqual(check(volume(withoutLabel(DEVELOPER_LABELS, "buildenv.priority"))), [
      'Volume priority cannot be read: label "buildenv.priority" is missing, expected one of low, normal, high.',
    ]);
    assert.deepStrictEqual(check(volume({ ...DEVELOPER_LABELS, "buildenv.priority": "urgent" })), [
      'Volume priority cannot be read: label "buildenv.priority" is "urgent", expected one of low, normal, high.',
    ]);
  });
});

describe("container memory limit policy", () => {
  const p = buildenv.containerMemoryLimitPolicy;
  const container = (extra: Record<string, unknown>) => ({ image: "buildenv:abc", ...extra });

  it("passes a container with a positive memory limit", () => {
    assert.deepStrictEqual(
      checkResource(p, buildenv.CONTAINER_TYPE, container({ memory: 2048 })),
      [],
    );
  });

  it("reports a container without a memory limit", () => {
    assert.deepStrictEqual(checkResource(p, buildenv.CONTAINER_TYPE, container({})), [
      "Container has no memory limit; set memory (in MB) to a positive integer.",
    ]);
  });

  it("reports a zero memory limit", () => {
    assert.deepStrictEqual(checkResource(p, buildenv.CONTAINER_TYPE, container({ memory: 0 })), [
      "Container memory limit 0 is not a positive integer number of MB.",
    ]);
  });
});
