/** Harbor: what the shared stack declares, and the policy pack on it. */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PlannedResource, runPolicies } from "../../../policy/policies";
import { isSecretInput, mocks, reveal, secretEnvelope } from "../../support/harness";
import { NOW, resolveAll, runStack, stubVsphere } from "../../support/stack";
import {
  TAG,
  DIGEST,
  REPO,
  PROJECT,
  ROBOT,
  RETENTION,
  IMMUTABLE,
  GC,
  HEX40,
  ADMIN_PASSWORD,
  sharedHarbor,
  allow,
  strings,
} from "../../support/harborStacks";

describe("registry on Harbor", () => {
  beforeEach(() => stubVsphere());

  describe("the shared stack", () => {
    it("declares a private project, scanned on push, kept on destroy", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      const project = mocks.one(PROJECT);
      assert.strictEqual(project.name, "buildenv-ci-registry");
      assert.deepStrictEqual(project.inputs, {
        name: "buildenv",
        public: false,
        vulnerabilityScanning: true,
        forceDestroy: false,
      });
      assert.strictEqual(mocks.optionsOf(PROJECT, project.name).retainOnDelete, true);
      assert.strictEqual(mocks.optionsOf(PROJECT, project.name).version, "3.10.21");
    });

    it("sets the storage quota when configured", async () => {
      await runStack(sharedHarbor({ storageQuotaGB: 200 }), { stack: "ci" });
      assert.strictEqual(mocks.one(PROJECT).inputs.storageQuota, 200);
    });

    it("declares one push robot and pull-only robots for its host and each CI repository", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      const robots = mocks.ofType(ROBOT).sort((a, b) => a.name.localeCompare(b.name));
      assert.deepStrictEqual(
        robots.map((r) => [r.name, r.inputs]),
        [
          [
            "buildenv-ci-registry-robot-pull-ci-app",
            {
              name: "pull-ci-app",
              level: "project",
              description: "buildenv ci: CI of app pulls the build image",
              permissions: [{ kind: "project", namespace: "buildenv", accesses: [allow("pull")] }],
            },
          ],
          [
            "buildenv-ci-registry-robot-pull-ci-tools",
            {
              name: "pull-ci-tools",
              level: "project",
              description: "buildenv ci: CI of tools pulls the build image",
              permissions: [{ kind: "project", namespace: "buildenv", accesses: [allow("pull")] }],
            },
          ],
          [
            "buildenv-ci-registry-robot-pull-host-ci",
            {
              name: "pull-host-ci",
              level: "project",
              description: "buildenv ci: the stack's container host pulls the build image",
              permissions: [{ kind: "project", namespace: "buildenv", accesses: [allow("pull")] }],
            },
          ],
          [
            "buildenv-ci-registry-robot-push",
            {
              name: "push",
              level: "project",
              description: "buildenv ci: builds and pushes buildenv/build",
              permissions: [
                {
                  kind: "project",
                  namespace: "buildenv",
                  accesses: [allow("pull"), allow("push")],
                },
              ],
            },
          ],
        ],
      );
      for (const robot of robots) {
        // Created after the project it belongs to.
        assert.deepStrictEqual(mocks.optionsOf(ROBOT, robot.name).dependencies, [
          "urn:pulumi:ci::buildenv::buildenv:registry:HarborProject$harbor:index/project:Project::buildenv-ci-registry",
        ]);
      }
    });

    it("by default keeps every (immutable) content tag, the cache tag and the newest 20 outputs, deleting untagged artifacts, daily", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      assert.deepStrictEqual(mocks.one(RETENTION).inputs, {
        scope: "buildenv-ci-registry-id",
        schedule: "Daily",
        rules: [
          {
            alwaysRetain: true,
            repoMatching: "build",
            tagMatching: HEX40,
            untaggedArtifacts: false,
          },
          {
            alwaysRetain: true,
            repoMatching: "build",
            tagMatching: "cache",
            untaggedArtifacts: false,
          },
          // Output archives (npm run env -- output --push): the newest 20, any tag.
          {
            mostRecentlyPushed: 20,
            repoMatching: "build-output",
            tagMatching: "**",
            untaggedArtifacts: false,
          },
        ],
      });
      assert.strictEqual(mocks.ofType(IMMUTABLE).length, 1);
    });

    it("with immutable: false keeps the newest 10 content tags and the cache tag, and no immutable rule", async () => {
      await runStack(sharedHarbor({ immutable: false }), { stack: "ci" });
      assert.deepStrictEqual(mocks.ofType(IMMUTABLE), []);
      assert.deepStrictEqual(mocks.one(RETENTION).inputs, {
        scope: "buildenv-ci-registry-id",
        schedule: "Daily",
        rules: [
          {
            mostRecentlyPushed: 10,
            repoMatching: "build",
            tagMatching: HEX40,
            untaggedArtifacts: false,
          },
          {
            alwaysRetain: true,
            repoMatching: "build",
            tagMatching: "cache",
            untaggedArtifacts: false,
          },
          // Output archives (npm run env -- output --push): the newest 20, any tag.
          {
            mostRecentlyPushed: 20,
            repoMatching: "build-output",
            tagMatching: "**",
            untaggedArtifacts: false,
          },
        ],
      });
    });

    it("keeps as many content tags as configured, in the configured repository", async () => {
      await runStack(sharedHarbor({ immutable: false, keep: 3, repository: "tools/build" }), {
        stack: "ci",
      });
      const rules = mocks.one(RETENTION).inputs.rules as Record<string, unknown>[];
      assert.deepStrictEqual(
        rules.map((r) => [r.mostRecentlyPushed, r.alwaysRetain, r.repoMatching, r.tagMatching]),
        [
          [3, undefined, "tools/build", HEX40],
          [undefined, true, "tools/build", "cache"],
          [20, undefined, "tools/build-output", "**"],
        ],
      );
      mocks.reset();
      stubVsphere();
      await runStack(sharedHarbor({ repository: "tools/build" }), { stack: "ci" });
      assert.strictEqual(mocks.one(IMMUTABLE).inputs.repoMatching, "tools/build");
      assert.deepStrictEqual(mocks.one("docker-build:index:Image").inputs.tags, [
        `harbor.example.com/buildenv/tools/build:${TAG}`,
      ]);
    });

    it("makes 40-hex content tags immutable, not the cache tag", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      assert.deepStrictEqual(mocks.one(IMMUTABLE).inputs, {
        projectId: "buildenv-ci-registry-id",
        repoMatching: "build",
        tagMatching: HEX40,
      });
      const glob = new RegExp(`^${HEX40}$`);
      assert.ok(glob.test(TAG), "the content tag is matched");
      assert.ok(!glob.test("cache"), "the cache tag is not");
    });

    it("declares garbage collection only when configured, never deleting untagged artifacts", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      assert.deepStrictEqual(mocks.ofType(GC), []);
      mocks.reset();
      stubVsphere();
      await runStack(sharedHarbor({ garbageCollection: "Weekly" }), { stack: "ci" });
      assert.deepStrictEqual(mocks.one(GC).inputs, { schedule: "Weekly", deleteUntagged: false });
    });

    it("builds and pushes with the push robot; the host pulls with its own robot", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      const image = mocks.one("docker-build:index:Image");
      assert.deepStrictEqual(image.inputs.tags, [`${REPO}:${TAG}`]);
      assert.deepStrictEqual(
        image.inputs.registries,
        secretEnvelope([
          {
            address: "harbor.example.com",
            username: "robot$buildenv+push",
            password: "robot-secret-for-push",
          },
        ]),
      );
      assert.deepStrictEqual(image.inputs.cacheFrom, [{ registry: { ref: `${REPO}:cache` } }]);
      const provider = mocks.one("pulumi:providers:docker");
      assert.ok(isSecretInput(provider.inputs.registryAuth));
      assert.deepStrictEqual(JSON.parse(reveal(provider.inputs.registryAuth) as string), [
        {
          address: "harbor.example.com",
          username: "robot$buildenv+pull-host-ci",
          password: "robot-secret-for-pull-host-ci",
        },
      ]);
      assert.deepStrictEqual(mocks.one("docker:index/remoteImage:RemoteImage").inputs, {
        name: `${REPO}@${DIGEST}`,
        keepLocally: true,
      });
    });

    it("gives each repository's CI its own pull robot as REGISTRY_USERNAME/REGISTRY_PASSWORD", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      const secrets = mocks.ofType("github:index/actionsSecret:ActionsSecret");
      const variables = mocks.ofType("github:index/actionsVariable:ActionsVariable");
      assert.strictEqual(secrets.length, 10);
      assert.strictEqual(variables.length, 12);
      for (const repository of ["app", "tools"]) {
        const password = secrets.filter(
          (s) => s.inputs.repository === repository && s.inputs.secretName === "REGISTRY_PASSWORD",
        );
        assert.strictEqual(password.length, 1);
        assert.ok(isSecretInput(password[0].inputs.value));
        assert.strictEqual(
          reveal(password[0].inputs.value),
          `robot-secret-for-pull-ci-${repository}`,
        );
        assert.deepStrictEqual(
          Object.fromEntries(
            variables
              .filter((v) => v.inputs.repository === repository)
              .map((v) => [v.inputs.variableName, v.inputs.value]),
          ),
          {
            BUILD_IMAGE: `${REPO}@${DIGEST}`,
            DOCKER_TLS_VERIFY: "1",
            OUTPUT_VOLUME: "buildenv-ci-output",
            REGISTRY: "harbor.example.com",
            REGISTRY_USERNAME: `robot$buildenv+pull-ci-${repository}`,
            SOURCE_VOLUME: "buildenv-ci-source",
          },
        );
      }
    });

    it("keeps every robot secret a secret: never in a plain input, a name, a command line or a plain output", async () => {
      const { outputs } = await runStack(sharedHarbor(), { stack: "ci" });
      const robotSecrets = ["push", "pull-host-ci", "pull-ci-app", "pull-ci-tools"].map(
        (r) => `robot-secret-for-${r}`,
      );
      let secretUses = 0;
      for (const resource of mocks.resources) {
        for (const secret of robotSecrets) {
          assert.ok(!resource.name.includes(secret), `${resource.name} names a robot secret`);
        }
        for (const { text, secret } of strings(resource.inputs)) {
          const leaked = robotSecrets.filter((s) => text.includes(s));
          if (leaked.length > 0) {
            secretUses++;
            assert.ok(secret, `${resource.type}::${resource.name} has ${leaked} in a plain input`);
            assert.notStrictEqual(resource.type, "command:local:Command");
          }
        }
      }
      // Build registries, host registryAuth, two REGISTRY_PASSWORD secrets.
      assert.strictEqual(secretUses, 4);
      // The administrator's password only asks for the tag: it reaches no resource at all.
      assert.deepStrictEqual(
        mocks.resources.filter((r) => JSON.stringify(r.inputs).includes(ADMIN_PASSWORD)),
        [],
      );
      for (const [key, value] of Object.entries(outputs)) {
        const plain = JSON.stringify(await resolveAll(value)) ?? "";
        for (const secret of robotSecrets) {
          if (plain.includes(secret)) {
            assert.strictEqual(
              await pulumi.isSecret(value as pulumi.Output<unknown>),
              true,
              `output ${key}`,
            );
          }
        }
      }
    });

    it("evaluates identically a second time", async () => {
      await runStack(sharedHarbor({ garbageCollection: "Weekly" }), { stack: "ci" });
      const first = mocks.snapshot();
      mocks.reset();
      stubVsphere();
      await runStack(sharedHarbor({ garbageCollection: "Weekly" }), { stack: "ci" });
      assert.strictEqual(mocks.snapshot(), first);
    });
  });

  describe("the policy pack on the shared stack", () => {
    /** What the program registered, as the engine hands it to the pack (secrets revealed). */
    const planned = (): PlannedResource[] =>
      mocks.resources
        .filter((r) => r.custom)
        .map((r) => ({
          type: r.type,
          name: r.name,
          props: JSON.parse(JSON.stringify(r.inputs, (_k, v: unknown) => reveal(v))) as Record<
            string,
            unknown
          >,
          urn: mocks.urns.get(`${r.type}::${r.name}`),
          dependencies: mocks.optionsOf(r.type, r.name).dependencies,
        }));

    it("finds no violation, with immutable content tags or without", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      assert.deepStrictEqual(
        runPolicies(planned(), {}, () => NOW),
        [],
      );
      mocks.reset();
      stubVsphere();
      await runStack(sharedHarbor({ immutable: false, keep: 5 }), { stack: "ci" });
      assert.deepStrictEqual(
        runPolicies(planned(), {}, () => NOW),
        [],
      );
    });

    it("reports what the stack used to declare: newest-10 retention on immutable content tags", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      const resources = planned().map((r) =>
        r.type === RETENTION
          ? {
              ...r,
              props: {
                ...r.props,
                rules: (r.props.rules as Record<string, unknown>[]).map((rule, i) => {
                  if (i !== 0) return rule;
                  const pruning: Record<string, unknown> = { ...rule, mostRecentlyPushed: 10 };
                  delete pruning.alwaysRetain;
                  return pruning;
                }),
              },
            }
          : r,
      );
      assert.deepStrictEqual(
        runPolicies(resources, {}, () => NOW),
        [
          `buildenv-harbor-retention-immutable: Rule 0 of retention policy "buildenv-ci-registry-retention" prunes tags "${HEX40}" of "build" by mostRecentlyPushed, but immutable tag rule "buildenv-ci-registry-immutable" protects them and Harbor's retention never deletes an immutable tag; retain them always, or drop the immutable rule (buildenv:registry.immutable: false).`,
        ],
      );
    });

    it("reports the project once its retention policy is gone, and a robot that may delete", async () => {
      await runStack(sharedHarbor(), { stack: "ci" });
      const resources = planned()
        .filter((r) => r.type !== RETENTION)
        .map((r) =>
          r.name === "buildenv-ci-registry-robot-pull-ci-app"
            ? {
                ...r,
                props: {
                  ...r.props,
                  permissions: [
                    {
                      kind: "project",
                      namespace: "buildenv",
                      accesses: [{ action: "delete", resource: "repository" }],
                    },
                  ],
                },
              }
            : r,
        );
      assert.deepStrictEqual(
        runPolicies(resources, {}, () => NOW),
        [
          'buildenv-harbor-robot-least-privilege: Robot account "buildenv-ci-registry-robot-pull-ci-app": Robot account is granted "delete" on "repository"; only pull and push on "repository" are allowed.',
          `buildenv-harbor-project-retention: Harbor project "buildenv" has no retention policy; declare a RetentionPolicy whose scope is the project's id.`,
        ],
      );
    });
  });
});
