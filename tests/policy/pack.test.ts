import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import {
  DEVELOPER_LABELS,
  SHARED_LABELS,
  VCH_CREATE,
  VCH_DELETE,
  volume,
  withoutLabel,
} from "../support/policyChecks";

describe("policy pack", () => {
  it("ships fourteen uniquely named mandatory policies, in the same order with any clock", () => {
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
      "buildenv-vch-in-farm-pool",
      "buildenv-farm-pool-limit",
      "buildenv-kept-volumes-keep-stores",
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
