import * as assert from "assert";
import { vicCapacityMiB } from "../../../components/volumes/buildVolume";
import { isSecretInput, mocks, reveal } from "../../support/harness";
import { runStack, stubVsphere, vchStackConfig } from "../../support/stack";

import { COMMAND } from "../../support/vch";

describe("Virtual Container Host stacks", () => {
  beforeEach(() => stubVsphere());

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
});
