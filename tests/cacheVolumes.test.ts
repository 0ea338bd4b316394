/**
 * `buildenv:caches` in the program: each cache is a kept Docker volume with exact inputs and
 * options (local engine and VCH), exported as `caches` and mounted by `buildCommand`; and what
 * `pulumi up` / `pulumi destroy` do with it (tests/support/plan.ts).
 */
import * as assert from "assert";
import * as childProcess from "child_process";
import { vicCapacityMiB } from "../components/volumes/buildVolume";
import { buildCommandLine } from "../program";
import { DEFAULT_COMPUTE_CLASSES } from "../components/compute/config";
import { isSecret, mocks, revealDeep } from "./support/harness";
import { runPolicies } from "../policy/policies";
import {
  Evaluation,
  SCHEMAS_DIR,
  byOperation,
  capture,
  changes,
  destroyPlan,
  plan,
  schemasAvailable,
} from "./support/plan";
import { COMMAND, vchCommand } from "./support/vch";
import {
  FUTURE,
  REPO_ROOT,
  resolveAll,
  NOW,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "./support/stack";

const VOLUME = "docker:index/volume:Volume";
const GO = {
  capacity: "20GB",
  path: "/root/go/pkg/mod",
  env: { GOMODCACHE: "/root/go/pkg/mod", GOFLAGS: "-modcacherw" },
};
const GOBUILD = { path: "/root/.cache/go-build", env: { GOCACHE: "/root/.cache/go-build" } };
const LOCAL = {
  "buildenv:expiresAt": FUTURE,
  "buildenv:caches": { gobuild: GOBUILD, go: GO },
};

const cacheLabels = (cache: string, capacityMB: string, priority: string, owner: string) => [
  { label: "buildenv.cache", value: cache },
  { label: "buildenv.capacity-mb", value: capacityMB },
  { label: "buildenv.expires-at", value: "2026-12-01T00:00:00Z" },
  { label: "buildenv.keep", value: "true" },
  { label: "buildenv.owner", value: owner },
  { label: "buildenv.priority", value: priority },
  { label: "buildenv.shared", value: "false" },
  { label: "buildenv.stack", value: "dev" },
];

async function evaluate(config: Record<string, unknown>): Promise<Evaluation> {
  mocks.reset();
  stubVsphere();
  await runStack(config);
  return capture(mocks, { root: REPO_ROOT });
}

describe("caches (buildenv:caches) in the program", () => {
  beforeEach(() => stubVsphere());

  it("on the local engine: one kept volume per cache, exact inputs and options", async () => {
    await runStack(LOCAL);
    assert.deepStrictEqual(
      mocks.ofType(VOLUME).map((r) => r.name),
      [
        "buildenv-dev-output",
        "buildenv-dev-source",
        "buildenv-dev-cache-go",
        "buildenv-dev-cache-gobuild",
      ],
    );
    const provider = mocks.one("pulumi:providers:docker");
    for (const [cache, capacity] of [
      ["go", "20000"],
      ["gobuild", "10000"],
    ] as const) {
      const name = `buildenv-dev-cache-${cache}`;
      const volume = mocks.one(VOLUME, name);
      assert.deepStrictEqual(volume.inputs, {
        name,
        driver: "local",
        labels: cacheLabels(cache, capacity, "normal", "dev"),
      });
      assert.ok(volume.provider?.includes(`::${provider.name}::`), volume.provider);
      const options = mocks.optionsOf(VOLUME, name);
      assert.deepStrictEqual(
        {
          retainOnDelete: options.retainOnDelete,
          protect: options.protect,
          ignoreChanges: options.ignoreChanges,
          importId: options.importId,
          parent: options.parent,
        },
        {
          retainOnDelete: true,
          protect: false,
          ignoreChanges: ["labels"],
          importId: "",
          parent: `urn:pulumi:dev::buildenv::buildenv:storage:BuildVolume::${name}`,
        },
      );
    }
    // The local engine's create adopts a kept volume: no script.
    assert.deepStrictEqual(mocks.ofType(COMMAND), []);
  });

  it("exports caches and mounts them, with their variables, in buildCommand", async () => {
    const { outputs } = await runStack(LOCAL);
    assert.deepStrictEqual(await resolveAll(outputs.caches), {
      go: {
        volume: "buildenv-dev-cache-go",
        path: "/root/go/pkg/mod",
        env: { GOFLAGS: "-modcacherw", GOMODCACHE: "/root/go/pkg/mod" },
      },
      gobuild: {
        volume: "buildenv-dev-cache-gobuild",
        path: "/root/.cache/go-build",
        env: { GOCACHE: "/root/.cache/go-build" },
      },
    });
    assert.strictEqual(await isSecret(outputs.caches), false);
    const line = await resolveAll(outputs.buildCommand);
    assert.strictEqual(
      line,
      "docker run --rm --memory 8192m --cpu-shares 1024 " +
        "-v buildenv-dev-output:/workspace/output -v buildenv-dev-source:/workspace/source " +
        "-v buildenv-dev-cache-go:/root/go/pkg/mod -e 'GOFLAGS=-modcacherw' -e 'GOMODCACHE=/root/go/pkg/mod' " +
        "-v buildenv-dev-cache-gobuild:/root/.cache/go-build -e 'GOCACHE=/root/.cache/go-build' " +
        `-w /workspace/source ${String(await resolveAll(outputs.buildImage))}`,
    );
  });

  it("buildCommandLine quotes a cache's mount and variables like every other value", () => {
    const line = buildCommandLine("img:1", { source: "v" }, DEFAULT_COMPUTE_CLASSES.low, {
      b: { volume: "vb", path: "/b", env: { Z: "1", A: "it's $(id)" } },
      a: { volume: "va", path: "/a", env: {} },
    });
    // bash reads the line back as exactly these words: nothing is split, expanded or run.
    const words = childProcess.execFileSync(
      "bash",
      [
        "--norc",
        "--noprofile",
        "-c",
        `set -- ${line.slice("docker ".length)}; printf '%s\\0' "$@"`,
      ],
      { encoding: "utf8" },
    );
    assert.deepStrictEqual(words.split("\0").slice(0, -1), [
      ...["run", "--rm", "--memory", "4096m", "--cpu-shares", "512", "-v", "v:/workspace/source"],
      ...["-v", "va:/a", "-v", "vb:/b", "-e", "A=it's $(id)", "-e", "Z=1"],
      ...["-w", "/workspace/source", "img:1"],
    ]);
    assert.strictEqual(
      buildCommandLine("img:1", { source: "v" }, DEFAULT_COMPUTE_CLASSES.low, {
        b: { volume: "vb", path: "/b", env: { Z: "1", A: "it's $(id)" } },
        a: { volume: "va", path: "/a", env: {} },
      }),
      "docker run --rm --memory 4096m --cpu-shares 512 -v v:/workspace/source -v va:/a -v vb:/b -e 'A=it'\\''s $(id)' -e 'Z=1' -w /workspace/source img:1",
    );
  });

  it("on a VCH: the vsphere driver in the cache's store, made by the adopt script and imported", async () => {
    await runStack(
      vchStackConfig({
        "buildenv:caches": { go: { path: "/root/go/pkg/mod", store: "archive" } },
      }),
    );
    const volume = mocks.one(VOLUME, "buildenv-dev-cache-go");
    assert.strictEqual(vicCapacityMiB(10_000), 9537);
    assert.deepStrictEqual(volume.inputs, {
      name: "buildenv-dev-cache-go",
      driver: "vsphere",
      driverOpts: { Capacity: "9537", VolumeStore: "archive" },
      labels: cacheLabels("go", "10000", "high", "alice"),
    });
    const options = mocks.optionsOf(VOLUME, "buildenv-dev-cache-go");
    assert.deepStrictEqual(
      {
        retainOnDelete: options.retainOnDelete,
        ignoreChanges: options.ignoreChanges,
        importId: options.importId,
        dependencies: options.dependencies,
      },
      {
        retainOnDelete: true,
        ignoreChanges: ["labels", "driverOpts"],
        importId: "buildenv-dev-cache-go",
        dependencies: [
          "urn:pulumi:dev::buildenv::buildenv:storage:BuildVolume$command:local:Command::buildenv-dev-cache-go-ensure",
        ],
      },
    );
    const ensure = String(mocks.one(COMMAND, "buildenv-dev-cache-go-ensure").inputs.create);
    assert.ok(
      ensure.includes(
        "  docker volume create --driver 'vsphere' --opt 'Capacity=9537' --opt 'VolumeStore=archive' --label 'buildenv.cache=go' --label 'buildenv.capacity-mb=10000' --label 'buildenv.expires-at=2026-12-01T00:00:00Z' --label 'buildenv.keep=true' --label 'buildenv.owner=alice' --label 'buildenv.priority=high' --label 'buildenv.shared=false' --label 'buildenv.stack=dev' 'buildenv-dev-cache-go' >/dev/null\n",
      ),
      ensure,
    );
  });

  it("on a VCH: a cache keeps the volume stores when the VCH is deleted, even if no volume is kept", async () => {
    const disposable = {
      "buildenv:volumes": { source: { capacity: "2GB" }, output: { capacity: "4GB" } },
    };
    await runStack(vchStackConfig(disposable));
    assert.match(String(vchCommand().inputs.delete), / --force/);
    mocks.reset();
    stubVsphere();
    await runStack(
      vchStackConfig({ ...disposable, "buildenv:caches": { go: { path: "/root/go" } } }),
    );
    // vic-machine delete --force deletes the stores, and the cache with them (store_files.go:321-394).
    assert.doesNotMatch(String(vchCommand().inputs.delete), /--force/);
  });

  it("passes every policy of the pack, which would catch a forced delete of a cache's VCH", async () => {
    const disposable = {
      "buildenv:volumes": { source: { capacity: "2GB" }, output: { capacity: "4GB" } },
      "buildenv:caches": { go: GO },
    };
    await runStack(vchStackConfig(disposable));
    const resources = () =>
      mocks.resources
        .filter((r) => r.custom)
        .map((r) => ({
          type: r.type,
          name: r.name,
          props: revealDeep(r.inputs) as Record<string, unknown>,
          urn: mocks.urns.get(`${r.type}::${r.name}`),
          dependencies: mocks.optionsOf(r.type, r.name).dependencies,
        }));
    assert.deepStrictEqual(
      runPolicies(resources(), {}, () => NOW),
      [],
    );
    // The same stack had the VCH been deleted with --force, as without the cache.
    const forced = resources().map((r) =>
      r.name === "buildenv-dev-vch"
        ? { ...r, props: { ...r.props, delete: `${String(r.props.delete)} --force` } }
        : r,
    );
    assert.deepStrictEqual(
      runPolicies(forced, {}, () => NOW).map((v) => v.split(":")[0]),
      ["buildenv-kept-volumes-keep-stores"],
    );
  });

  describe("plans (tests/support/plan.ts)", function () {
    before(function () {
      if (!schemasAvailable()) {
        console.log(
          `skipping: provider schemas not found in ${SCHEMAS_DIR} (set BUILDENV_SCHEMAS)`,
        );
        this.skip();
      }
    });

    it("destroy keeps every cache volume (only dropped from state), with the kept source volume", async () => {
      const prior = await evaluate(LOCAL);
      assert.deepStrictEqual(byOperation(destroyPlan(prior)).retain, [
        "docker-build:index:Image::buildenv-dev-image",
        "docker:index/volume:Volume::buildenv-dev-cache-go",
        "docker:index/volume:Volume::buildenv-dev-cache-gobuild",
        "docker:index/volume:Volume::buildenv-dev-source",
      ]);
    });

    it("adding a cache creates only that cache's volume", async () => {
      const prior = await evaluate({ ...LOCAL, "buildenv:caches": { go: GO } });
      const next = await evaluate(LOCAL);
      assert.deepStrictEqual(changes(plan(prior, next)), {
        "buildenv:storage:BuildVolume::buildenv-dev-cache-gobuild": "create",
        "docker:index/volume:Volume::buildenv-dev-cache-gobuild": "create",
      });
    });

    it("on a VCH, adding a cache creates its volume and the script that makes it", async () => {
      const prior = await evaluate(vchStackConfig());
      const next = await evaluate(vchStackConfig({ "buildenv:caches": { go: GO } }));
      assert.deepStrictEqual(changes(plan(prior, next)), {
        "buildenv:storage:BuildVolume::buildenv-dev-cache-go": "create",
        "command:local:Command::buildenv-dev-cache-go-ensure": "create",
        "docker:index/volume:Volume::buildenv-dev-cache-go": "create",
      });
    });

    it("removing a cache from the config keeps its volume and data (retain, not delete)", async () => {
      const prior = await evaluate(LOCAL);
      const next = await evaluate({ ...LOCAL, "buildenv:caches": { go: GO } });
      assert.deepStrictEqual(changes(plan(prior, next)), {
        "buildenv:storage:BuildVolume::buildenv-dev-cache-gobuild": "delete",
        "docker:index/volume:Volume::buildenv-dev-cache-gobuild": "retain",
      });
    });

    it("changing a cache's path or variables changes no resource", async () => {
      const prior = await evaluate(LOCAL);
      const next = await evaluate({
        ...LOCAL,
        "buildenv:caches": { go: { ...GO, path: "/go/pkg/mod" }, gobuild: { path: "/cache" } },
      });
      assert.deepStrictEqual(changes(plan(prior, next)), {});
    });
  });
});
