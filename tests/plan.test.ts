/**
 * What a second `pulumi up` would do, per resource, in the scenarios of issue 8: each test runs
 * the program twice (the first run standing for the prior state) and asserts the exact plan
 * tests/plan.ts derives from the provider schemas and the recorded resource options.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { main } from "../cli/stack";
import { mocks } from "./support/harness";
import {
  Evaluation,
  SCHEMAS_DIR,
  byOperation,
  capture,
  changes,
  destroyPlan,
  diffResource,
  plan,
  schemasAvailable,
} from "./support/plan";
import {
  FUTURE,
  HARBOR_PASSWORD,
  NOW,
  REGISTRY_PASSWORD,
  REPO_ROOT,
  RunOptions,
  VSPHERE_PASSWORD,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "./support/stack";

/**
 * The mocks' stand-in for a build: a digest that follows the image's tag, as a real build of
 * different content gives a different digest (tests/stack.ts's stub returns one fixed digest).
 */
function stubBuild(): void {
  stubVsphere();
  mocks.stubResourceOutputs("docker-build:index:Image", (args) => {
    const tags = args.inputs.tags as string[];
    const digest = `sha256:${createHash("sha256").update(tags.join(",")).digest("hex")}`;
    return { digest, ref: `${tags[0]}@${digest}` };
  });
}

/** Runs the program on a config and captures what it registered. */
async function evaluate(
  config: Record<string, unknown>,
  options: RunOptions = {},
): Promise<Evaluation> {
  mocks.reset();
  stubBuild();
  await runStack(config, options);
  return capture(mocks, { root: options.root ?? REPO_ROOT });
}

/** The config a stack file gives the program, with the secrets its comments ask for. */
function stackFile(file: string): Record<string, unknown> {
  const config = {
    ...((parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> }).config ?? {}),
  };
  if ((config["buildenv:host"] as { kind?: string } | undefined)?.kind === "vch") {
    config["vsphere:password"] = VSPHERE_PASSWORD;
  }
  if ((config["buildenv:registry"] as { username?: string } | undefined)?.username) {
    config["buildenv:registryPassword"] = REGISTRY_PASSWORD;
  }
  if ((config["buildenv:registry"] as { kind?: string } | undefined)?.kind === "harbor") {
    config["harbor:password"] = HARBOR_PASSWORD;
  }
  return config;
}

const CI_STACK = vchStackConfig({
  "buildenv:github": { repositories: ["app"] },
  "github:owner": "example-org",
});

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-plan-"));
}

describe("plans of a second pulumi up (tests/plan.ts)", function () {
  before(function () {
    if (!schemasAvailable()) {
      console.log(`skipping: provider schemas not found in ${SCHEMAS_DIR} (set BUILDENV_SCHEMAS)`);
      this.skip();
    }
  });

  describe("the planner itself", () => {
    const base = {
      type: "docker:index/volume:Volume",
      name: "v",
      custom: true,
      inputs: { name: "a", labels: [{ label: "x", value: "1" }], driver: "local" },
      options: {
        retainOnDelete: false,
        deleteBeforeReplace: false,
        protect: false,
        ignoreChanges: [] as string[],
        replaceOnChanges: [] as string[],
        additionalSecretOutputs: [],
        dependencies: [],
        parent: "",
        version: "",
        importId: "",
      },
    };

    it("replaces on a willReplaceOnChanges input and honours ignoreChanges", () => {
      const relabelled = {
        ...base,
        inputs: { ...base.inputs, labels: [{ label: "x", value: "2" }] },
      };
      assert.deepStrictEqual(diffResource(base, relabelled), {
        op: "replace",
        changed: ["labels"],
        replaceBecause: ["labels"],
        deleteBeforeReplace: false,
        retainOld: false,
      });
      const ignoring = { ...relabelled, options: { ...base.options, ignoreChanges: ["labels"] } };
      assert.deepStrictEqual(diffResource(base, ignoring), {
        op: "same",
        changed: [],
        replaceBecause: [],
      });
    });

    it("updates in place what the schema does not mark, unless replaceOnChanges says so", () => {
      const old = {
        ...base,
        type: "command:local:Command",
        inputs: { create: "a", triggers: ["1"] },
      };
      const edited = { ...old, inputs: { create: "b", triggers: ["1"] } };
      assert.strictEqual(diffResource(old, edited).op, "update");
      const retriggered = { ...old, inputs: { create: "a", triggers: ["2"] } };
      assert.strictEqual(diffResource(old, retriggered).op, "replace");
      const forced = { ...edited, options: { ...base.options, replaceOnChanges: ["*"] } };
      assert.strictEqual(diffResource(old, forced).op, "replace");
    });

    it("refuses to delete or replace what is protected, as the engine does", () => {
      const prior: Evaluation = new Map([
        ["v", { ...base, options: { ...base.options, protect: true } }],
      ]);
      assert.throws(() => destroyPlan(prior), /v is protected; the engine refuses to delete it/);
    });
  });

  describe("stack:extend: nothing but the expiry changes, nothing is replaced or deleted", () => {
    for (const [label, source, stack] of [
      [
        "a VCH developer stack (stacks/examples/Pulumi.alice.yaml)",
        "stacks/examples/Pulumi.alice.yaml",
        "alice",
      ],
      ["a local stack (Pulumi.dev.yaml)", "Pulumi.dev.yaml", "dev"],
    ] as const) {
      it(label, async () => {
        const dir = tempDir();
        try {
          const file = path.join(dir, `Pulumi.${stack}.yaml`);
          fs.copyFileSync(path.join(REPO_ROOT, source), file);
          const before = stackFile(file);
          const sink = { write: () => true };
          const code = main(
            ["extend", stack, "--ttl", "7d", "--now", NOW.toISOString(), "--dir", dir],
            { stdout: sink, stderr: sink },
          );
          assert.strictEqual(code, 0);
          const after = stackFile(file);
          assert.strictEqual(after["buildenv:expiresAt"], "2026-11-28T12:00:00Z");
          assert.notStrictEqual(before["buildenv:expiresAt"], after["buildenv:expiresAt"]);

          const prior = await evaluate(before, { stack });
          const next = await evaluate(after, { stack });
          // The volumes' labels do carry the new expiry; only ignoreChanges keeps them in place.
          const labelsOf = (e: Evaluation) =>
            JSON.stringify(
              e.get(`docker:index/volume:Volume::buildenv-${stack}-source`)?.inputs.labels,
            );
          assert.notStrictEqual(labelsOf(prior), labelsOf(next));
          assert.deepStrictEqual(changes(plan(prior, next)), {});
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });

  describe("the same commit from a second checkout in another directory, group-writable", () => {
    let dir = "";
    let prior: Evaluation;
    let next: Evaluation;
    before(async () => {
      dir = tempDir();
      // A checkout made with umask 002: every file 0664, every directory 0775.
      fs.cpSync(path.join(REPO_ROOT, "images"), path.join(dir, "images"), { recursive: true });
      const walk = (p: string): void => {
        const stat = fs.statSync(p);
        fs.chmodSync(p, stat.isDirectory() || (stat.mode & 0o111) !== 0 ? 0o775 : 0o664);
        if (stat.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
      };
      walk(path.join(dir, "images"));
      prior = await evaluate(CI_STACK);
      next = await evaluate(CI_STACK, { root: dir });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives every resource the same inputs (the context is named relative to the project)", () => {
      const inputsOnly = (e: Evaluation): Evaluation =>
        new Map(
          [...e].map(([k, r]) => {
            const inputs = { ...r.inputs };
            delete inputs.contextHash;
            return [k, { ...r, inputs }];
          }),
        );
      assert.deepStrictEqual(changes(plan(inputsOnly(prior), inputsOnly(next))), {});
      // The staged context is named by the content tag, which real git computes here.
      const tag = execFileSync(
        "bash",
        ["-c", "git ls-tree -r --full-tree HEAD -- images/build | git hash-object --stdin"],
        { cwd: REPO_ROOT, encoding: "utf8" },
      ).trim();
      assert.deepStrictEqual(
        next.get("docker-build:index:Image::buildenv-dev-image")?.inputs.context,
        { location: `node_modules/.cache/buildenv/image-context/v1-${tag}/images/build` },
      );
    });

    it("changes nothing: docker-build hashes the staged context, whose modes are normalised", () => {
      // Without the staging, the provider's hash would see 0664 against 0644 and rebuild
      // (pulumi-docker-build provider/internal/context.go hashFile writes fileMode.String()).
      assert.deepStrictEqual(changes(plan(prior, next)), {});
    });
  });

  it("an edited image input: the image and what pulls it change, nothing else", async () => {
    const dir = tempDir();
    try {
      fs.cpSync(path.join(REPO_ROOT, "images"), path.join(dir, "images"), { recursive: true });
      fs.appendFileSync(path.join(dir, "images", "build", "Dockerfile"), "# edited\n");
      const prior = await evaluate(CI_STACK);
      const next = await evaluate(CI_STACK, { root: dir });
      assert.deepStrictEqual(changes(plan(prior, next)), {
        // The staged context and its Dockerfile are named by the new tag.
        "docker-build:index:Image::buildenv-dev-image":
          "update (context, contextHash, dockerfile, tags)",
        // The VCH pulls by digest; a new digest is a new RemoteImage (name replaces).
        "docker:index/remoteImage:RemoteImage::buildenv-dev-image-pull": "replace (name)",
        "github:index/actionsVariable:ActionsVariable::buildenv-dev-ci-app-var-build_image":
          "update (value)",
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("a priority change", () => {
    it("on a VCH: vic-machine configure changes the limits in place; nothing is replaced", async () => {
      const prior = await evaluate(CI_STACK);
      const next = await evaluate({ ...CI_STACK, "buildenv:priority": "low" });
      const p = plan(prior, next);
      // The limits are in the create and update scripts, not in triggers: an in-place update,
      // which runs the update script (vic-machine configure).
      assert.deepStrictEqual(changes(p), {
        "command:local:Command::buildenv-dev-vch": "update (create, update)",
      });
    });

    it("on the local engine: no resource changes (only the exported docker run line)", async () => {
      const prior = await evaluate({ "buildenv:expiresAt": FUTURE, "buildenv:priority": "high" });
      const next = await evaluate({ "buildenv:expiresAt": FUTURE, "buildenv:priority": "low" });
      assert.deepStrictEqual(changes(plan(prior, next)), {});
    });
  });

  describe("destroy, then up: kept volumes survive and come back", () => {
    it("destroy deletes everything but the kept volume and the pushed image, which are only dropped from state", async () => {
      const prior = await evaluate(CI_STACK);
      const destroy = byOperation(destroyPlan(prior));
      assert.deepStrictEqual(destroy.retain, [
        "docker-build:index:Image::buildenv-dev-image",
        "docker:index/volume:Volume::buildenv-dev-source",
      ]);
      assert.strictEqual(destroy.delete?.length, prior.size - 2);
    });

    it("up after destroy creates the kept volume with the name and driver it has, which adopts it", async () => {
      const local = { "buildenv:expiresAt": FUTURE };
      const prior = await evaluate(local);
      assert.deepStrictEqual(byOperation(destroyPlan(prior)).retain, [
        "docker-build:index:Image::buildenv-dev-image",
        "docker:index/volume:Volume::buildenv-dev-source",
      ]);
      // A week later, with a new expiry: the up runs against an empty state.
      const next = await evaluate({ "buildenv:expiresAt": "2026-12-08" });
      const up = byOperation(plan(undefined, next));
      assert.deepStrictEqual(Object.keys(up), ["create"]);
      const retained = prior.get("docker:index/volume:Volume::buildenv-dev-source")!;
      const created = next.get("docker:index/volume:Volume::buildenv-dev-source")!;
      // The Docker engine answers VolumeCreate for an existing name and driver with the existing
      // volume, data and labels unchanged (moby daemon/volume/service/store.go:596-607); the
      // provider's create is that call (terraform-provider-docker resource_docker_volume.go:278).
      // tests/adopt.e2e.test.ts shows it on a real engine.
      assert.deepStrictEqual(
        {
          name: created.inputs.name,
          driver: created.inputs.driver,
          driverOpts: created.inputs.driverOpts,
        },
        { name: "buildenv-dev-source", driver: "local", driverOpts: undefined },
      );
      assert.deepStrictEqual(
        { name: retained.inputs.name, driver: retained.inputs.driver },
        { name: "buildenv-dev-source", driver: "local" },
      );
      // The adopted volume reports its old labels; the next up ignores them and changes nothing.
      assert.deepStrictEqual(created.options.ignoreChanges, ["labels"]);
      const again = await evaluate({ "buildenv:expiresAt": "2026-12-08" });
      const adopted: Evaluation = new Map(next);
      adopted.set("docker:index/volume:Volume::buildenv-dev-source", {
        ...created,
        inputs: { ...created.inputs, labels: retained.inputs.labels },
      });
      assert.deepStrictEqual(changes(plan(adopted, again)), {});
    });

    it("on a VCH, the next up makes sure the kept volume exists and imports it, data and all", async () => {
      const prior = await evaluate(CI_STACK);
      assert.deepStrictEqual(byOperation(destroyPlan(prior)).retain, [
        "docker-build:index:Image::buildenv-dev-image",
        "docker:index/volume:Volume::buildenv-dev-source",
      ]);
      const next = await evaluate(CI_STACK);
      const source = next.get("docker:index/volume:Volume::buildenv-dev-source")!;
      // VIC refuses a second VolumeCreate (storage_proxy.go:120-121), so the volume is imported
      // by name, once a script has made it if it was absent (volumes/adopt.ts).
      assert.strictEqual(source.options.importId, "buildenv-dev-source");
      assert.ok(next.has("command:local:Command::buildenv-dev-source-ensure"));
      // The import reads what VIC reports: no driver options and the old labels; both are
      // ignored, so the imported volume needs no update (and no replacement) afterwards.
      const imported: Evaluation = new Map(next);
      imported.set("docker:index/volume:Volume::buildenv-dev-source", {
        ...source,
        inputs: {
          ...source.inputs,
          driverOpts: {},
          labels: prior.get("docker:index/volume:Volume::buildenv-dev-source")!.inputs.labels,
        },
      });
      assert.deepStrictEqual(changes(plan(imported, next)), {});
    });

    it("kept volumes are neither protected nor deleted: the volume options", async () => {
      const prior = await evaluate(CI_STACK);
      const options = (name: string) => {
        const o = prior.get(`docker:index/volume:Volume::${name}`)!.options;
        return {
          retainOnDelete: o.retainOnDelete,
          protect: o.protect,
          ignoreChanges: o.ignoreChanges,
        };
      };
      // A VCH's volumes are made with driver options, which VIC does not report back.
      assert.deepStrictEqual(options("buildenv-dev-source"), {
        retainOnDelete: true,
        protect: false,
        ignoreChanges: ["labels", "driverOpts"],
      });
      assert.deepStrictEqual(options("buildenv-dev-output"), {
        retainOnDelete: false,
        protect: false,
        ignoreChanges: ["labels", "driverOpts"],
      });
    });
  });

  describe("a VCH's volumes after `pulumi refresh`", () => {
    it("replace nothing, though VIC reports no driver options back", async () => {
      const prior = await evaluate(CI_STACK);
      // The provider's Read sets driver_opts from the volume's Options
      // (terraform-provider-docker resource_docker_volume.go:311); VIC's volume model has none
      // (vmware/vic lib/apiservers/engine/proxy/storage_proxy.go:445-452).
      const refreshed: Evaluation = new Map(prior);
      for (const name of ["buildenv-dev-source", "buildenv-dev-output"]) {
        const key = `docker:index/volume:Volume::${name}`;
        const volume = prior.get(key)!;
        assert.deepStrictEqual(Object.keys(volume.inputs.driverOpts as object).sort(), [
          "Capacity",
          "VolumeStore",
        ]);
        refreshed.set(key, { ...volume, inputs: { ...volume.inputs, driverOpts: {} } });
      }
      const next = await evaluate(CI_STACK);
      assert.deepStrictEqual(changes(plan(refreshed, next)), {});
      // Without the ignore, driverOpts (willReplaceOnChanges) would replace both volumes.
      const unignored: Evaluation = new Map(
        [...next].map(([k, r]) => [
          k,
          { ...r, options: { ...r.options, ignoreChanges: ["labels"] } },
        ]),
      );
      assert.deepStrictEqual(changes(plan(refreshed, unignored)), {
        "docker:index/volume:Volume::buildenv-dev-output": "replace (driverOpts)",
        "docker:index/volume:Volume::buildenv-dev-source": "replace (driverOpts)",
      });
    });
  });
});
