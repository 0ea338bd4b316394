/**
 * The names and paths the shipped VCH stacks give (Pulumi.ci.yaml, stacks/examples/Pulumi.alice.yaml)
 * resolved in a real vSphere API: govmomi's vcsim, started by .ci/vcsim on loopback with an
 * inventory of those names, asked with govc from the same govmomi release. Each lookup the program
 * makes (inventory.ts) has its govc counterpart: datacenter, cluster, datastore (and the folders
 * imageStore and volumeStores name), port group, and the farm pool path
 * `<cluster>/Resources/<pool>`, which is also vic-machine's --compute-resource. A misspelt name is
 * proven not to resolve. Skipped, saying why, when BUILDENV_E2E_VCSIM_URL is unset.
 *
 * govc's `ls` and `pool.info` print nothing and exit 0 for a missing path (govc/pool/info.go:109-113),
 * so existence is asked with `object.collect -s <path> name`, `datastore.info` and `datastore.ls`,
 * which exit 1 with govmomi's "... not found" (find/error.go:27, find/finder.go:457).
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { farmPoolPath, DEFAULT_FARM_POOL } from "../../../components/vic/farm";
import { REPO_ROOT } from "../../support/stack";

const GOVC = process.env.BUILDENV_E2E_GOVC;
const URL = process.env.BUILDENV_E2E_VCSIM_URL;

interface ShippedHost {
  datacenter: string;
  cluster: string;
  imageStore: string;
  volumeStores: { datastore: string; path: string }[];
  bridgeNetwork: string;
  publicNetwork: string;
  clientNetwork?: string;
}

function shipped(file: string): { host: ShippedHost; pool: string } {
  const config = (
    parse(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
      config: Record<string, unknown>;
    }
  ).config;
  const farm = config["buildenv:farm"] as { pool?: string } | undefined;
  return {
    host: config["buildenv:host"] as ShippedHost,
    pool: farm?.pool ?? DEFAULT_FARM_POOL,
  };
}

/** govc's exit status and output; GOVC_URL and friends come from .ci/vcsim. */
function govc(...args: string[]): { status: number; output: string } {
  const result = spawnSync(GOVC!, args, { encoding: "utf8", timeout: 30_000 });
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The govc commands that find what one stack names, by the config key it comes from. */
function lookups(host: ShippedHost, pool: string): [string, string[]][] {
  const dc = `/${host.datacenter}`;
  const [imageDatastore, ...imageFolder] = host.imageStore.split("/");
  return [
    ["buildenv:host.datacenter", ["datacenter.info", dc]],
    ["buildenv:host.cluster", ["object.collect", "-s", `${dc}/host/${host.cluster}`, "name"]],
    ["buildenv:host.imageStore", ["datastore.info", "-dc", host.datacenter, imageDatastore]],
    [
      "buildenv:host.imageStore (folder)",
      ["datastore.ls", "-dc", host.datacenter, "-ds", imageDatastore, imageFolder.join("/")],
    ],
    ...host.volumeStores.map((store, i): [string, string[]] => [
      `buildenv:host.volumeStores[${i}]`,
      ["datastore.ls", "-dc", host.datacenter, "-ds", store.datastore, store.path],
    ]),
    ...[
      host.bridgeNetwork,
      host.publicNetwork,
      ...(host.clientNetwork ? [host.clientNetwork] : []),
    ].map((network): [string, string[]] => [
      `network ${network}`,
      ["object.collect", "-s", `${dc}/network/${network}`, "name"],
    ]),
    [
      "buildenv:farm.pool",
      ["object.collect", "-s", `${dc}/host/${farmPoolPath(host.cluster, pool)}`, "name"],
    ],
  ];
}

describe("the shipped stacks' vSphere names, against vcsim", function () {
  this.timeout(120_000);
  before(function () {
    if (!URL || !GOVC) {
      console.log(
        "skipping: BUILDENV_E2E_VCSIM_URL/BUILDENV_E2E_GOVC are not set (source .ci/vcsim and run buildenv_vcsim to start vcsim)",
      );
      this.skip();
    }
  });

  for (const file of ["Pulumi.ci.yaml", "stacks/examples/Pulumi.alice.yaml"]) {
    it(`${file}: every name resolves`, () => {
      const { host, pool } = shipped(file);
      for (const [key, args] of lookups(host, pool)) {
        const { status, output } = govc(...args);
        assert.strictEqual(status, 0, `${key}: govc ${args.join(" ")}: ${output}`);
      }
    });
  }

  it("a misspelt name does not resolve, with govmomi's not-found message", () => {
    const { host } = shipped("Pulumi.ci.yaml");
    const cases: [string[], RegExp][] = [
      [["datacenter.info", "/dc2"], /datacenter '\/dc2' not found/],
      [["object.collect", "-s", `/${host.datacenter}/host/build-clustr`, "name"], /not found/],
      [
        ["datastore.info", "-dc", host.datacenter, "vsanDatastor"],
        /datastore 'vsanDatastor' not found/,
      ],
      [
        ["object.collect", "-s", `/${host.datacenter}/network/buildenv-bridge-cj`, "name"],
        /not found/,
      ],
      [
        [
          "object.collect",
          "-s",
          `/${host.datacenter}/host/${farmPoolPath(host.cluster, "buildenvx")}`,
          "name",
        ],
        /not found/,
      ],
    ];
    for (const [args, message] of cases) {
      const { status, output } = govc(...args);
      assert.notStrictEqual(status, 0, `govc ${args.join(" ")} resolved`);
      assert.match(output, message);
    }
  });

  it("the pool path form VIC refuses (<cluster>/<pool>) does not resolve as a pool either", () => {
    const { host, pool } = shipped("Pulumi.ci.yaml");
    // pool.info may exit 0 on a missing path but says nothing of it; the right form prints the pool.
    const wrong = govc("pool.info", "-dc", host.datacenter, `${host.cluster}/${pool}`);
    assert.doesNotMatch(wrong.output, new RegExp(`Name:\\s+${pool}`));
    const right = govc("pool.info", "-dc", host.datacenter, farmPoolPath(host.cluster, pool));
    assert.strictEqual(right.status, 0, right.output);
    assert.match(right.output, new RegExp(`Name:\\s+${pool}`));
  });
});
