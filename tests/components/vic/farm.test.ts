/**
 * The vSphere inventory check (components/vic/inventory.ts) and the build farm's pool
 * (components/vic/farm.ts, farmPool.ts) under the mocks: exact invokes, the error line for each
 * missing item, the pool's inputs, --compute-resource, and the plans of a migration.
 */
import * as assert from "assert";
import { InventoryItem, missingLine } from "../../../components/vic/inventory";
import { mocks } from "../../support/harness";
import { byOperation, capture, changes, plan, schemasAvailable } from "../../support/plan";
import { REPO_ROOT, SHARED_FARM, runStack, stubVsphere, vchStackConfig } from "../../support/stack";
import { stackFileConfig } from "../../support/stackFiles";
import { TOKENS } from "../../support/vsphereInventory";

const COMMAND = "command:local:Command";
const POOL = "vsphere:index/resourcePool:ResourcePool";
const HOST = vchStackConfig()["buildenv:host"] as Record<string, unknown>;

/** A developer stack whose host differs from vchStackConfig's by `patch`. */
function withHost(patch: Record<string, unknown>): Record<string, unknown> {
  return vchStackConfig({ "buildenv:host": { ...HOST, ...patch } });
}

/** The shared stack with a VCH, as Pulumi.ci.yaml declares it; `farm` null drops the key. */
function shared(farm: Record<string, unknown> | null = SHARED_FARM): Record<string, unknown> {
  const config = vchStackConfig({
    "buildenv:owner": "platform",
    "buildenv:shared": "true",
    // The ci VCH, its volume stores folders of its own.
    "buildenv:host": JSON.parse(
      JSON.stringify({ ...HOST, name: "buildenv-ci" }).replace(/buildenv-alice/g, "buildenv-ci"),
    ) as Record<string, unknown>,
    ...(farm ? { "buildenv:farm": farm } : {}),
  });
  delete config["buildenv:expiresAt"];
  return config;
}

/** Runs a config the inventory must refuse; returns the message, and checks nothing was registered. */
async function refused(config: Record<string, unknown>): Promise<string> {
  try {
    await runStack(config);
  } catch (error) {
    assert.deepStrictEqual(mocks.resources, [], "nothing is registered before the lookups");
    return (error as Error).message;
  }
  throw new Error("the inventory check passed");
}

function createScript(): string {
  return mocks.one(COMMAND, mocks.ofType(COMMAND).find((c) => c.name.endsWith("-vch"))!.name).inputs
    .create as string;
}

describe("vSphere inventory check", () => {
  beforeEach(() => stubVsphere());

  it("names the key, the value and the datacenter of a misspelt datastore, in one line", async () => {
    const message = await refused(withHost({ imageStore: "vsanDatastor/buildenv-images" }));
    assert.strictEqual(
      message,
      'buildenv:host.imageStore: datastore "vsanDatastor" (from "vsanDatastor/buildenv-images") was not found in datacenter "dc1"',
    );
  });

  it("reports a volume store's datastore, a network and the cluster each on its line", async () => {
    const message = await refused(
      withHost({
        cluster: "build-clustr",
        bridgeNetwork: "buildenv-bridge-cj",
        volumeStores: [
          { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-alice", label: "default" },
          { datastore: "nfs-archiv", path: "keep/vch/buildenv-alice", label: "archive" },
        ],
      }),
    );
    assert.deepStrictEqual(message.split("\n"), [
      'buildenv:host.cluster: cluster "build-clustr" was not found in datacenter "dc1"',
      'buildenv:host.volumeStores[1].datastore: datastore "nfs-archiv" was not found in datacenter "dc1"',
      'buildenv:host.bridgeNetwork: network "buildenv-bridge-cj" was not found in datacenter "dc1"',
    ]);
  });

  it("stops at a missing datacenter, naming the vCenter it was looked up in", async () => {
    const message = await refused(withHost({ datacenter: "dc2" }));
    assert.strictEqual(
      message,
      'buildenv:host.datacenter: datacenter "dc2" was not found in vCenter "vcenter.example.com"',
    );
    assert.deepStrictEqual(mocks.calls, [{ token: TOKENS.datacenter, inputs: { name: "dc2" } }]);
  });

  it("tells a developer whose farm pool is not there yet to run the shared stack first", async () => {
    const message = await refused(vchStackConfig({ "buildenv:farm": { pool: "farm2" } }));
    assert.strictEqual(
      message,
      'buildenv:farm.pool: farm pool "build-cluster/Resources/farm2" (from "farm2") was not found in datacenter "dc1" (the shared stack, buildenv:shared: true, creates it: run its pulumi up first)',
    );
  });

  it("keeps the provider's own words, first line only, when it gives any", () => {
    const item: InventoryItem = {
      key: "buildenv:host.publicNetwork",
      value: "VM Netw",
      name: "VM Netw",
    };
    assert.strictEqual(
      missingLine(
        "network",
        item,
        'datacenter "dc1"',
        new Error("network 'VM Netw' not found\nmore"),
      ),
      'buildenv:host.publicNetwork: network "VM Netw" was not found in datacenter "dc1" (vSphere: network \'VM Netw\' not found)',
    );
  });
});

describe("the build farm's pool", () => {
  beforeEach(() => stubVsphere());

  it("is declared by the shared stack under the cluster's root pool, protected, with its limits", async () => {
    await runStack(shared({ ...SHARED_FARM, shares: "high" }), { stack: "ci" });
    const pool = mocks.one(POOL);
    assert.strictEqual(pool.name, "buildenv-ci-farm-pool");
    assert.deepStrictEqual(pool.inputs, {
      name: "buildenv",
      parentResourcePoolId: "resgroup-8",
      cpuLimit: 200000,
      memoryLimit: 1048576,
      cpuShareLevel: "high",
      memoryShareLevel: "high",
    });
    assert.strictEqual(mocks.optionsOf(POOL, "buildenv-ci-farm-pool").protect, true);
    // The shared stack declares the pool, so it does not look it up.
    assert.ok(!mocks.calls.some((c) => c.token === TOKENS.pool));
    assert.ok(createScript().includes("'--compute-resource=build-cluster/Resources/buildenv'"));
    const triggers = mocks.one(COMMAND, "buildenv-ci-vch").inputs.triggers as string[];
    assert.strictEqual(JSON.parse(triggers[1]).farmPool, "buildenv-ci-farm-pool-id");
  });

  it("holds every developer VCH, found by lookup, never declared", async () => {
    await runStack(vchStackConfig({ "buildenv:farm": { pool: "buildenv" } }));
    assert.deepStrictEqual(mocks.ofType(POOL), []);
    assert.deepStrictEqual(
      mocks.calls.filter((c) => c.token === TOKENS.pool).map((c) => c.inputs),
      [{ datacenterId: "datacenter-3", name: "build-cluster/Resources/buildenv" }],
    );
    assert.ok(createScript().includes("'--compute-resource=build-cluster/Resources/buildenv'"));
  });

  it("is what the shipped ci stack declares in vSphere, and all it declares there", async () => {
    const { config, secretKeys } = stackFileConfig("Pulumi.ci.yaml");
    await runStack(config, { stack: "ci", secretKeys });
    assert.deepStrictEqual(
      mocks.resources.filter((r) => r.type.startsWith("vsphere:")).map((r) => [r.name, r.inputs]),
      [
        [
          "buildenv-ci-farm-pool",
          {
            name: "buildenv",
            parentResourcePoolId: "resgroup-8",
            cpuLimit: 200000,
            memoryLimit: 1048576,
            cpuShareLevel: "normal",
            memoryShareLevel: "normal",
          },
        ],
      ],
    );
    assert.deepStrictEqual(mocks.calls.map((c) => c.token).sort(), [
      TOKENS.cluster,
      TOKENS.datacenter,
      TOKENS.datastore,
      TOKENS.network,
      TOKENS.network,
    ]);
  });

  describe("config", () => {
    const cases: [string, Record<string, unknown>, string][] = [
      [
        "shared stack without a limit",
        shared({ pool: "buildenv" }),
        `buildenv:farm: {"pool":"buildenv"} gives the shared stack's farm pool no limit; set cpuLimitMHz and/or memoryLimitMB (the whole farm's budget), e.g. {pool: buildenv, cpuLimitMHz: 200000, memoryLimitMB: 1048576}`,
      ],
      [
        "limits on a developer stack",
        vchStackConfig({ "buildenv:farm": { cpuLimitMHz: 1000 } }),
        "buildenv:farm.cpuLimitMHz: 1000 is set on a developer stack, but the farm pool belongs to the shared stack (buildenv:shared: true), which sets its limits; a developer stack only names the pool",
      ],
      [
        "a pool name with a slash",
        vchStackConfig({ "buildenv:farm": { pool: "a/b" } }),
        `buildenv:farm.pool: "a/b" is not valid; use 1-80 letters, digits, '.', '-' and '_', starting with a letter or digit`,
      ],
      [
        "a farm for the local engine",
        { "buildenv:owner": "alice", "buildenv:farm": { pool: "buildenv" } },
        "buildenv:farm: is set, but buildenv:host.kind is local; the farm pool is a vSphere resource pool for VCHs (kind: vch)",
      ],
    ];
    for (const [title, config, line] of cases) {
      it(`refuses ${title}`, async () => {
        await assert.rejects(runStack(config), (error: Error) => {
          assert.strictEqual(error.message, `invalid buildenv stack config:\n  - ${line}`);
          return true;
        });
        assert.deepStrictEqual(mocks.resources, []);
      });
    }
  });

  describe("plans (tests/support/plan.ts)", function () {
    before(function () {
      if (!schemasAvailable()) {
        console.log("skipping: provider schemas not found (set BUILDENV_SCHEMAS)");
        this.skip();
      }
    });

    async function evaluate(config: Record<string, unknown>) {
      mocks.reset();
      stubVsphere();
      await runStack(config, { stack: "ci" });
      return capture(mocks, { root: REPO_ROOT });
    }

    it("adding the farm pool (VCH not moved yet) creates the pool and nothing else", async () => {
      const before = await evaluate(shared(null));
      const after = await evaluate(shared({ ...SHARED_FARM, placeVch: false }));
      assert.deepStrictEqual(byOperation(plan(before, after)).create, [
        "buildenv:vsphere:FarmPool::buildenv-ci-farm",
        `${POOL}::buildenv-ci-farm-pool`,
      ]);
      assert.deepStrictEqual(changes(plan(before, after)), {
        "buildenv:vsphere:FarmPool::buildenv-ci-farm": "create",
        [`${POOL}::buildenv-ci-farm-pool`]: "create",
      });
    });

    it("moving the VCH into the pool replaces it (old one deleted first)", async () => {
      const before = await evaluate(shared({ ...SHARED_FARM, placeVch: false }));
      const after = await evaluate(shared());
      const steps = plan(before, after);
      const vch = steps.get(`${COMMAND}::buildenv-ci-vch`)!;
      assert.strictEqual(vch.op, "replace");
      assert.deepStrictEqual(vch.replaceBecause, ["triggers"]);
      assert.strictEqual(vch.deleteBeforeReplace, true);
      assert.strictEqual(steps.get(`${POOL}::buildenv-ci-farm-pool`)!.op, "same");
    });

    it("changing the farm's limits updates the pool alone", async () => {
      const before = await evaluate(shared());
      const after = await evaluate(shared({ ...SHARED_FARM, cpuLimitMHz: 300000 }));
      assert.deepStrictEqual(changes(plan(before, after)), {
        [`${POOL}::buildenv-ci-farm-pool`]: "update (cpuLimit)",
      });
      assert.deepStrictEqual(plan(before, after).get(`${POOL}::buildenv-ci-farm-pool`)!.changed, [
        "cpuLimit",
      ]);
    });
  });
});
