import * as assert from "assert";
// Not the package index, whose declarations do not type-check (see policy/policies.ts).
import * as policy from "@pulumi/policy/policy";
import * as buildenv from "../../policy/policies";

/** What a validation reported: its violations, or why it declared itself not applicable. */
type Outcome = string[] | { notApplicable: string };

class NotApplicableSignal extends Error {}

const common = {
  opts: {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  },
  stackTags: new Map<string, string>(),
  notApplicable(reason?: string): never {
    throw new NotApplicableSignal(reason);
  },
  isType: () => false,
  asType: () => undefined,
};

function urnOf(type: string, name: string): string {
  return `urn:pulumi:dev::buildenv::${type}::${name}`;
}

function outcome(run: () => void, violations: string[]): Outcome {
  try {
    run();
  } catch (error) {
    if (error instanceof NotApplicableSignal) {
      return { notApplicable: error.message };
    }
    throw error;
  }
  return violations;
}

/** Runs a resource policy on one hand-built resource, with the given policy config. */
function checkResource(
  p: policy.ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Outcome {
  const args: policy.ResourceValidationArgs = {
    ...common,
    type,
    name: "res",
    urn: urnOf(type, "res"),
    props,
    getConfig: <T extends object>() => config as T,
  };
  const violations: string[] = [];
  const validations = [p.validateResource ?? []].flat();
  assert.strictEqual(validations.length, 1);
  return outcome(() => validations[0](args, (message) => violations.push(message)), violations);
}

interface StackEntry extends DependsOn {
  type?: string;
  name: string;
  props: Record<string, unknown>;
}

/** A dependency list for a hand-built stack resource: the resources with these names. */
type DependsOn = { dependsOn?: string[]; scopeFrom?: string };

/** Runs a stack policy on hand-built resources; violations read `<urn or "stack">: <message>`. */
function checkStack(
  p: policy.StackValidationPolicy,
  resources: StackEntry[],
  config: Record<string, unknown> = {},
): Outcome {
  const built: policy.PolicyResource[] = resources.map(
    ({ type = buildenv.VOLUME_TYPE, name, props }) => ({
      ...common,
      type,
      name,
      urn: urnOf(type, name),
      props,
      dependencies: [],
      propertyDependencies: {},
    }),
  );
  resources.forEach((entry, i) => {
    const find = (name: string) => built.filter((r) => r.name === name);
    built[i].dependencies = (entry.dependsOn ?? []).flatMap(find);
    if (entry.scopeFrom) built[i].propertyDependencies = { scope: find(entry.scopeFrom) };
  });
  const args: policy.StackValidationArgs = {
    ...common,
    resources: built,
    getConfig: <T extends object>() => config as T,
  };
  const violations: string[] = [];
  return outcome(
    () => p.validateStack(args, (message, urn) => violations.push(`${urn ?? "stack"}: ${message}`)),
    violations,
  );
}

type Labels = Record<string, string>;

const DEVELOPER_LABELS: Labels = {
  "buildenv.capacity-mb": "2000",
  "buildenv.expires-at": "2026-12-01T00:00:00Z",
  "buildenv.keep": "false",
  "buildenv.owner": "alice",
  "buildenv.priority": "normal",
  "buildenv.shared": "false",
  "buildenv.stack": "alice",
  "buildenv.volume": "cache",
};

const SHARED_LABELS: Labels = {
  ...DEVELOPER_LABELS,
  "buildenv.expires-at": "never",
  "buildenv.owner": "platform",
  "buildenv.shared": "true",
  "buildenv.stack": "ci",
};

/** Volume inputs as the program declares them, with labels sorted by name. */
function volume(labels: Labels, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: `buildenv-${labels["buildenv.stack"]}-${labels["buildenv.volume"]}`,
    driver: "local",
    labels: Object.keys(labels)
      .sort()
      .map((label) => ({ label, value: labels[label] })),
    ...extra,
  };
}

function withoutLabel(labels: Labels, name: string): Labels {
  return Object.fromEntries(Object.entries(labels).filter(([label]) => label !== name));
}

const VCH_CREATE = [
  "set -eu",
  'vic-machine-linux create --target "$VIC_TARGET" --name buildenv-alice \\',
  "  --tls-cname vch.example.org --volume-store 'vsanDatastore/buildenv/vch/buildenv-alice:default'",
].join("\n");
const VCH_DELETE = 'vic-machine-linux delete --target "$VIC_TARGET" --name buildenv-alice --force';

describe("policy pack", () => {
  it("ships eleven uniquely named mandatory policies, in the same order with any clock", () => {
    const names = buildenv.policies.map((p) => p.name);
    assert.deepStrictEqual(names, [
      "buildenv-volume-ownership-labels",
      "buildenv-volume-capacity-quota",
      "buildenv-vch-tls-required",
      "buildenv-vch-own-volume-store",
      "buildenv-github-secret-value",
      "buildenv-no-github-organization-secrets",
      "buildenv-container-memory-limit",
      "buildenv-developer-stack-expiry",
      "buildenv-harbor-robot-least-privilege",
      "buildenv-harbor-project-private",
      "buildenv-harbor-project-retention",
      "buildenv-harbor-retention-immutable",
    ]);
    assert.deepStrictEqual(
      buildenv.policies.map((p) => p.enforcementLevel),
      names.map(() => "mandatory"),
    );
    assert.deepStrictEqual(
      buildenv.makePolicies(() => new Date(0)).map((p) => p.name),
      names,
    );
  });
});

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

describe("VCH TLS policy", () => {
  const p = buildenv.vchTlsPolicy;
  const check = (props: Record<string, unknown>) => checkResource(p, buildenv.COMMAND_TYPE, props);

  it("passes a VCH whose delete, but not create, passes --force", () => {
    assert.deepStrictEqual(check({ create: VCH_CREATE, delete: VCH_DELETE }), []);
  });

  it("reports each TLS-disabling flag in any script, matching flags as whole words", () => {
    const create = `${VCH_CREATE} --no-tlsverify`;
    const del = `NO_TLS="--no-tls=true"\n${VCH_DELETE} $NO_TLS`;
    assert.deepStrictEqual(
      check({ create, update: `${VCH_CREATE} --no-tls-verify`, delete: del }),
      [
        "VCH create script passes --no-tlsverify, which disables TLS verification.",
        "VCH update script passes --no-tls-verify, which disables TLS verification.",
        "VCH delete script passes --no-tls, which disables TLS verification.",
      ],
    );
  });

  it("reports a forced create", () => {
    assert.deepStrictEqual(check({ create: `${VCH_CREATE} --force=true`, delete: VCH_DELETE }), [
      "VCH create script passes --force, which re-installs over an existing VCH and ignores warnings.",
    ]);
  });

  it("does not mistake longer flags for --force", () => {
    assert.deepStrictEqual(
      check({ create: `${VCH_CREATE} --force-recreate`, delete: VCH_DELETE }),
      [],
    );
  });

  it("is not applicable to commands that do not run vic-machine", () => {
    assert.deepStrictEqual(check({ create: "docker volume rm --force scratch" }), {
      notApplicable: "Policy only applies to commands that run vic-machine",
    });
  });
});

describe("VCH volume store folder policy", () => {
  const p = buildenv.vchVolumeStoreFolderPolicy;
  const check = (props: Record<string, unknown>) => checkResource(p, buildenv.COMMAND_TYPE, props);
  const create = (stores: string) =>
    `vic-machine-linux create '--name=buildenv-alice' ${stores} '--tls-cname=vch.example.org'`;

  it("passes stores in folders of the VCH's own, in either flag spelling", () => {
    assert.deepStrictEqual(check({ create: VCH_CREATE }), []);
    assert.deepStrictEqual(
      check({
        create: create(
          "'--volume-store=vsanDatastore/vch/buildenv-alice:default' --volume-store nfs/a/vch/buildenv-alice:archive",
        ),
      }),
      [],
    );
  });

  it("rejects the shared folder every shipped config used, and a datastore root", () => {
    assert.deepStrictEqual(
      check({
        create: create(
          "'--volume-store=vsanDatastore/buildenv/volumes:default' '--volume-store=nfs:archive'",
        ),
      }),
      [
        'VCH "buildenv-alice" volume store "vsanDatastore/buildenv/volumes:default": folder "buildenv/volumes" could hold another VCH\'s volumes; use "vch/buildenv-alice" or "<folder>/vch/buildenv-alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it).',
        'VCH "buildenv-alice" volume store "nfs:archive": folder "" is not a folder of this VCH\'s own; use "vch/buildenv-alice" or "<folder>/vch/buildenv-alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it).',
      ],
    );
  });

  it("rejects another VCH's folder, and a folder that could contain another VCH's", () => {
    const problems = check({
      create: create(
        "'--volume-store=ds/vch/buildenv-bob:default' '--volume-store=ds/vch/x/vch/buildenv-alice:b'",
      ),
    });
    assert.deepStrictEqual(
      (problems as string[]).map((m) => m.split(":")[0]),
      [
        'VCH "buildenv-alice" volume store "ds/vch/buildenv-bob',
        'VCH "buildenv-alice" volume store "ds/vch/x/vch/buildenv-alice',
      ],
    );
  });

  it("is not applicable to commands that do not run vic-machine", () => {
    assert.deepStrictEqual(check({ create: "docker volume create x" }), {
      notApplicable: "Policy only applies to commands that run vic-machine",
    });
  });
});

describe("flagsInScript", () => {
  it("finds bare, quoted and valued flags but not flags they prefix", () => {
    assert.deepStrictEqual(buildenv.flagsInScript(`a "--no-tls" b`, buildenv.TLS_DISABLING_FLAGS), [
      "--no-tls",
    ]);
    assert.deepStrictEqual(
      buildenv.flagsInScript("a --no-tlsverify=true", buildenv.TLS_DISABLING_FLAGS),
      ["--no-tlsverify"],
    );
    assert.deepStrictEqual(
      buildenv.flagsInScript("a --x-no-tls x--no-tls --tls", buildenv.TLS_DISABLING_FLAGS),
      [],
    );
  });
});

describe("GitHub secret value policy", () => {
  const p = buildenv.githubSecretValuePolicy;
  const secret = "github:index/actionsSecret:ActionsSecret";
  const base = { repository: "buildenv", secretName: "REGISTRY_TOKEN" };

  it("passes secrets that set value or valueEncrypted", () => {
    assert.deepStrictEqual(checkResource(p, secret, { ...base, value: "s3cret" }), []);
    const environmentSecret = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
    const props = { ...base, environment: "ci", valueEncrypted: "YmFzZTY0" };
    assert.deepStrictEqual(checkResource(p, environmentSecret, props), []);
  });

  it("reports the deprecated plaintextValue, which also leaves value unset", () => {
    assert.deepStrictEqual(checkResource(p, secret, { ...base, plaintextValue: "s3cret" }), [
      "Secret sets the deprecated plaintextValue; use value instead.",
      "Secret sets neither value nor valueEncrypted.",
    ]);
  });

  it("reports the deprecated encryptedValue on an environment secret", () => {
    const environmentSecret = "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret";
    const props = { ...base, environment: "ci", value: "s3cret", encryptedValue: "YmFzZTY0" };
    assert.deepStrictEqual(checkResource(p, environmentSecret, props), [
      "Secret sets the deprecated encryptedValue; use valueEncrypted instead.",
    ]);
  });

  it("is not applicable to variables", () => {
    const variable = "github:index/actionsVariable:ActionsVariable";
    const props = { repository: "buildenv", variableName: "X", value: "1" };
    assert.deepStrictEqual(checkResource(p, variable, props), {
      notApplicable:
        "Policy only applies to resources of type github:index/actionsSecret:ActionsSecret, " +
        "github:index/actionsEnvironmentSecret:ActionsEnvironmentSecret, " +
        "github:index/dependabotSecret:DependabotSecret",
    });
  });
});

describe("GitHub organisation secret policy", () => {
  const p = buildenv.githubOrganizationSecretPolicy;

  it("reports every organisation secret type", () => {
    for (const type of buildenv.ORGANIZATION_SECRET_TYPES) {
      const props = { secretName: "TOKEN", visibility: "all", value: "s3cret" };
      assert.deepStrictEqual(checkResource(p, type, props), [
        `Organisation-wide secrets are not allowed (${type}); declare a repository or environment secret instead.`,
      ]);
    }
    assert.deepStrictEqual(
      buildenv.ORGANIZATION_SECRET_TYPES.filter((type) => /OrganizationSecret:/.test(type)),
      [
        "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
        "github:index/dependabotOrganizationSecret:DependabotOrganizationSecret",
        "github:index/codespacesOrganizationSecret:CodespacesOrganizationSecret",
      ],
    );
  });

  it("does not apply to repository secrets", () => {
    const props = { repository: "buildenv", secretName: "TOKEN", value: "s3cret" };
    assert.deepStrictEqual(checkResource(p, "github:index/actionsSecret:ActionsSecret", props), {
      notApplicable: `Policy only applies to resources of type ${buildenv.ORGANIZATION_SECRET_TYPES.join(", ")}`,
    });
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

describe("runPolicies", () => {
  const now = () => new Date("2026-11-15T00:00:00Z");
  const compliant: buildenv.PlannedResource[] = [
    { type: buildenv.VOLUME_TYPE, name: "alice-cache", props: volume(DEVELOPER_LABELS) },
    { type: buildenv.VOLUME_TYPE, name: "ci-cache", props: volume(SHARED_LABELS) },
    { type: buildenv.COMMAND_TYPE, name: "vch", props: { create: VCH_CREATE, delete: VCH_DELETE } },
    { type: buildenv.CONTAINER_TYPE, name: "builder", props: { image: "b:1", memory: 2048 } },
    {
      type: "github:index/actionsSecret:ActionsSecret",
      name: "token",
      props: { repository: "buildenv", secretName: "T", value: "s3cret" },
    },
  ];

  it("finds nothing in a compliant set of resources", () => {
    assert.deepStrictEqual(buildenv.runPolicies(compliant, {}, now), []);
  });

  it("reports every violation, prefixed with the policy and resource, in policy order", () => {
    const resources: buildenv.PlannedResource[] = [
      {
        type: buildenv.VOLUME_TYPE,
        name: "bob-cache",
        props: volume({
          ...withoutLabel(DEVELOPER_LABELS, "buildenv.owner"),
          "buildenv.capacity-mb": "60000",
          "buildenv.expires-at": "2027-06-01",
        }),
      },
      { type: buildenv.CONTAINER_TYPE, name: "builder", props: { image: "b:1" } },
      {
        type: "github:index/actionsOrganizationSecret:ActionsOrganizationSecret",
        name: "org",
        props: { secretName: "T", visibility: "all", value: "s3cret" },
      },
    ];
    assert.deepStrictEqual(buildenv.runPolicies(resources, {}, now), [
      'buildenv-volume-ownership-labels [bob-cache]: Volume has no non-empty "buildenv.owner" label.',
      "buildenv-volume-capacity-quota [bob-cache]: Volume capacity 60000 MB exceeds the normal-priority quota of 50000 MB.",
      "buildenv-no-github-organization-secrets [org]: Organisation-wide secrets are not allowed " +
        "(github:index/actionsOrganizationSecret:ActionsOrganizationSecret); declare a repository or environment secret instead.",
      "buildenv-container-memory-limit [builder]: Container has no memory limit; set memory (in MB) to a positive integer.",
      'buildenv-developer-stack-expiry: Developer volume "bob-cache" expires at 2027-06-01T00:00:00Z, ' +
        "more than 30 days from now (latest allowed 2026-12-15T00:00:00Z).",
    ]);
  });

  it("honours per-policy config, disabled policies and the `all` level", () => {
    const late = { ...DEVELOPER_LABELS, "buildenv.expires-at": "2027-01-01T00:00:00Z" };
    const resources: buildenv.PlannedResource[] = [
      { type: buildenv.VOLUME_TYPE, name: "alice-cache", props: volume(late) },
      { type: buildenv.CONTAINER_TYPE, name: "builder", props: { image: "b:1" } },
    ];
    assert.deepStrictEqual(
      buildenv.runPolicies(
        resources,
        {
          "buildenv-developer-stack-expiry": { maxDays: 60 },
          "buildenv-volume-capacity-quota": { enforcementLevel: "advisory", normalMaxMb: 1000 },
          "buildenv-container-memory-limit": "disabled",
        },
        now,
      ),
      [
        "buildenv-volume-capacity-quota [alice-cache]: Volume capacity 2000 MB exceeds the normal-priority quota of 1000 MB.",
      ],
    );
    assert.deepStrictEqual(
      buildenv.runPolicies(
        resources,
        { all: "disabled", "buildenv-container-memory-limit": "mandatory" },
        now,
      ),
      [
        "buildenv-container-memory-limit [builder]: Container has no memory limit; set memory (in MB) to a positive integer.",
      ],
    );
  });
});

const PROJECT = buildenv.HARBOR_PROJECT_TYPE;
const ROBOT = buildenv.HARBOR_ROBOT_TYPE;
const RETENTION = buildenv.HARBOR_RETENTION_TYPE;
const project = { name: "buildenv", public: false, vulnerabilityScanning: true };
const robot = (accesses: Record<string, unknown>[], extra: Record<string, unknown> = {}) => ({
  name: "push",
  level: "project",
  permissions: [{ kind: "project", namespace: "buildenv", accesses }],
  ...extra,
});
const allow = (action: string, resource = "repository") => ({ action, resource, effect: "allow" });

describe("Harbor robot least-privilege policy", () => {
  const p = buildenv.harborRobotLeastPrivilegePolicy;
  const check = (props: Record<string, unknown>) =>
    checkStack(p, [
      { type: PROJECT, name: "registry", props: project },
      { type: ROBOT, name: "robot", props },
    ]);
  const urn = urnOf(ROBOT, "robot");

  it("passes push and pull, or pull alone, on the stack's project; deny entries grant nothing", () => {
    assert.deepStrictEqual(check(robot([allow("pull"), allow("push")])), []);
    assert.deepStrictEqual(check(robot([{ action: "pull", resource: "repository" }])), []);
    assert.deepStrictEqual(
      check(robot([allow("pull"), { action: "delete", resource: "repository", effect: "deny" }])),
      [],
    );
  });

  it("reports any other action or resource", () => {
    assert.deepStrictEqual(
      check(robot([allow("pull"), allow("delete"), allow("create", "label")])),
      [
        `${urn}: Robot account "robot": Robot account is granted "delete" on "repository"; only pull and push on "repository" are allowed.`,
        `${urn}: Robot account "robot": Robot account is granted "create" on "label"; only pull and push on "repository" are allowed.`,
      ],
    );
  });

  it("reports a system robot, a permission on another or every project, and extra permissions", () => {
    assert.deepStrictEqual(
      check({
        name: "wide",
        level: "system",
        permissions: [
          { kind: "project", namespace: "*", accesses: [allow("pull")] },
          { kind: "system", namespace: "/", accesses: [allow("pull")] },
        ],
      }),
      [
        `${urn}: Robot account "robot": Robot account has level "system"; only project-level robots are allowed (a system robot can reach every project).`,
        `${urn}: Robot account "robot": Robot account has 2 permissions; exactly one, on this stack's project, is allowed.`,
        `${urn}: Robot account "robot": Robot account has a "project" permission on "*"; only project permissions on a project this stack declares ("buildenv") are allowed.`,
        `${urn}: Robot account "robot": Robot account has a "system" permission on "/"; only project permissions on a project this stack declares ("buildenv") are allowed.`,
      ],
    );
    assert.deepStrictEqual(
      checkStack(p, [{ type: ROBOT, name: "robot", props: robot([allow("pull")]) }]),
      [
        `${urn}: Robot account "robot": Robot account has a "project" permission on "buildenv"; only project permissions on a project this stack declares (none) are allowed.`,
      ],
    );
  });

  it("is not applicable without robot accounts", () => {
    assert.deepStrictEqual(checkStack(p, [{ type: PROJECT, name: "registry", props: project }]), {
      notApplicable: "The stack declares no Harbor robot account",
    });
  });
});

describe("Harbor private project policy", () => {
  const p = buildenv.harborPrivateProjectPolicy;

  it("passes a private project, and one that leaves public at Harbor's default (private)", () => {
    assert.deepStrictEqual(checkResource(p, PROJECT, project), []);
    assert.deepStrictEqual(checkResource(p, PROJECT, { name: "buildenv" }), []);
  });

  it("reports a public project unless allowPublic names it", () => {
    assert.deepStrictEqual(checkResource(p, PROJECT, { ...project, public: true }), [
      'Harbor project "buildenv" is public; anyone can pull its images. Make it private, or list it in this policy\'s allowPublic.',
    ]);
    assert.deepStrictEqual(
      checkResource(p, PROJECT, { ...project, public: true }, { allowPublic: ["buildenv"] }),
      [],
    );
    assert.strictEqual(
      (
        checkResource(
          p,
          PROJECT,
          { ...project, public: true },
          { allowPublic: ["other"] },
        ) as string[]
      ).length,
      1,
    );
  });

  it("declares allowPublic, empty by default, in its config schema", () => {
    assert.deepStrictEqual(p.configSchema?.properties?.allowPublic, {
      type: "array",
      items: { type: "string" },
      default: [],
      description: "Harbor projects that may be public.",
    });
  });
});

describe("Harbor project retention policy", () => {
  const p = buildenv.harborRetentionPolicy;
  const retention = { rules: [{ mostRecentlyPushed: 10 }], schedule: "Daily" };

  it("passes a project with a retention policy scoped to it", () => {
    assert.deepStrictEqual(
      checkStack(p, [
        { type: PROJECT, name: "registry", props: project },
        { type: RETENTION, name: "retention", props: retention, scopeFrom: "registry" },
      ]),
      [],
    );
    assert.deepStrictEqual(
      checkStack(p, [
        { type: PROJECT, name: "registry", props: project },
        { type: RETENTION, name: "retention", props: retention, dependsOn: ["registry"] },
      ]),
      [],
    );
  });

  it("reports a project without one, or whose only retention policy is another project's", () => {
    assert.deepStrictEqual(
      checkStack(p, [
        { type: PROJECT, name: "registry", props: project },
        { type: PROJECT, name: "other", props: { ...project, name: "other" } },
        { type: RETENTION, name: "retention", props: retention, scopeFrom: "other" },
      ]),
      [
        `${urnOf(PROJECT, "registry")}: Harbor project "buildenv" has no retention policy; declare a RetentionPolicy whose scope is the project's id.`,
      ],
    );
  });

  it("is not applicable without Harbor projects", () => {
    assert.deepStrictEqual(checkStack(p, []), {
      notApplicable: "The stack declares no Harbor project",
    });
  });
});

describe("Harbor retention vs immutable tags policy", () => {
  const p = buildenv.harborRetentionImmutablePolicy;
  const IMMUTABLE = buildenv.HARBOR_IMMUTABLE_TYPE;
  const HEX = "[0-9a-f]".repeat(40);
  const keepNewest = (n: number) => ({
    schedule: "Daily",
    rules: [
      { mostRecentlyPushed: n, repoMatching: "build", tagMatching: HEX },
      { alwaysRetain: true, repoMatching: "build", tagMatching: "cache" },
    ],
  });
  const keepAll = {
    schedule: "Daily",
    rules: [
      { alwaysRetain: true, repoMatching: "build", tagMatching: HEX },
      { alwaysRetain: true, repoMatching: "build", tagMatching: "cache" },
    ],
  };
  const immutable = { repoMatching: "build", tagMatching: HEX };

  it("passes immutable content tags that retention always retains, and pruning without an immutable rule", () => {
    assert.deepStrictEqual(
      checkStack(p, [
        { type: PROJECT, name: "registry", props: project },
        { type: RETENTION, name: "retention", props: keepAll, scopeFrom: "registry" },
        { type: IMMUTABLE, name: "immutable", props: immutable, dependsOn: ["registry"] },
      ]),
      [],
    );
    assert.deepStrictEqual(
      checkStack(p, [
        { type: PROJECT, name: "registry", props: project },
        { type: RETENTION, name: "retention", props: keepNewest(10), scopeFrom: "registry" },
      ]),
      [],
    );
  });

  it("reports a rule pruning the tags the same project's immutable rule protects", () => {
    assert.deepStrictEqual(
      checkStack(p, [
        { type: PROJECT, name: "registry", props: project },
        { type: RETENTION, name: "retention", props: keepNewest(10), scopeFrom: "registry" },
        { type: IMMUTABLE, name: "immutable", props: immutable, dependsOn: ["registry"] },
      ]),
      [
        `${urnOf(RETENTION, "retention")}: Rule 0 of retention policy "retention" prunes tags "${HEX}" of "build" by mostRecentlyPushed, but immutable tag rule "immutable" protects them and Harbor's retention never deletes an immutable tag; retain them always, or drop the immutable rule (buildenv:registry.immutable: false).`,
      ],
    );
  });

  it("ignores another project's immutable rule, a disabled one, and other patterns", () => {
    for (const rule of [
      { type: IMMUTABLE, name: "immutable", props: immutable, dependsOn: ["other"] },
      {
        type: IMMUTABLE,
        name: "immutable",
        props: { ...immutable, disabled: true },
        dependsOn: ["registry"],
      },
      {
        type: IMMUTABLE,
        name: "immutable",
        props: { ...immutable, tagMatching: "v*" },
        dependsOn: ["registry"],
      },
    ]) {
      assert.deepStrictEqual(
        checkStack(p, [
          { type: PROJECT, name: "registry", props: project },
          { type: PROJECT, name: "other", props: { ...project, name: "other" } },
          { type: RETENTION, name: "retention", props: keepNewest(10), scopeFrom: "registry" },
          rule,
        ]),
        [],
      );
    }
  });

  it("is not applicable without Harbor projects", () => {
    assert.deepStrictEqual(checkStack(p, []), {
      notApplicable: "The stack declares no Harbor project",
    });
  });
});
