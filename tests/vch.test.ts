import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Priority } from "../compute/config";
import {
  VIC_PASSWORD_ENV,
  VchSpec,
  createScript,
  deleteScript,
  parseDockerEndpoint,
  scriptInterpreter,
  vicCreateArgs,
  vicDeleteArgs,
} from "../vic/vicMachine";
import { isSecretInput, mocks, reveal, secretEnvelope } from "./harness";
import {
  INSPECT_STDOUT,
  REGISTRY_PASSWORD,
  VCENTER_THUMBPRINT,
  VSPHERE_PASSWORD,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "./stack";

const POOL = "vsphere:index/resourcePool:ResourcePool";
const COMMAND = "command:local:Command";

/** What the realistic stack in tests/stack.ts must give vic-machine, written out by hand. */
const EXPECTED_SPEC: VchSpec = {
  vicMachine: "vic-machine-linux",
  target: "vcenter.example.com/dc1",
  user: "buildenv@vsphere.local",
  thumbprint: VCENTER_THUMBPRINT,
  name: "buildenv-alice",
  computeResource: "build-cluster/buildenv-alice",
  imageStore: "vsanDatastore/buildenv-images",
  volumeStores: [
    { datastore: "vsanDatastore", path: "buildenv/volumes", label: "default" },
    { datastore: "nfs-archive", path: "buildenv/keep", label: "archive" },
  ],
  bridgeNetwork: "buildenv-bridge",
  publicNetwork: "VM Network",
  clientNetwork: "buildenv-clients",
  tlsCname: "vch-alice.build.example.com",
  cpuShares: "high",
  memoryShares: "high",
  memoryLimitMB: 16384,
  memoryReservationMB: 4096,
  cpuLimitMHz: 16000,
  cpuReservationMHz: 4000,
};

const EXPECTED_CREATE_ARGS = [
  "create",
  "--target=vcenter.example.com/dc1",
  "--user=buildenv@vsphere.local",
  `--thumbprint=${VCENTER_THUMBPRINT}`,
  "--name=buildenv-alice",
  "--compute-resource=build-cluster/buildenv-alice",
  "--image-store=vsanDatastore/buildenv-images",
  "--volume-store=vsanDatastore/buildenv/volumes:default",
  "--volume-store=nfs-archive/buildenv/keep:archive",
  "--bridge-network=buildenv-bridge",
  "--public-network=VM Network",
  "--client-network=buildenv-clients",
  "--tls-cname=vch-alice.build.example.com",
  "--tls-server-cert=$BUILDENV_TLS_DIR/server-cert.pem",
  "--tls-server-key=$BUILDENV_TLS_DIR/server-key.pem",
  "--tls-ca=$BUILDENV_TLS_DIR/ca.pem",
  "--memory=16384",
  "--memory-reservation=4096",
  "--memory-shares=high",
  "--cpu=16000",
  "--cpu-reservation=4000",
  "--cpu-shares=high",
];

const EXPECTED_DELETE_ARGS = [
  "delete",
  "--target=vcenter.example.com/dc1",
  "--user=buildenv@vsphere.local",
  `--thumbprint=${VCENTER_THUMBPRINT}`,
  "--name=buildenv-alice",
  "--compute-resource=build-cluster/buildenv-alice",
];

describe("Virtual Container Host stacks", () => {
  beforeEach(() => stubVsphere());

  for (const mode of ["preview", "update"] as const) {
    it(`registers the VCH environment in ${mode}`, async () => {
      await runStack(vchStackConfig(), { mode });
      assert.deepStrictEqual(mocks.resources.map((r) => `${r.type}::${r.name}`).sort(), [
        "buildenv:host:ContainerHost::buildenv-dev",
        "buildenv:image:BuildImage::buildenv-dev-image",
        "buildenv:storage:BuildVolume::buildenv-dev-output",
        "buildenv:storage:BuildVolume::buildenv-dev-source",
        "buildenv:vsphere:VirtualContainerHost::buildenv-dev",
        "command:local:Command::buildenv-dev-vch",
        "docker-build:index:Image::buildenv-dev-image",
        "docker:index/remoteImage:RemoteImage::buildenv-dev-image-pull",
        "docker:index/volume:Volume::buildenv-dev-output",
        "docker:index/volume:Volume::buildenv-dev-source",
        "pulumi:providers:docker-build::buildenv-dev-image-builder",
        "pulumi:providers:docker::buildenv-dev-docker",
        "tls:index/certRequest:CertRequest::buildenv-dev-client-developer-csr",
        "tls:index/certRequest:CertRequest::buildenv-dev-server-csr",
        "tls:index/locallySignedCert:LocallySignedCert::buildenv-dev-client-developer-cert",
        "tls:index/locallySignedCert:LocallySignedCert::buildenv-dev-server-cert",
        "tls:index/privateKey:PrivateKey::buildenv-dev-ca-key",
        "tls:index/privateKey:PrivateKey::buildenv-dev-client-developer-key",
        "tls:index/privateKey:PrivateKey::buildenv-dev-server-key",
        "tls:index/selfSignedCert:SelfSignedCert::buildenv-dev-ca",
        "vsphere:index/resourcePool:ResourcePool::buildenv-dev-pool",
      ]);
      assert.deepStrictEqual(
        mocks.calls.map((c) => [c.token, c.inputs]),
        [
          ["vsphere:index/getDatacenter:getDatacenter", { name: "dc1" }],
          [
            "vsphere:index/getComputeCluster:getComputeCluster",
            { name: "build-cluster", datacenterId: "datacenter-dc1" },
          ],
        ],
      );
      // The engine fetches the real vSphere provider at the version the local SDK declares.
      assert.deepStrictEqual(mocks.callVersions, ["4.17.0", "4.17.0"]);
      assert.strictEqual(mocks.optionsOf(POOL, "buildenv-dev-pool").version, "4.17.0");
    });
  }

  describe("resource pool", () => {
    const expected: Record<Priority, Record<string, unknown>> = {
      low: {
        cpuShareLevel: "low",
        cpuLimit: 4000,
        cpuReservation: 0,
        memoryShareLevel: "low",
        memoryLimit: 4096,
        memoryReservation: 0,
      },
      normal: {
        cpuShareLevel: "normal",
        cpuLimit: 8000,
        cpuReservation: 1000,
        memoryShareLevel: "normal",
        memoryLimit: 8192,
        memoryReservation: 2048,
      },
      high: {
        cpuShareLevel: "high",
        cpuLimit: 16000,
        cpuReservation: 4000,
        memoryShareLevel: "high",
        memoryLimit: 16384,
        memoryReservation: 4096,
      },
    };
    for (const priority of ["low", "normal", "high"] as const) {
      it(`is sized by priority ${priority}`, async () => {
        await runStack(vchStackConfig({ "buildenv:priority": priority }));
        assert.deepStrictEqual(mocks.one(POOL).inputs, {
          name: "buildenv-alice",
          parentResourcePoolId: "resgroup-8",
          cpuExpandable: false,
          memoryExpandable: false,
          ...expected[priority],
        });
      });
    }

    it("follows computeClasses overrides", async () => {
      await runStack(
        vchStackConfig({
          "buildenv:computeClasses": { high: { cpuMHz: 24000, shares: "normal" } },
        }),
      );
      const inputs = mocks.one(POOL).inputs;
      assert.deepStrictEqual(
        [inputs.cpuLimit, inputs.cpuShareLevel, inputs.memoryShareLevel],
        [24000, "normal", "normal"],
      );
    });
  });

  describe("vic-machine", () => {
    it("creates and deletes the VCH with the full argument lists", async () => {
      await runStack(vchStackConfig());
      const lifecycle = mocks.one(COMMAND);
      const spec = EXPECTED_SPEC;
      assert.deepStrictEqual(vicCreateArgs(spec), EXPECTED_CREATE_ARGS);
      // A kept volume lives in the stores, so delete must leave them (no --force).
      assert.deepStrictEqual(vicDeleteArgs(spec, { force: false }), EXPECTED_DELETE_ARGS);
      assert.strictEqual(lifecycle.inputs.create, createScript(spec));
      assert.strictEqual(lifecycle.inputs.delete, deleteScript(spec, { force: false }));
      assert.deepStrictEqual(lifecycle.inputs.interpreter, scriptInterpreter());
      for (const arg of EXPECTED_CREATE_ARGS.slice(1)) {
        assert.ok((lifecycle.inputs.create as string).includes(arg.split("=")[1]), arg);
      }
      assert.doesNotMatch(lifecycle.inputs.create as string, /--no-tls|--no-tlsverify|--force/);
    });

    it("deletes the volume stores (--force) only when every volume is disposable", async () => {
      await runStack(
        vchStackConfig({
          "buildenv:volumes": {
            source: { capacity: "2GB" },
            output: { capacity: "4GB", keep: false },
          },
        }),
      );
      const lifecycle = mocks.one(COMMAND);
      const spec = EXPECTED_SPEC;
      assert.strictEqual(lifecycle.inputs.delete, deleteScript(spec, { force: true }));
      assert.deepStrictEqual(vicDeleteArgs(spec, { force: true }), [
        ...EXPECTED_DELETE_ARGS,
        "--force",
      ]);
    });

    it("passes credentials and keys only through the environment, as secrets", async () => {
      await runStack(vchStackConfig());
      const lifecycle = mocks.one(COMMAND);
      assert.ok(isSecretInput(lifecycle.inputs.environment), "the environment is a secret");
      const environment = reveal(lifecycle.inputs.environment) as Record<string, string>;
      assert.deepStrictEqual(Object.keys(environment).sort(), [
        "BUILDENV_TLS_CA",
        "BUILDENV_TLS_SERVER_CERT",
        "BUILDENV_TLS_SERVER_KEY",
        VIC_PASSWORD_ENV,
      ]);
      assert.strictEqual(environment[VIC_PASSWORD_ENV], VSPHERE_PASSWORD);
      assert.strictEqual(
        environment.BUILDENV_TLS_SERVER_KEY,
        "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-server-key\n-----END PRIVATE KEY-----\n",
      );
    });

    it("replaces the VCH (delete first) when what it is made from changes", async () => {
      await runStack(vchStackConfig());
      const options = mocks.optionsOf(COMMAND, "buildenv-dev-vch");
      assert.strictEqual(options.deleteBeforeReplace, true);
      assert.deepStrictEqual(options.replaceOnChanges, ["triggers[*]"]);
      const triggers = mocks.one(COMMAND).inputs.triggers as string[];
      assert.strictEqual(triggers.length, 3);
      assert.strictEqual(triggers[0], mocks.one(COMMAND).inputs.create);
      // The pool must exist before vic-machine deploys into it.
      assert.ok(options.dependencies.some((urn) => urn.endsWith("::buildenv-dev-pool")));

      mocks.reset();
      stubVsphere();
      await runStack(vchStackConfig({ "buildenv:priority": "low" }));
      assert.notStrictEqual((mocks.one(COMMAND).inputs.triggers as string[])[0], triggers[0]);
    });

    it("looks the thumbprint up when none is configured", async () => {
      mocks.stubCall("vsphere:index/getHostThumbprint:getHostThumbprint", (inputs) => ({
        id: "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44",
        address: inputs.address,
      }));
      const host = { ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>) };
      delete host.thumbprint;
      await runStack(vchStackConfig({ "buildenv:host": host }));
      assert.deepStrictEqual(
        mocks.calls.find((c) => c.token === "vsphere:index/getHostThumbprint:getHostThumbprint")
          ?.inputs,
        { address: "vcenter.example.com", insecure: false },
      );
      assert.ok(
        mocks.one(COMMAND).inputs.create ===
          createScript({
            ...EXPECTED_SPEC,
            thumbprint: "11:22:33:44:55:66:77:88:99:00:AA:BB:CC:DD:EE:FF:11:22:33:44",
          }),
      );
    });
  });

  describe("TLS", () => {
    it("issues a CA, a server certificate for the cname and IPs, and a client certificate", async () => {
      await runStack(vchStackConfig());
      assert.deepStrictEqual(mocks.one("tls:index/selfSignedCert:SelfSignedCert").inputs, {
        privateKeyPem: secretEnvelope(
          "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-ca-key\n-----END PRIVATE KEY-----\n",
        ),
        isCaCertificate: true,
        subject: { commonName: "buildenv dev CA", organization: "buildenv" },
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
        validityPeriodHours: 8760,
        earlyRenewalHours: 720,
      });
      assert.deepStrictEqual(
        mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-server-csr").inputs,
        {
          privateKeyPem: secretEnvelope(
            "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-server-key\n-----END PRIVATE KEY-----\n",
          ),
          subject: { commonName: "vch-alice.build.example.com", organization: "buildenv" },
          dnsNames: ["vch-alice.build.example.com"],
          ipAddresses: ["10.20.30.40"],
        },
      );
      assert.deepStrictEqual(
        mocks.one("tls:index/locallySignedCert:LocallySignedCert", "buildenv-dev-server-cert")
          .inputs.allowedUses,
        ["digital_signature", "key_encipherment", "server_auth"],
      );
      assert.deepStrictEqual(
        mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-client-developer-csr").inputs
          .subject,
        {
          commonName: "alice-developer",
          organization: "buildenv",
        },
      );
      assert.deepStrictEqual(
        mocks.one(
          "tls:index/locallySignedCert:LocallySignedCert",
          "buildenv-dev-client-developer-cert",
        ).inputs.allowedUses,
        ["digital_signature", "key_encipherment", "client_auth"],
      );
      for (const key of mocks.ofType("tls:index/privateKey:PrivateKey")) {
        assert.strictEqual(key.inputs.algorithm, "RSA");
      }
    });

    it("exports the client key only as a top-level secret output, beside the plain certificates", async () => {
      const { outputs } = await runStack(vchStackConfig());
      assert.ok(outputs.tls && outputs.tlsClientKey);
      // pulumi/actions masks only top-level secret outputs (it walks the outputs one level deep),
      // so the key is not nested in `tls`, and `tls` holds nothing else.
      assert.deepStrictEqual(Object.keys(outputs.tls).sort(), ["caCert", "clientCert"]);
      assert.strictEqual(await pulumi.isSecret(outputs.tlsClientKey), true);
      assert.strictEqual(await pulumi.isSecret(outputs.tls.caCert), false);
      assert.strictEqual(
        await resolveAll(outputs.tlsClientKey),
        "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-client-developer-key\n-----END PRIVATE KEY-----\n",
      );
    });
  });

  describe("Docker endpoint", () => {
    it("is read from vic-machine's report and used by the stack's Docker provider", async () => {
      const { outputs } = await runStack(vchStackConfig());
      assert.strictEqual(
        await new Promise((r) => outputs.dockerHost.apply(r)),
        "tcp://vch-alice.build.example.com:2376",
      );
      const provider = mocks.one("pulumi:providers:docker");
      assert.deepStrictEqual(provider.inputs, {
        host: "tcp://vch-alice.build.example.com:2376",
        caMaterial:
          "-----BEGIN CERTIFICATE-----\nCERT-OF-buildenv-dev-ca\n-----END CERTIFICATE-----\n",
        certMaterial:
          "-----BEGIN CERTIFICATE-----\nCERT-OF-buildenv-dev-client-developer-cert\n-----END CERTIFICATE-----\n",
        keyMaterial:
          "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-client-developer-key\n-----END PRIVATE KEY-----\n",
        // Provider config reaches the engine as JSON text; the password makes it a secret.
        registryAuth: secretEnvelope(
          JSON.stringify([
            {
              address: "registry.example.com",
              username: "buildenv-ci",
              password: REGISTRY_PASSWORD,
            },
          ]),
        ),
      });
      for (const type of ["docker:index/volume:Volume", "docker:index/remoteImage:RemoteImage"]) {
        for (const resource of mocks.ofType(type)) {
          assert.ok(
            resource.provider?.includes("::buildenv-dev-docker::"),
            `${resource.name} uses ${resource.provider}`,
          );
        }
      }
    });

    it("parses realistic vic-machine inspect output", () => {
      assert.deepStrictEqual(parseDockerEndpoint(INSPECT_STDOUT), {
        address: "vch-alice.build.example.com",
        dockerHost: "tcp://vch-alice.build.example.com:2376",
      });
      const fixture = fs.readFileSync(
        path.join(__dirname, "fixtures/vic-inspect-running.txt"),
        "utf8",
      );
      assert.match(parseDockerEndpoint(fixture).dockerHost, /^tcp:\/\/[^:]+:2376$/);
    });
  });

  describe("volumes", () => {
    it("use the vsphere driver with the store label and whole decimal MB", async () => {
      await runStack(vchStackConfig());
      const source = mocks.one("docker:index/volume:Volume", "buildenv-dev-source");
      assert.deepStrictEqual(
        {
          driver: source.inputs.driver,
          driverOpts: source.inputs.driverOpts,
          name: source.inputs.name,
        },
        {
          driver: "vsphere",
          driverOpts: { Capacity: "2000", VolumeStore: "archive" },
          name: "buildenv-dev-source",
        },
      );
      const output = mocks.one("docker:index/volume:Volume", "buildenv-dev-output");
      assert.deepStrictEqual(output.inputs.driverOpts, {
        Capacity: "4295",
        VolumeStore: "default",
      });
      assert.strictEqual(
        mocks.optionsOf("docker:index/volume:Volume", "buildenv-dev-source").retainOnDelete,
        true,
      );
      assert.strictEqual(
        mocks.optionsOf("docker:index/volume:Volume", "buildenv-dev-output").retainOnDelete,
        false,
      );
    });
  });

  describe("secrets", () => {
    it("appear in no command string, resource name or plain output", async () => {
      const { outputs } = await runStack(
        vchStackConfig({ "buildenv:github": { repositories: ["app"] } }),
      );
      const secrets = [
        VSPHERE_PASSWORD,
        REGISTRY_PASSWORD,
        ...mocks.ofType("tls:index/privateKey:PrivateKey").map((k) => `KEY-OF-${k.name}`),
      ];
      const commands = mocks
        .ofType(COMMAND)
        .flatMap((c) => [c.inputs.create, c.inputs.delete, ...(c.inputs.triggers as string[])]);
      const names = mocks.resources.map((r) => r.name);
      const { tlsClientKey, ...plain } = outputs;
      assert.ok(tlsClientKey);
      const plainText = JSON.stringify(await resolveAll(plain));
      for (const secret of secrets) {
        for (const command of commands) {
          assert.ok(!String(command).includes(secret), `secret in a command: ${secret}`);
        }
        assert.ok(!names.some((n) => n.includes(secret)), `secret in a name: ${secret}`);
        assert.ok(!plainText.includes(secret), `secret in a plain output: ${secret}`);
      }
    });
  });
});
