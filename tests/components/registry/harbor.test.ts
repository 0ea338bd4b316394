import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { computeImageTag } from "../../../components/image/manifest";
import { loadConfig, parseConfig } from "../../../components/config/load";
import { findImageDigest, harborProjectExists } from "../../../components/image/registryLookup";
import { resolveBuildImage } from "../../../components/image/resolve";
import { PlannedResource, runPolicies } from "../../../policy/policies";
import { ParseContext } from "../../../components/config/schema";
import {
  isSecretInput,
  mocks,
  reveal,
  secretEnvelope,
  setConfig,
  setMode,
} from "../../support/harness";
import {
  HARBOR_ACCOUNT,
  HARBOR_PASSWORD,
  HARBOR_USER,
  NOW,
  REPO_ROOT,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
  FIXTURES_DIR,
  SHARED_FARM,
} from "../../support/stack";

const TAG = computeImageTag(REPO_ROOT, ["images/build"]).tag;
const DIGEST = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const REPO = "harbor.example.com/buildenv/build";
const PROJECT = "harbor:index/project:Project";
const ROBOT = "harbor:index/robotAccount:RobotAccount";
const RETENTION = "harbor:index/retentionPolicy:RetentionPolicy";
const IMMUTABLE = "harbor:index/immutableTagRule:ImmutableTagRule";
const GC = "harbor:index/garbageCollection:GarbageCollection";
const HEX40 =
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" +
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" +
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]" +
  "[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]";
/** The shared stack's Harbor administrator password (harbor:password). */
const ADMIN_PASSWORD = "s3cret-harbor-admin";
const CA_PEM = fs.readFileSync(path.join(FIXTURES_DIR, "registry-ca.pem"), "utf8");

/** The shared stack on Harbor, as Pulumi.ci.yaml declares it (stack `ci`). */
function sharedHarbor(registry: Record<string, unknown> = {}): Record<string, unknown> {
  const config = vchStackConfig({
    "buildenv:owner": "platform",
    "buildenv:shared": "true",
    "buildenv:farm": SHARED_FARM,
    "buildenv:registry": {
      kind: "harbor",
      server: "harbor.example.com",
      project: "buildenv",
      ...registry,
    },
    "buildenv:github": { repositories: ["tools", "app"] },
    "harbor:username": "buildenv-admin",
    "harbor:password": ADMIN_PASSWORD,
  });
  delete config["buildenv:expiresAt"];
  delete config["buildenv:registryPassword"];
  // The platform's VCH is buildenv-platform, and its volume stores are folders of its own.
  config["buildenv:host"] = JSON.parse(
    JSON.stringify(config["buildenv:host"]).replace(/buildenv-alice/g, "buildenv-platform"),
  );
  return config;
}

/** A developer's stack on the team's Harbor project. */
function developerHarbor(registry: Record<string, unknown> = {}): Record<string, unknown> {
  const config = vchStackConfig({
    "buildenv:registry": {
      kind: "harbor",
      server: "harbor.example.com",
      project: "buildenv",
      ...registry,
    },
    ...HARBOR_ACCOUNT,
  });
  delete config["buildenv:registryPassword"];
  return config;
}

const allow = (action: "pull" | "push") => ({ action, resource: "repository", effect: "allow" });

/** Every string inside a recorded value, with whether it sits inside a secret envelope. */
function strings(value: unknown, secret = false): { text: string; secret: boolean }[] {
  if (isSecretInput(value)) return strings(reveal(value), true);
  if (typeof value === "string") {
    // Provider config of list type arrives as JSON text.
    if (/^[[{]/.test(value)) {
      try {
        return strings(JSON.parse(value), secret);
      } catch {
        // not JSON: plain text
      }
    }
    return [{ text: value, secret }];
  }
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, secret));
  if (value && typeof value === "object") {
    return Object.values(value).flatMap((v) => strings(v, secret));
  }
  return [];
}

describe("registry on Harbor", () => {
  beforeEach(() => stubVsphere());

  it("finds strings inside secrets, list-typed provider config and nested inputs", () => {
    assert.deepStrictEqual(
      strings({
        a: secretEnvelope("x"),
        b: ["y", { c: "z" }],
        d: JSON.stringify([{ password: "p" }]),
        e: secretEnvelope(JSON.stringify([{ password: "q" }])),
      }),
      [
        { text: "x", secret: true },
        { text: "y", secret: false },
        { text: "z", secret: false },
        { text: "p", secret: false },
        { text: "q", secret: true },
      ],
    );
  });

  describe("config", () => {
    const ctx = (
      harbor: ParseContext["harbor"] = {
        username: "buildenv-admin",
        password: pulumi.secret(ADMIN_PASSWORD),
      },
      env: ParseContext["env"] = {},
    ): ParseContext => ({
      project: "buildenv",
      stack: "ci",
      now: NOW,
      env,
      vsphere: {},
      harbor,
      secrets: {},
      pathKind: (p) => (p.endsWith("Dockerfile") ? "file" : "dir"),
    });

    /** The registry config, its Harbor account's password resolved (and checked secret). */
    async function registryOf(config: ReturnType<typeof parseConfig>) {
      const { harborAccount, ...rest } = config.registry!;
      assert.strictEqual(await pulumi.isSecret(harborAccount!.password), true);
      return {
        ...rest,
        harborAccount: { ...harborAccount, password: await resolveAll(harborAccount!.password) },
      };
    }

    it("defaults the repository to build and content tags to immutable, and keeps the CA", async () => {
      const config = parseConfig(
        {
          shared: "true",
          registry: { kind: "harbor", server: "harbor.example.com", project: "team", ca: CA_PEM },
        },
        ctx(),
      );
      assert.deepStrictEqual(await registryOf(config), {
        kind: "harbor",
        server: "harbor.example.com",
        repository: "team/build",
        ca: CA_PEM,
        harborAccount: { username: "buildenv-admin", password: ADMIN_PASSWORD },
        harbor: { project: "team", repository: "build", immutable: true },
      });
    });

    it("takes the account from HARBOR_USERNAME when harbor:username is unset, as the provider does", async () => {
      const raw = { registry: { kind: "harbor", server: "harbor.example.com", project: "team" } };
      const fromEnv = parseConfig(
        raw,
        ctx({ password: pulumi.secret("pw") }, { HARBOR_USERNAME: "bob" }),
      );
      assert.deepStrictEqual((await registryOf(fromEnv)).harborAccount, {
        username: "bob",
        password: "pw",
      });
      const both = parseConfig(
        raw,
        ctx({ username: "carol", password: pulumi.secret("pw") }, { HARBOR_USERNAME: "bob" }),
      );
      assert.strictEqual(both.registry!.harborAccount!.username, "carol");
    });

    it("reads every Harbor setting of the shared stack", async () => {
      const config = parseConfig(
        {
          shared: "true",
          registry: {
            kind: "harbor",
            server: "harbor.example.com:8443",
            project: "team",
            repository: "tools/build",
            immutable: false,
            keep: 3,
            storageQuotaGB: 50,
            garbageCollection: "0 0 3 * * 6",
          },
        },
        ctx(),
      );
      assert.deepStrictEqual(await registryOf(config), {
        kind: "harbor",
        server: "harbor.example.com:8443",
        repository: "team/tools/build",
        harborAccount: { username: "buildenv-admin", password: ADMIN_PASSWORD },
        harbor: {
          project: "team",
          repository: "tools/build",
          immutable: false,
          keep: 3,
          storageQuotaGB: 50,
          garbageCollection: "0 0 3 * * 6",
        },
      });
    });

    it("keeps a generic registry as it was, kind generic by default", () => {
      const config = parseConfig(
        { registry: { server: "registry.local:65535", repository: "team/build" } },
        ctx(),
      );
      assert.deepStrictEqual(config.registry, {
        kind: "generic",
        server: "registry.local:65535",
        repository: "team/build",
      });
    });

    it("defaults keep to 10 once content tags are mutable", () => {
      const config = parseConfig(
        {
          shared: "true",
          registry: {
            kind: "harbor",
            server: "harbor.example.com",
            project: "team",
            immutable: false,
          },
        },
        ctx(),
      );
      assert.deepStrictEqual(config.registry!.harbor, {
        project: "team",
        repository: "build",
        immutable: false,
        keep: 10,
      });
    });
  });

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

    it("by default keeps every (immutable) content tag and the cache tag, deleting only untagged artifacts, daily", async () => {
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

  describe("a developer stack", () => {
    it("declares nothing in Harbor and pushes and pulls with the developer's Harbor account", async () => {
      const { outputs } = await runStack(developerHarbor());
      assert.deepStrictEqual(
        mocks.resources.filter((r) => r.type.startsWith("harbor:")).map((r) => r.type),
        [],
      );
      const image = mocks.one("docker-build:index:Image");
      assert.deepStrictEqual(image.inputs.tags, [`${REPO}:${TAG}`]);
      assert.strictEqual(image.inputs.push, true);
      // harbor:username and harbor:password, not whatever `docker login` the machine holds.
      assert.deepStrictEqual(
        image.inputs.registries,
        secretEnvelope([
          { address: "harbor.example.com", username: HARBOR_USER, password: HARBOR_PASSWORD },
        ]),
      );
      const provider = mocks.one("pulumi:providers:docker");
      assert.ok(isSecretInput(provider.inputs.registryAuth));
      assert.deepStrictEqual(JSON.parse(reveal(provider.inputs.registryAuth) as string), [
        { address: "harbor.example.com", username: HARBOR_USER, password: HARBOR_PASSWORD },
      ]);
      assert.strictEqual(await resolveAll(outputs.buildImage), `${REPO}@${DIGEST}`);
      // The password is in exactly those two inputs, each time inside a secret.
      const carrying = mocks.resources.filter((r) =>
        strings(r.inputs).some((s) => s.text.includes(HARBOR_PASSWORD)),
      );
      assert.deepStrictEqual(carrying.map((r) => r.type).sort(), [
        "docker-build:index:Image",
        "pulumi:providers:docker",
      ]);
      for (const r of carrying) {
        for (const s of strings(r.inputs).filter((s) => s.text.includes(HARBOR_PASSWORD))) {
          assert.strictEqual(s.secret, true, `${r.type}::${r.name}`);
        }
      }
    });
  });

  describe("the tag lookup", () => {
    /**
     * A stand-in Harbor on a loopback port, answering as goharbor/harbor
     * src/server/middleware/v2auth/auth.go:92-115 (at c50c7ddd) does for a private project: a
     * request without credentials gets a Bearer challenge naming `<endpoint>/service/token`,
     * service `harbor-registry`; the token service gives anyone a token, but only a member's
     * token may pull; a request with a token that may not pull gets `Basic realm="harbor"`.
     */
    async function withHarbor(
      work: (server: string, seen: string[]) => Promise<void>,
    ): Promise<void> {
      const seen: string[] = [];
      const member = `Basic ${Buffer.from(`${HARBOR_USER}:${HARBOR_PASSWORD}`).toString("base64")}`;
      const harbor = http.createServer((req, res) => {
        const { port } = harbor.address() as AddressInfo;
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? "(anonymous)"}`);
        if (req.url?.startsWith("/service/token")) {
          const token = req.headers.authorization === member ? "member-token" : "anonymous-token";
          res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ token }));
          return;
        }
        if (req.headers.authorization === "Bearer member-token") {
          const found = req.url === `/v2/buildenv/build/manifests/${TAG}`;
          res.writeHead(found ? 200 : 404, found ? { "Docker-Content-Digest": DIGEST } : {}).end();
          return;
        }
        res
          .writeHead(401, {
            "WWW-Authenticate": req.headers.authorization
              ? 'Basic realm="harbor"'
              : `Bearer realm="http://127.0.0.1:${port}/service/token",service="harbor-registry",scope="repository:buildenv/build:pull"`,
          })
          .end();
      });
      await new Promise<void>((resolve) => harbor.listen(0, "127.0.0.1", resolve));
      try {
        await work(`127.0.0.1:${(harbor.address() as AddressInfo).port}`, seen);
      } finally {
        await new Promise((resolve) => harbor.close(resolve));
      }
    }

    it("asks the private project with harbor:username and harbor:password, in request headers only", async () => {
      await withHarbor(async (server, seen) => {
        await setMode("preview", "dev");
        setConfig(developerHarbor({ server }), ["vsphere:password", "harbor:password"]);
        const config = loadConfig(NOW);
        const found = await resolveBuildImage(config.buildImage, config.registry, REPO_ROOT);
        assert.strictEqual(found.registryDigest, DIGEST);
        const basic = Buffer.from(`${HARBOR_USER}:${HARBOR_PASSWORD}`).toString("base64");
        assert.deepStrictEqual(seen, [
          `HEAD /v2/buildenv/build/manifests/${TAG} (anonymous)`,
          `GET /service/token?service=harbor-registry&scope=repository%3Abuildenv%2Fbuild%3Apull Basic ${basic}`,
          `HEAD /v2/buildenv/build/manifests/${TAG} Bearer member-token`,
        ]);
      });
    });

    it("could not tell anonymously: the private project refuses the anonymous token", async () => {
      await withHarbor(async (server) => {
        await assert.rejects(findImageDigest(server, "buildenv/build", TAG), {
          message: `cannot tell whether the registry holds ${server}/buildenv/build:${TAG}: HEAD http://${server}/v2/buildenv/build/manifests/${TAG} answered 401`,
        });
      });
    });

    it("a refused account fails the run without the password in the message", async () => {
      await withHarbor(async (server) => {
        await setMode("update", "dev");
        setConfig(developerHarbor({ server }), ["vsphere:password", "harbor:password"]);
        const config = loadConfig(NOW);
        const wrong = {
          ...config.registry!,
          harborAccount: { username: HARBOR_USER, password: pulumi.secret("wrong-password") },
        };
        await assert.rejects(resolveBuildImage(config.buildImage, wrong, REPO_ROOT), (e: Error) => {
          assert.strictEqual(
            e.message,
            `cannot tell whether the registry holds ${server}/buildenv/build:${TAG}: HEAD http://${server}/v2/buildenv/build/manifests/${TAG} answered 401; buildenv builds the image only when the registry lacks its content tag, so it must be able to ask (check buildenv:registry and the network)`,
          );
          assert.ok(!e.message.includes("wrong-password") && !e.message.includes(HARBOR_PASSWORD));
          return true;
        });
      });
    });

    it("builds when the project does not exist yet (the shared stack's first run)", async () => {
      await setMode("preview", "ci");
      setConfig(sharedHarbor(), ["vsphere:password", "harbor:password"]);
      const config = loadConfig(NOW);
      const asked: unknown[][] = [];
      const found = await resolveBuildImage(
        config.buildImage,
        config.registry,
        REPO_ROOT,
        async () => {
          throw new Error("cannot tell: HEAD answered 401");
        },
        async (...args) => {
          asked.push(args);
          return false;
        },
      );
      assert.strictEqual(found.registryDigest, undefined);
      assert.deepStrictEqual(asked, [
        [
          "harbor.example.com",
          "buildenv",
          { username: "buildenv-admin", password: ADMIN_PASSWORD },
        ],
      ]);
    });

    it("still fails when the project exists but the tag cannot be asked for", async () => {
      await setMode("preview", "ci");
      setConfig(sharedHarbor(), ["vsphere:password", "harbor:password"]);
      const config = loadConfig(NOW);
      await assert.rejects(
        resolveBuildImage(
          config.buildImage,
          config.registry,
          REPO_ROOT,
          async () => {
            throw new Error("cannot tell: HEAD answered 401");
          },
          async () => true,
        ),
        {
          message:
            "cannot tell: HEAD answered 401; buildenv builds the image only when the registry lacks its content tag, so it must be able to ask (check buildenv:registry and the network)",
        },
      );
    });

    it("asks Harbor's API whether the project exists, with the account in a header only", async () => {
      const seen: string[] = [];
      const server = http.createServer((req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? "(anonymous)"}`);
        res.writeHead(req.url === "/api/v2.0/projects?project_name=buildenv" ? 200 : 404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
        const account = { username: HARBOR_USER, password: HARBOR_PASSWORD };
        assert.strictEqual(await harborProjectExists(host, "buildenv", account), true);
        assert.strictEqual(await harborProjectExists(host, "other", account), false);
        const basic = Buffer.from(`${HARBOR_USER}:${HARBOR_PASSWORD}`).toString("base64");
        assert.deepStrictEqual(seen, [
          `HEAD /api/v2.0/projects?project_name=buildenv Basic ${basic}`,
          `HEAD /api/v2.0/projects?project_name=other Basic ${basic}`,
        ]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it("the shared stack asks with its administrator account, before the robots exist", async () => {
      await setMode("preview", "ci");
      setConfig(sharedHarbor(), ["vsphere:password", "harbor:password"]);
      const config = loadConfig(NOW);
      const asked: unknown[][] = [];
      await resolveBuildImage(config.buildImage, config.registry, REPO_ROOT, async (...args) => {
        asked.push(args);
        return undefined;
      });
      assert.deepStrictEqual(asked, [
        [
          "harbor.example.com",
          "buildenv/build",
          TAG,
          { username: "buildenv-admin", password: ADMIN_PASSWORD },
        ],
      ]);
    });
  });
});
