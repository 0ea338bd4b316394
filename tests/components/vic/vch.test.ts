import * as assert from "assert";
import { Priority } from "../../../components/compute/config";
import {
  VIC_PASSWORD_ENV,
  createScript,
  deleteScript,
  replacementKey,
  scriptInterpreter,
  updateScript,
  vicCreateArgs,
  vicDeleteArgs,
} from "../../../components/vic/vicMachine";
import { isSecretInput, mocks, reveal } from "../../support/harness";
import { VSPHERE_PASSWORD, runStack, stubVsphere, vchStackConfig } from "../../support/stack";

import {
  COMMAND,
  EXPECTED_CREATE_ARGS,
  EXPECTED_IDS,
  EXPECTED_LOOKUPS,
  EXPECTED_DELETE_ARGS,
  EXPECTED_SPEC,
  POOL,
  vchCommand,
} from "../../support/vch";

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
      // As arguments (each single-quoted); a message may name --force.
      assert.doesNotMatch(
        lifecycle.inputs.create as string,
        /'--(?:no-tls|no-tlsverify|force)[=']/,
      );
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
});
