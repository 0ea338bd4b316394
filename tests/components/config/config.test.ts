import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_COMPUTE_CLASSES } from "../../../components/compute/config";
import { RawConfig, parseConfig, readRawConfig } from "../../../components/config/load";
import { ConfigError, ParseContext } from "../../../components/config/schema";
import { mocks } from "../../support/harness";
import { MALFORMED } from "../../support/malformedConfigs";
import { EXPECTED_PROBLEMS } from "../../support/malformedProblems";
import {
  NOW,
  REPO_ROOT,
  rejectedConfig,
  runStack,
  stubVsphere,
  vchStackConfig,
  SHARED_FARM,
} from "../../support/stack";
import * as fs from "fs";
import * as path from "path";

function context(overrides: Partial<ParseContext> = {}): ParseContext {
  return {
    project: "buildenv",
    stack: "dev",
    now: NOW,
    env: {},
    vsphere: {},
    secrets: {},
    pathKind: (relative) => {
      try {
        return fs.statSync(path.join(REPO_ROOT, relative)).isDirectory() ? "dir" : "file";
      } catch {
        return undefined;
      }
    },
    ...overrides,
  };
}

function problemsOf(raw: RawConfig, ctx: Partial<ParseContext> = {}): string[] {
  try {
    parseConfig(raw, context(ctx));
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("config was accepted");
}

describe("stack config", () => {
  describe("malformed configs are rejected before any resource is registered", () => {
    it(`covers at least 30 cases (${MALFORMED.length})`, () => {
      assert.ok(MALFORMED.length >= 30);
      assert.deepStrictEqual(
        Object.keys(EXPECTED_PROBLEMS).sort(),
        MALFORMED.map(([what]) => what).sort(),
      );
    });

    for (const [what, config, stack] of MALFORMED) {
      it(what, async () => {
        stubVsphere();
        const message = await rejectedConfig(config, { stack });
        const expected = EXPECTED_PROBLEMS[what];
        assert.strictEqual(
          message,
          `invalid buildenv stack config:\n${expected.map((p) => `  - ${p}`).join("\n")}`,
        );
        assert.deepStrictEqual(mocks.resources, [], "no resource may be registered for bad config");
        assert.deepStrictEqual(
          mocks.calls,
          [],
          "no provider function may be called for bad config",
        );
      });
    }
  });

  it("reports every problem of a config at once", async () => {
    const message = await rejectedConfig({
      "buildenv:priority": "urgent",
      "buildenv:owner": "Alice",
      "buildenv:volumes": { source: { capacity: "2XB", keep: "yes" } },
    });
    assert.strictEqual(
      message,
      [
        "invalid buildenv stack config:",
        "  - buildenv:owner: \"Alice\" is not valid; use 1-20 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
        '  - buildenv:priority: "urgent" is not one of low, normal, high',
        '  - buildenv:volumes.source.capacity: "2XB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
        '  - buildenv:volumes.source.keep: "yes" is not a boolean; use true or false',
      ].join("\n"),
    );
  });

  describe("defaults", () => {
    it("an empty stack file gives the documented local environment", () => {
      const config = parseConfig({}, context({ env: { DOCKER_HOST: undefined } }));
      assert.deepStrictEqual(config, {
        project: "buildenv",
        stack: "dev",
        owner: "dev",
        priority: "normal",
        computeClass: DEFAULT_COMPUTE_CLASSES.normal,
        computeClasses: DEFAULT_COMPUTE_CLASSES,
        shared: false,
        host: { kind: "local", dockerHost: "unix:///var/run/docker.sock" },
        builderHost: "unix:///var/run/docker.sock",
        volumes: {
          output: { capacityMB: 4000, keep: false, store: "default" },
          source: { capacityMB: 2000, keep: true, store: "default" },
        },
        caches: {},
        buildImage: {
          context: "images/build",
          dockerfile: "images/build/Dockerfile",
          inputs: ["images/build"],
          buildArgs: {},
          platform: "linux/amd64",
        },
      });
    });

    it("honours DOCKER_HOST for the local engine, and host.dockerHost over it", () => {
      const fromEnv = parseConfig({}, context({ env: { DOCKER_HOST: "tcp://127.0.0.1:2375" } }));
      assert.deepStrictEqual(fromEnv.host, { kind: "local", dockerHost: "tcp://127.0.0.1:2375" });
      const explicit = parseConfig(
        { host: { kind: "local", dockerHost: "unix:///tmp/d.sock" } },
        context({ env: { DOCKER_HOST: "tcp://127.0.0.1:2375" } }),
      );
      assert.deepStrictEqual(explicit.host, { kind: "local", dockerHost: "unix:///tmp/d.sock" });
      assert.strictEqual(explicit.builderHost, "unix:///tmp/d.sock");
    });
  });

  describe("capacity", () => {
    const cases: [unknown, number][] = [
      ["500MB", 500],
      ["2GB", 2000],
      ["2GiB", 2148],
      ["1.5GB", 1500],
      ["2g", 2000],
      ["1TB", 1_000_000],
      ["750", 750],
      [750, 750],
    ];
    for (const [capacity, megabytes] of cases) {
      it(`${JSON.stringify(capacity)} is ${megabytes} MB`, () => {
        const config = parseConfig({ volumes: { source: { capacity } } }, context());
        assert.deepStrictEqual(config.volumes, {
          source: { capacityMB: megabytes, keep: false, store: "default" },
        });
      });
    }
  });

  describe("compute classes", () => {
    it("selects the class of the priority", () => {
      for (const priority of ["low", "normal", "high"] as const) {
        assert.deepStrictEqual(
          parseConfig({ priority }, context()).computeClass,
          DEFAULT_COMPUTE_CLASSES[priority],
        );
      }
    });

    it("overrides single fields of the default table", () => {
      const config = parseConfig(
        { priority: "high", computeClasses: { high: { memoryMB: 32768, shares: "normal" } } },
        context(),
      );
      assert.deepStrictEqual(config.computeClass, {
        memoryMB: 32768,
        memoryReservationMB: 4096,
        cpuMHz: 16000,
        cpuReservationMHz: 4000,
        shares: "normal",
      });
    });
  });

  describe("expiry", () => {
    it("normalises a date-time with offset to UTC", () => {
      const config = parseConfig({ expiresAt: "2026-12-01T18:30:00+02:00" }, context());
      assert.strictEqual(config.expiresAt, "2026-12-01T16:30:00Z");
    });

    it("accepts an expiry one second ahead and rejects one at this instant", () => {
      assert.strictEqual(
        parseConfig({ expiresAt: "2026-11-21T12:00:01Z" }, context()).expiresAt,
        "2026-11-21T12:00:01Z",
      );
      assert.deepStrictEqual(problemsOf({ expiresAt: "2026-11-21T12:00:00Z" }), [
        "buildenv:expiresAt: the stack expired at 2026-11-21T12:00:00Z (now 2026-11-21T12:00:00Z); extend it with `npm run stack:extend -- <stack> --ttl 3d` or tear it down with `pulumi destroy`",
      ]);
    });

    it("lets a shared VCH stack run without an expiry", () => {
      const config = parseConfig(
        { ...rawOf(vchStackConfig()), expiresAt: undefined, shared: "true", farm: SHARED_FARM },
        context(vchContext()),
      );
      assert.strictEqual(config.shared, true);
      assert.strictEqual(config.expiresAt, undefined);
    });
  });

  describe("vch host", () => {
    it("fills in the name, the vic-machine binary and the vSphere connection", () => {
      const config = parseConfig(rawOf(vchStackConfig()), context(vchContext()));
      assert.ok(config.host.kind === "vch");
      const { vsphere, ...host } = config.host;
      assert.deepStrictEqual(host, {
        kind: "vch",
        datacenter: "dc1",
        cluster: "build-cluster",
        imageStore: "vsanDatastore/buildenv-images",
        volumeStores: [
          { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-alice", label: "default" },
          { datastore: "nfs-archive", path: "keep/vch/buildenv-alice", label: "archive" },
        ],
        bridgeNetwork: "buildenv-bridge",
        publicNetwork: "VM Network",
        clientNetwork: "buildenv-clients",
        dnsServers: [],
        timeout: "10m",
        thumbprint: "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01",
        vicMachine: "vic-machine-linux",
        name: "buildenv-alice",
        cname: "vch-alice.build.example.com",
        ipAddresses: ["10.20.30.40"],
      });
      assert.deepStrictEqual(
        {
          server: vsphere.server,
          user: vsphere.user,
          allowUnverifiedSsl: vsphere.allowUnverifiedSsl,
        },
        {
          server: "vcenter.example.com",
          user: "buildenv@vsphere.local",
          allowUnverifiedSsl: false,
        },
      );
      assert.deepStrictEqual(config.volumes, {
        output: { capacityMB: 4295, keep: false, store: "default" },
        source: { capacityMB: 2000, keep: true, store: "archive" },
      });
    });

    it("takes the vSphere connection from the provider's environment variables", () => {
      const config = parseConfig(rawOf(vchStackConfig()), {
        ...context(vchContext()),
        vsphere: {},
        env: { VSPHERE_SERVER: "vc2.example.com", VSPHERE_USER: "ci@vsphere.local" },
      });
      assert.ok(config.host.kind === "vch");
      assert.strictEqual(config.host.vsphere.server, "vc2.example.com");
      assert.strictEqual(config.host.vsphere.user, "ci@vsphere.local");
    });
  });

  describe("reading the engine's config", () => {
    it("parses structured keys from JSON and rejects unreadable ones", () => {
      const { raw, problems } = readRawConfig(
        {
          "buildenv:priority": "high",
          "buildenv:volumes": '{"source":{"capacity":"1GB"}}',
          "buildenv:host": "{not json",
          "buildenv:registryPassword": "never read as plain text",
          "vsphere:user": "someone",
        },
        (key) => key === "buildenv:registryPassword",
      );
      assert.deepStrictEqual(raw, { priority: "high", volumes: { source: { capacity: "1GB" } } });
      assert.deepStrictEqual(problems, ['buildenv:host: "{not json" is not an object']);
    });

    it("keeps the registry password a secret", async () => {
      stubVsphere();
      const { config } = await runStack(vchStackConfig());
      assert.ok(config.registry?.password);
      assert.strictEqual(await pulumi.isSecret(config.registry.password), true);
    });
  });
});

/** The raw (engine-side) view of a test stack config: `buildenv:` keys without the namespace. */
function rawOf(config: Record<string, unknown>): RawConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (key.startsWith("buildenv:") && key !== "buildenv:registryPassword") {
      raw[key.slice("buildenv:".length)] = value;
    }
  }
  return raw as RawConfig;
}

function vchContext(): Partial<ParseContext> {
  return {
    vsphere: { vsphereServer: "vcenter.example.com", user: "buildenv@vsphere.local" },
    secrets: { vspherePassword: pulumi.secret("pw"), registryPassword: pulumi.secret("token") },
  };
}
