import * as assert from "assert";
import { stackInventory } from "../../../program";
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../../components/config/load";
import { ContainerHost } from "../../../components/host/containerHost";
import {
  VIC_PASSWORD_ENV,
  VchSpec,
  createScript,
  storeFolderProblem,
  updateScript,
  vicCreateArgs,
} from "../../../components/vic/vicMachine";
import { isSecretInput, reveal, setConfig, setMode, settle } from "../../support/harness";
import {
  NOW,
  REPO_ROOT,
  VCH_SECRET_KEYS,
  rejectedConfig,
  runStack,
  stubVsphere,
  vchStackConfig,
  FIXTURES_DIR,
} from "../../support/stack";

import { EXPECTED_SPEC, vchCommand } from "../../support/vch";

describe("Virtual Container Host stacks", () => {
  beforeEach(() => stubVsphere());

  describe("registry CA and operations user", () => {
    const OPS_PASSWORD = "s3cret-ops-pw!";
    const REGISTRY_CA = "-----BEGIN CERTIFICATE-----\nREGISTRY-CA\n-----END CERTIFICATE-----\n";
    const opsConfig = () =>
      vchStackConfig({
        "buildenv:host": {
          ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
          opsUser: "vch-ops@vsphere.local",
        },
        "buildenv:opsPassword": OPS_PASSWORD,
      });

    it("reach vic-machine as --registry-ca and --ops-user, their secrets only in the environment", async () => {
      await setMode("update");
      setConfig(opsConfig(), [...VCH_SECRET_KEYS, "buildenv:opsPassword"]);
      const config = loadConfig(NOW);
      new ContainerHost("t", {
        host: config.host,
        stack: "dev",
        owner: "alice",
        computeClass: config.computeClass,
        registryCa: REGISTRY_CA,
        vsphere: {
          inventory: (await stackInventory(config))!,
          ...(config.farm ? { farm: config.farm } : {}),
        },
      });
      await settle();
      const lifecycle = vchCommand();
      const spec: VchSpec = {
        ...EXPECTED_SPEC,
        opsUser: "vch-ops@vsphere.local",
        registryCa: true,
      };
      assert.strictEqual(lifecycle.inputs.create, createScript(spec));
      assert.strictEqual(lifecycle.inputs.update, updateScript(spec));
      assert.deepStrictEqual(
        vicCreateArgs(spec).filter((a) => /^--(registry-ca|ops-user)=/.test(a)),
        ["--registry-ca=$BUILDENV_TLS_DIR/registry-ca.pem", "--ops-user=vch-ops@vsphere.local"],
      );
      assert.ok(isSecretInput(lifecycle.inputs.environment));
      const environment = reveal(lifecycle.inputs.environment) as Record<string, string>;
      assert.deepStrictEqual(Object.keys(environment).sort(), [
        "BUILDENV_OPS_PASSWORD",
        "BUILDENV_REGISTRY_CA",
        "BUILDENV_TLS_CA",
        "BUILDENV_TLS_SERVER_CERT",
        "BUILDENV_TLS_SERVER_KEY",
        VIC_PASSWORD_ENV,
      ]);
      assert.strictEqual(environment.BUILDENV_OPS_PASSWORD, OPS_PASSWORD);
      assert.strictEqual(environment.BUILDENV_REGISTRY_CA, REGISTRY_CA);
      for (const text of [
        lifecycle.inputs.create,
        lifecycle.inputs.update,
        lifecycle.inputs.delete,
      ]) {
        assert.ok(!String(text).includes(OPS_PASSWORD));
      }
    });

    it("takes buildenv:registry.ca to vic-machine's --registry-ca, as a secret environment value", async () => {
      const ca = fs.readFileSync(path.join(FIXTURES_DIR, "registry-ca.pem"), "utf8");
      const config = vchStackConfig();
      config["buildenv:registry"] = {
        ...(config["buildenv:registry"] as Record<string, unknown>),
        ca,
      };
      await runStack(config);
      const lifecycle = vchCommand();
      assert.ok(String(lifecycle.inputs.create).includes("--registry-ca="));
      assert.ok(!String(lifecycle.inputs.create).includes("BEGIN CERTIFICATE"));
      const environment = reveal(lifecycle.inputs.environment) as Record<string, string>;
      assert.strictEqual(environment.BUILDENV_REGISTRY_CA, ca);
    });

    it("passes no --registry-ca without buildenv:registry.ca", async () => {
      await runStack(vchStackConfig());
      const lifecycle = vchCommand();
      assert.ok(!String(lifecycle.inputs.create).includes("--registry-ca"));
      const environment = reveal(lifecycle.inputs.environment) as Record<string, string>;
      assert.strictEqual(environment.BUILDENV_REGISTRY_CA, undefined);
    });

    it("needs the ops password as a secret, and the ops user for a password", async () => {
      const withoutPassword = opsConfig();
      delete withoutPassword["buildenv:opsPassword"];
      assert.strictEqual(
        await rejectedConfig(withoutPassword),
        "invalid buildenv stack config:\n" +
          '  - buildenv:host.opsUser: "vch-ops@vsphere.local" needs its password as the secret buildenv:opsPassword (pulumi config set --secret buildenv:opsPassword)',
      );
      assert.strictEqual(
        await rejectedConfig(vchStackConfig({ "buildenv:opsPassword": OPS_PASSWORD }), {
          secretKeys: [...VCH_SECRET_KEYS, "buildenv:opsPassword"],
        }),
        "invalid buildenv stack config:\n" +
          "  - buildenv:opsPassword: is set but buildenv:host.opsUser is not",
      );
    });
  });

  describe("config", () => {
    const withHost = (fields: Record<string, unknown>) =>
      vchStackConfig({
        "buildenv:host": {
          ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
          ...fields,
        },
      });
    const stores = (store: Record<string, unknown>) => ({
      volumeStores: [{ datastore: "vsanDatastore", label: "default", ...store }],
    });
    const rule =
      'use "vch/buildenv-alice" or "<folder>/vch/buildenv-alice", a folder of this VCH\'s own (vic-machine delete --force deletes the whole store folder, and VIC keeps every VCH\'s volumes directly under it)';

    it("refuses a store folder shared with other VCHs, naming the key", async () => {
      const message = await rejectedConfig(withHost(stores({ path: "buildenv/volumes" })));
      assert.deepStrictEqual(
        message.split("\n").filter((l) => l.includes("volumeStores[0].path")),
        [
          `  - buildenv:host.volumeStores[0].path: "buildenv/volumes" could hold another VCH's volumes; ${rule}`,
        ],
      );
    });

    it("refuses an absolute store folder, naming the key", async () => {
      const message = await rejectedConfig(withHost(stores({ path: "/vmfs/volumes/ds/vch" })));
      assert.ok(
        message.includes(
          '  - buildenv:host.volumeStores[0].path: "/vmfs/volumes/ds/vch" is an absolute path; give the folder relative to the datastore, e.g. "buildenv/vch/<VCH name>"',
        ),
        message,
      );
    });

    it("derives the store folder from the VCH name when none is given", async () => {
      const { config } = await runStack(
        vchStackConfig({
          "buildenv:host": {
            ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
            ...stores({}),
          },
          "buildenv:volumes": { source: { capacity: "2GB", keep: true } },
        }),
      );
      assert.ok(config.host.kind === "vch");
      assert.deepStrictEqual(config.host.volumeStores, [
        { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-alice", label: "default" },
      ]);
    });

    it("refuses a cname over 253 characters with its length", async () => {
      const cname = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.example.com`;
      assert.strictEqual(cname.length, 267);
      const message = await rejectedConfig(withHost({ cname }));
      assert.ok(
        message.includes(
          `  - buildenv:host.cname: "${cname.slice(0, 76)}... is 267 characters long; a DNS name has at most 253`,
        ),
        message,
      );
    });

    it("refuses a malformed client address, a gateway without one, and too many DNS servers", async () => {
      assert.strictEqual(
        await rejectedConfig(withHost({ clientNetworkIp: "10.20.0.15" })),
        "invalid buildenv stack config:\n" +
          '  - buildenv:host.clientNetworkIp: "10.20.0.15" is not an address with a mask; use e.g. 10.20.0.15/24 or fd00::15/64',
      );
      assert.strictEqual(
        await rejectedConfig(withHost({ clientNetworkGateway: "10.20.0.1" })),
        "invalid buildenv stack config:\n" +
          '  - buildenv:host.clientNetworkGateway: "10.20.0.1" needs a static client-network address (buildenv:host.clientNetworkIp); VIC refuses a gateway without one',
      );
      assert.strictEqual(
        await rejectedConfig(
          withHost({ dnsServers: ["1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"] }),
        ),
        "invalid buildenv stack config:\n" +
          "  - buildenv:host.dnsServers: has more than 3 servers; VIC uses at most 3",
      );
    });
  });

  describe("shipped stack files", () => {
    /** Every shipped VCH stack: the CI stack, the example, and a stack:new from the template. */
    function shippedHosts(): { file: string; name: string; host: Record<string, unknown> }[] {
      const files = ["Pulumi.ci.yaml", "Pulumi.dev.yaml", "stacks/examples/Pulumi.alice.yaml"];
      const hosts = files.flatMap((file) => {
        const config = (
          parseYaml(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")) as {
            config: Record<string, unknown>;
          }
        ).config;
        const host = config["buildenv:host"] as Record<string, unknown> | undefined;
        if (host?.kind !== "vch") return [];
        return [
          { file, name: String(host.name ?? `buildenv-${String(config["buildenv:owner"])}`), host },
        ];
      });
      // The template as stack:new renders it for an owner: every <owner> replaced.
      const template = fs
        .readFileSync(path.join(REPO_ROOT, "stacks/templates/Pulumi.vch.yaml"), "utf8")
        .replace(/<owner>/g, "bob");
      const host = (parseYaml(template) as { config: Record<string, unknown> }).config[
        "buildenv:host"
      ] as Record<string, unknown>;
      return [
        ...hosts,
        { file: "stacks/templates/Pulumi.vch.yaml (owner bob)", name: "buildenv-bob", host },
      ];
    }

    it("give every VCH a store folder of its own", () => {
      const hosts = shippedHosts();
      assert.deepStrictEqual(
        hosts.map((h) => h.file),
        [
          "Pulumi.ci.yaml",
          "stacks/examples/Pulumi.alice.yaml",
          "stacks/templates/Pulumi.vch.yaml (owner bob)",
        ],
      );
      const folders: string[] = [];
      for (const { file, name, host } of hosts) {
        for (const store of host.volumeStores as { datastore: string; path: string }[]) {
          assert.strictEqual(
            storeFolderProblem(store.path, name),
            undefined,
            `${file}: ${store.path}`,
          );
          folders.push(`${store.datastore}/${store.path}`);
        }
      }
      assert.strictEqual(new Set(folders).size, folders.length, folders.join(", "));
    });

    it("give every VCH a bridge port group of its own", () => {
      const bridges = shippedHosts().map((h) => String(h.host.bridgeNetwork));
      assert.deepStrictEqual(bridges, [
        "buildenv-bridge-ci",
        "buildenv-bridge-alice",
        "PLATFORM-TODO-bridge-bob",
      ]);
      assert.strictEqual(new Set(bridges).size, bridges.length);
    });
  });
});
