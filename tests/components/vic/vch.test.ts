import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { Priority } from "../../../components/compute/config";
import { loadConfig } from "../../../components/config/load";
import { ContainerHost } from "../../../components/host/containerHost";
import { vicCapacityMiB } from "../../../components/volumes/buildVolume";
import { stackInventory } from "../../../program";
import {
  VIC_PASSWORD_ENV,
  VchSpec,
  createScript,
  deleteScript,
  parseDockerEndpoint,
  replacementKey,
  scriptInterpreter,
  storeFolderProblem,
  updateScript,
  vicCreateArgs,
  vicDeleteArgs,
} from "../../../components/vic/vicMachine";
import {
  isSecretInput,
  mocks,
  reveal,
  secretEnvelope,
  setConfig,
  setMode,
  settle,
} from "../../support/harness";
import {
  INSPECT_STDOUT,
  NOW,
  REGISTRY_PASSWORD,
  REPO_ROOT,
  VCENTER_THUMBPRINT,
  VCH_SECRET_KEYS,
  VSPHERE_PASSWORD,
  rejectedConfig,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
  FIXTURES_DIR,
} from "../../support/stack";
import { TOKENS } from "../../support/vsphereInventory";

const COMMAND = "command:local:Command";

/** The VCH's own lifecycle Command (each volume also has one that makes it: volumes/adopt.ts). */
function vchCommand() {
  const found = mocks.ofType(COMMAND).filter((c) => c.name.endsWith("-vch"));
  assert.strictEqual(found.length, 1, "one VCH command");
  return found[0];
}
const POOL = "vsphere:index/resourcePool:ResourcePool";

/** What the realistic stack in tests/stack.ts must give vic-machine, written out by hand. */
/** What vchStackConfig's host names, looked up in vSphere (tests/support/vsphereInventory.ts). */
const EXPECTED_LOOKUPS = [
  { token: TOKENS.datacenter, inputs: { name: "dc1" } },
  { token: TOKENS.cluster, inputs: { datacenterId: "datacenter-3", name: "build-cluster" } },
  { token: TOKENS.datastore, inputs: { datacenterId: "datacenter-3", name: "vsanDatastore" } },
  { token: TOKENS.datastore, inputs: { datacenterId: "datacenter-3", name: "nfs-archive" } },
  { token: TOKENS.network, inputs: { datacenterId: "datacenter-3", name: "buildenv-bridge" } },
  { token: TOKENS.network, inputs: { datacenterId: "datacenter-3", name: "VM Network" } },
  { token: TOKENS.network, inputs: { datacenterId: "datacenter-3", name: "buildenv-clients" } },
  {
    token: TOKENS.pool,
    inputs: { datacenterId: "datacenter-3", name: "build-cluster/Resources/buildenv" },
  },
];

/** The VCH's second trigger: the ids found, so an object made anew under the same name replaces it. */
const EXPECTED_IDS = JSON.stringify({
  datacenter: "datacenter-3",
  cluster: "domain-c7",
  datastores: { vsanDatastore: "datastore-11", "nfs-archive": "datastore-12" },
  networks: {
    "buildenv-bridge": "dvportgroup-21",
    "VM Network": "network-20",
    "buildenv-clients": "dvportgroup-22",
  },
  farmPool: "resgroup-31",
});

const EXPECTED_SPEC: VchSpec = {
  vicMachine: "vic-machine-linux",
  target: "vcenter.example.com/dc1",
  user: "buildenv@vsphere.local",
  thumbprint: VCENTER_THUMBPRINT,
  name: "buildenv-alice",
  // The farm pool (default name buildenv): VIC validator_test.go:300-301 accepts this form.
  computeResource: "build-cluster/Resources/buildenv",
  imageStore: "vsanDatastore/buildenv-images",
  volumeStores: [
    { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-alice", label: "default" },
    { datastore: "nfs-archive", path: "keep/vch/buildenv-alice", label: "archive" },
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
  timeout: "10m",
};

const EXPECTED_CREATE_ARGS = [
  "create",
  "--target=vcenter.example.com/dc1",
  "--user=buildenv@vsphere.local",
  `--thumbprint=${VCENTER_THUMBPRINT}`,
  "--name=buildenv-alice",
  "--compute-resource=build-cluster/Resources/buildenv",
  "--timeout=10m",
  "--image-store=vsanDatastore/buildenv-images",
  "--bridge-network=buildenv-bridge",
  "--public-network=VM Network",
  "--client-network=buildenv-clients",
  "--volume-store=vsanDatastore/buildenv/vch/buildenv-alice:default",
  "--volume-store=nfs-archive/keep/vch/buildenv-alice:archive",
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
  "--compute-resource=build-cluster/Resources/buildenv",
  "--timeout=10m",
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
        "command:local:Command::buildenv-dev-output-ensure",
        "command:local:Command::buildenv-dev-source-ensure",
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
      ]);
      // The inventory the stack names, looked up before anything is registered; the farm pool
      // is found, not declared (this is a developer stack).
      // They run together, so in the order vSphere answers: compared as a set.
      const byText = (calls: unknown[]) => calls.map((c) => JSON.stringify(c)).sort();
      assert.deepStrictEqual(byText(mocks.calls), byText(EXPECTED_LOOKUPS));
    });
  }

  describe("resource pool", () => {
    // VIC makes one pool <cluster>/Resources/<name> per VCH (create.go:57-61,
    // resource_pool.go:33-62) from --cpu*/--memory* (limits.go:40-82): a sibling of every other
    // VCH's pool, so shares compare VCHs under contention. buildenv adds no pool around it.
    const expected: Record<Priority, string[]> = {
      low: [
        "--memory=4096",
        "--memory-reservation=0",
        "--memory-shares=low",
        "--cpu=4000",
        "--cpu-reservation=0",
        "--cpu-shares=low",
      ],
      normal: [
        "--memory=8192",
        "--memory-reservation=2048",
        "--memory-shares=normal",
        "--cpu=8000",
        "--cpu-reservation=1000",
        "--cpu-shares=normal",
      ],
      high: [
        "--memory=16384",
        "--memory-reservation=4096",
        "--memory-shares=high",
        "--cpu=16000",
        "--cpu-reservation=4000",
        "--cpu-shares=high",
      ],
    };
    for (const priority of ["low", "normal", "high"] as const) {
      it(`is VIC's own, in the farm pool, sized by priority ${priority}`, async () => {
        await runStack(vchStackConfig({ "buildenv:priority": priority }));
        // A developer stack only finds the farm pool; the shared stack declares it.
        assert.deepStrictEqual(mocks.ofType(POOL), []);
        const create = vchCommand().inputs.create as string;
        assert.ok(create.includes("'--compute-resource=build-cluster/Resources/buildenv'"));
        for (const arg of expected[priority]) {
          assert.ok(create.includes(`'${arg}'`), arg);
        }
        assert.strictEqual(
          vchCommand().inputs.update,
          updateScript({
            ...EXPECTED_SPEC,
            cpuShares: priority,
            memoryShares: priority,
            memoryLimitMB: Number(expected[priority][0].split("=")[1]),
            memoryReservationMB: Number(expected[priority][1].split("=")[1]),
            cpuLimitMHz: Number(expected[priority][3].split("=")[1]),
            cpuReservationMHz: Number(expected[priority][4].split("=")[1]),
          }),
        );
      });
    }

    it("follows computeClasses overrides", async () => {
      await runStack(
        vchStackConfig({
          "buildenv:computeClasses": { high: { cpuMHz: 24000, shares: "normal" } },
        }),
      );
      const create = vchCommand().inputs.create as string;
      for (const arg of ["--cpu=24000", "--cpu-shares=normal", "--memory-shares=normal"]) {
        assert.ok(create.includes(`'${arg}'`), arg);
      }
    });
  });

  describe("vic-machine", () => {
    it("creates and deletes the VCH with the full argument lists", async () => {
      await runStack(vchStackConfig());
      const lifecycle = vchCommand();
      const spec = EXPECTED_SPEC;
      assert.deepStrictEqual(vicCreateArgs(spec), EXPECTED_CREATE_ARGS);
      // A kept volume lives in the stores, so delete must leave them (no --force).
      assert.deepStrictEqual(vicDeleteArgs(spec, { force: false }), EXPECTED_DELETE_ARGS);
      assert.strictEqual(lifecycle.inputs.create, createScript(spec));
      assert.strictEqual(lifecycle.inputs.update, updateScript(spec));
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
      const lifecycle = vchCommand();
      const spec = EXPECTED_SPEC;
      assert.strictEqual(lifecycle.inputs.delete, deleteScript(spec, { force: true }));
      assert.deepStrictEqual(vicDeleteArgs(spec, { force: true }), [
        ...EXPECTED_DELETE_ARGS,
        "--force",
      ]);
    });

    it("passes credentials and keys only through the environment, as secrets", async () => {
      await runStack(vchStackConfig());
      const lifecycle = vchCommand();
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

    it("changes in place what configure can change, certificates included", async () => {
      await runStack(vchStackConfig());
      const options = mocks.optionsOf(COMMAND, "buildenv-dev-vch");
      assert.strictEqual(options.deleteBeforeReplace, true);
      assert.deepStrictEqual(options.replaceOnChanges, ["triggers[*]"]);
      const before = vchCommand().inputs;
      // Only what configure cannot change is a trigger: the certificate PEMs (renewed yearly)
      // and the limits are not, so renewing or resizing runs the update (configure).
      assert.deepStrictEqual(before.triggers, [replacementKey(EXPECTED_SPEC), EXPECTED_IDS]);

      mocks.reset();
      stubVsphere();
      await runStack(
        vchStackConfig({
          "buildenv:priority": "low",
          "buildenv:host": {
            ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
            dnsServers: ["10.20.0.2"],
          },
        }),
      );
      const after = vchCommand().inputs;
      assert.deepStrictEqual(after.triggers, before.triggers);
      assert.notStrictEqual(after.update, before.update);
      assert.match(
        after.update as string,
        /'configure' .*'--dns-server=10\.20\.0\.2'.*'--cpu-shares=low'/,
      );
    });

    it("replaces the VCH (delete first) only for what configure cannot change", async () => {
      await runStack(vchStackConfig());
      const before = vchCommand().inputs.triggers;
      for (const change of [
        { bridgeNetwork: "buildenv-bridge-ci" },
        { imageStore: "nfs-archive/images" },
        { clientNetworkIp: "10.20.0.15/24" },
      ]) {
        mocks.reset();
        stubVsphere();
        await runStack(
          vchStackConfig({
            "buildenv:host": {
              ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
              ...change,
            },
          }),
        );
        assert.notDeepStrictEqual(vchCommand().inputs.triggers, before, JSON.stringify(change));
      }
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
        vchCommand().inputs.create ===
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
    it("is the cname (DHCP address) and is used by the stack's Docker provider", async () => {
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

    it("connects to a static client address, which is in the certificate, IPv6 in brackets", async () => {
      for (const [ip, expected] of [
        ["10.20.0.15/24", "tcp://10.20.0.15:2376"],
        ["fd00:20::15/64", "tcp://[fd00:20::15]:2376"],
      ]) {
        mocks.reset();
        stubVsphere();
        const host = {
          ...(vchStackConfig()["buildenv:host"] as Record<string, unknown>),
          clientNetworkIp: ip,
          clientNetworkGateway: ip.includes(":") ? undefined : "10.20.0.1",
        };
        const { outputs } = await runStack(vchStackConfig({ "buildenv:host": host }));
        assert.strictEqual(await new Promise((r) => outputs.dockerHost.apply(r)), expected);
        assert.deepStrictEqual(
          mocks.one("tls:index/certRequest:CertRequest", "buildenv-dev-server-csr").inputs
            .ipAddresses,
          ["10.20.30.40", ip.split("/")[0]],
        );
        const create = vchCommand().inputs.create as string;
        assert.ok(create.includes(`'--client-network-ip=${ip}'`), create);
      }
    });

    it("parses VIC's report in the form the Command captures", () => {
      assert.deepStrictEqual(parseDockerEndpoint(INSPECT_STDOUT), {
        address: "10.20.0.15",
        dockerHost: "tcp://10.20.0.15:2376",
      });
    });
  });

  describe("volumes", () => {
    it("use the vsphere driver with the store label and the capacity in MiB, rounded up", async () => {
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
          // 2GB = 2000 MB = 1907.35 MiB; VIC reads a bare Capacity as MiB (storage_proxy.go:650-687).
          driverOpts: { Capacity: "1908", VolumeStore: "archive" },
          name: "buildenv-dev-source",
        },
      );
      const output = mocks.one("docker:index/volume:Volume", "buildenv-dev-output");
      assert.deepStrictEqual(output.inputs.driverOpts, {
        // 4GiB is kept as 4295 MB (whole MB, rounded up), which is 4096.0003 MiB: 4097.
        Capacity: "4097",
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

  describe("kept volumes after destroy: made if absent, then imported (VIC refuses a second create)", () => {
    it("makes each volume with a script that creates it only when the VCH has none of that name", async () => {
      await runStack(vchStackConfig());
      const ensure = mocks.one(COMMAND, "buildenv-dev-source-ensure");
      assert.strictEqual(
        ensure.inputs.create,
        [
          "set -euo pipefail",
          "umask 077",
          'certs="$(mktemp -d)"',
          `trap 'rm -rf "$certs"' EXIT`,
          'export DOCKER_HOST="$BUILDENV_DOCKER_HOST"',
          'if [ -n "${BUILDENV_TLS_CA:-}" ]; then',
          `  printf '%s' "$BUILDENV_TLS_CA" > "$certs/ca.pem"`,
          `  printf '%s' "$BUILDENV_TLS_CERT" > "$certs/cert.pem"`,
          `  printf '%s' "$BUILDENV_TLS_KEY" > "$certs/key.pem"`,
          '  export DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$certs" DOCKER_API_VERSION=1.25',
          "fi",
          "unset BUILDENV_TLS_CA BUILDENV_TLS_CERT BUILDENV_TLS_KEY",
          "if docker volume inspect 'buildenv-dev-source' >/dev/null 2>&1; then",
          "  echo 'volume buildenv-dev-source exists: adopted with its data'",
          "else",
          "  docker volume create --driver 'vsphere' --opt 'Capacity=1908' --opt 'VolumeStore=archive' --label 'buildenv.capacity-mb=2000' --label 'buildenv.expires-at=2026-12-01T00:00:00Z' --label 'buildenv.keep=true' --label 'buildenv.owner=alice' --label 'buildenv.priority=high' --label 'buildenv.shared=false' --label 'buildenv.stack=dev' --label 'buildenv.volume=source' 'buildenv-dev-source' >/dev/null",
          "  echo 'volume buildenv-dev-source created'",
          "fi",
          "",
        ].join("\n"),
      );
      assert.deepStrictEqual(ensure.inputs.interpreter, [
        "/bin/bash",
        "--norc",
        "--noprofile",
        "-c",
      ]);
      assert.strictEqual(ensure.inputs.delete, undefined);
      // The developer's client key reaches it only in the environment, as a secret.
      assert.ok(isSecretInput(ensure.inputs.environment));
      const environment = reveal(ensure.inputs.environment) as Record<string, string>;
      assert.deepStrictEqual(Object.keys(environment).sort(), [
        "BUILDENV_DOCKER_HOST",
        "BUILDENV_TLS_CA",
        "BUILDENV_TLS_CERT",
        "BUILDENV_TLS_KEY",
      ]);
      assert.strictEqual(
        environment.BUILDENV_DOCKER_HOST,
        "tcp://vch-alice.build.example.com:2376",
      );
      assert.strictEqual(
        environment.BUILDENV_TLS_KEY,
        "-----BEGIN PRIVATE KEY-----\nKEY-OF-buildenv-dev-client-developer-key\n-----END PRIVATE KEY-----\n",
      );
      // ...and never in the script.
      assert.ok(!String(ensure.inputs.create).includes("KEY-OF-"));
      const options = mocks.optionsOf(COMMAND, "buildenv-dev-source-ensure");
      assert.deepStrictEqual(options.ignoreChanges, ["create"]);
      assert.ok(
        options.dependencies.includes(
          "urn:pulumi:dev::buildenv::buildenv:vsphere:VirtualContainerHost$command:local:Command::buildenv-dev-vch",
        ),
        "made after the VCH",
      );
    });

    it("imports every volume by its name, after the script made sure it exists", async () => {
      await runStack(vchStackConfig());
      for (const volume of ["source", "output"]) {
        const options = mocks.optionsOf("docker:index/volume:Volume", `buildenv-dev-${volume}`);
        assert.strictEqual(options.importId, `buildenv-dev-${volume}`);
        assert.deepStrictEqual(options.dependencies, [
          `urn:pulumi:dev::buildenv::buildenv:storage:BuildVolume$command:local:Command::buildenv-dev-${volume}-ensure`,
        ]);
      }
    });

    it("leaves the local engine's volumes to its own create, which adopts: no script, no import", async () => {
      await runStack({ "buildenv:expiresAt": "2026-12-01" });
      assert.deepStrictEqual(mocks.ofType(COMMAND), []);
      assert.strictEqual(
        mocks.optionsOf("docker:index/volume:Volume", "buildenv-dev-source").importId,
        "",
      );
    });
  });

  describe("capacity", () => {
    it("asks VIC for 9537 MiB for a 10GB volume", async () => {
      assert.strictEqual(vicCapacityMiB(10_000), 9537);
      await runStack(
        vchStackConfig({ "buildenv:volumes": { source: { capacity: "10GB", keep: true } } }),
      );
      assert.deepStrictEqual(
        mocks.one("docker:index/volume:Volume", "buildenv-dev-source").inputs.driverOpts,
        { Capacity: "9537", VolumeStore: "default" },
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
        .flatMap((c) => [
          c.inputs.create,
          c.inputs.delete,
          ...((c.inputs.triggers as string[] | undefined) ?? []),
        ]);
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
