/**
 * On a real Docker engine: `pulumi destroy` leaves a kept volume (retainOnDelete), and the next
 * `pulumi up` gets it back, data and all, without `pulumi import`, because the Docker provider's
 * create is one VolumeCreate call (terraform-provider-docker resource_docker_volume.go:166-286)
 * and the engine answers it with the existing volume of that name and driver (moby
 * daemon/volume/service/store.go:596-607). This test makes exactly that call, with the inputs the
 * program declares before and after the destroy. Runs when BUILDENV_E2E_DOCKER_HOST and
 * BUILDENV_E2E_IMAGE are set (as tests/docker.e2e.test.ts); skipped otherwise.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import { mocks } from "../../support/harness";
import { capture } from "../../support/plan";
import { runStack } from "../../support/stack";
import { ensureVolumeScript } from "../../../components/volumes/adopt";

const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;
// Unique per run: the engine is shared with other test runs.
const STACK = `adopt${process.pid}`;

function docker(args: string[]): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

/** VolumeCreate with the inputs the program gives the provider (what its create sends). */
function volumeCreate(inputs: Record<string, unknown>): string {
  const labels = (inputs.labels as { label: string; value: string }[]).flatMap((l) => [
    "--label",
    `${l.label}=${l.value}`,
  ]);
  return docker([
    "volume",
    "create",
    "--driver",
    String(inputs.driver),
    ...labels,
    String(inputs.name),
  ]);
}

async function sourceVolumeInputs(expiresAt: string): Promise<Record<string, unknown>> {
  mocks.reset();
  await runStack({ "buildenv:expiresAt": expiresAt }, { stack: STACK });
  const volume = capture(mocks).get(`docker:index/volume:Volume::buildenv-${STACK}-source`);
  assert.ok(volume, "the program declares the source volume");
  assert.strictEqual(volume.options.retainOnDelete, true);
  return volume.inputs;
}

/** Skips the suite without an engine; removes the volume `name` after it. */
function withEngine(name: string): void {
  before(function () {
    if (!DOCKER_HOST || !BASE_IMAGE) {
      console.log(
        "skipping: BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE not set (.ci/run starts an engine)",
      );
      this.skip();
    }
  });
  after(() => {
    if (DOCKER_HOST && BASE_IMAGE) {
      try {
        docker(["volume", "rm", "-f", name]);
      } catch {
        // already gone
      }
    }
  });
}

describe("on a real Docker engine: kept volumes come back after destroy", function () {
  this.timeout(120_000);
  const name = `buildenv-${STACK}-source`;

  withEngine(name);

  it("the create of the next up adopts the retained volume with its data and old labels", async () => {
    const first = await sourceVolumeInputs("2026-12-01");
    assert.strictEqual(volumeCreate(first), name);
    docker([
      "run",
      "--rm",
      "-v",
      `${name}:/data`,
      BASE_IMAGE!,
      "sh",
      "-c",
      "echo kept > /data/proof",
    ]);

    // pulumi destroy: retainOnDelete, so nothing is sent to the engine. Then pulumi up, a week
    // later with a new expiry, against an empty state: the provider creates the volume again.
    const second = await sourceVolumeInputs("2026-12-08");
    assert.notDeepStrictEqual(second.labels, first.labels);
    assert.strictEqual(volumeCreate(second), name);

    assert.strictEqual(
      docker(["run", "--rm", "-v", `${name}:/data`, BASE_IMAGE!, "cat", "/data/proof"]),
      "kept",
    );
    assert.deepStrictEqual(
      docker(["volume", "ls", "--quiet", "--filter", `name=^${name}$`]).split("\n"),
      [name],
    );
    // The engine keeps the labels it had, which the provider then reads back; the volume's
    // ignoreChanges on labels is what keeps that difference from replacing it (tests/plan.test.ts).
    const labels = JSON.parse(
      docker(["volume", "inspect", "--format", "{{json .Labels}}", name]),
    ) as Record<string, string>;
    assert.strictEqual(labels["buildenv.expires-at"], "2026-12-01T00:00:00Z");
  });
});

describe("on a real Docker engine: the VCH's make-if-absent script (volumes/adopt.ts)", function () {
  this.timeout(120_000);
  const name = `buildenv-${STACK}-ensured`;
  const script = ensureVolumeScript({
    name,
    // The engine here has no vsphere driver; the script is the same but for these values.
    driver: "local",
    driverOpts: {},
    labels: [{ label: "buildenv.stack", value: STACK }],
  });
  const run = () =>
    execFileSync("/bin/bash", ["--norc", "--noprofile", "-c", script], {
      env: { PATH: process.env.PATH, BUILDENV_DOCKER_HOST: DOCKER_HOST },
      encoding: "utf8",
    });

  withEngine(name);

  it("creates the volume once, then finds it and leaves it and its data as they are", () => {
    assert.strictEqual(run(), `volume ${name} created\n`);
    docker([
      "run",
      "--rm",
      "-v",
      `${name}:/data`,
      BASE_IMAGE!,
      "sh",
      "-c",
      "echo kept > /data/proof",
    ]);
    // After pulumi destroy (the volume retained) the next up runs the script again.
    assert.strictEqual(run(), `volume ${name} exists: adopted with its data\n`);
    assert.strictEqual(
      docker(["run", "--rm", "-v", `${name}:/data`, BASE_IMAGE!, "cat", "/data/proof"]),
      "kept",
    );
    assert.deepStrictEqual(
      JSON.parse(docker(["volume", "inspect", "--format", "{{json .Labels}}", name])),
      { "buildenv.stack": STACK },
    );
  });

  it("fails, saying nothing secret, when the engine does not answer", () => {
    assert.throws(
      () =>
        execFileSync("/bin/bash", ["--norc", "--noprofile", "-c", script], {
          env: { PATH: process.env.PATH, BUILDENV_DOCKER_HOST: "unix:///nonexistent/docker.sock" },
          encoding: "utf8",
          stdio: ["pipe", "pipe", "pipe"],
        }),
      (error: { status: number }) => error.status !== 0,
    );
  });
});
