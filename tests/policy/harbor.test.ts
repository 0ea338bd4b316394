import * as assert from "assert";
import * as buildenv from "../../policy/policies";
import { checkResource, checkStack, urnOf } from "../support/policyChecks";

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
