/**
 * Against a real Docker engine: the volumes exactly as the program declares them, the exported
 * build command, and the way the example consumer workflow moves source in and output out of
 * volumes without host bind mounts (as on a VCH). Runs when BUILDENV_E2E_DOCKER_HOST names an
 * engine and BUILDENV_E2E_IMAGE an image with a POSIX shell (`.ci/run` starts one); skipped
 * otherwise, with the reason printed.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { mocks } from "./support/harness";
import { runStack } from "./support/stack";

const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;
const STACK = "e2e";

function docker(args: string[], input?: string): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    input,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

/** `docker volume create` with exactly the inputs the program gave the Docker provider. */
function createVolume(inputs: Record<string, unknown>): void {
  const labels = (inputs.labels as { label: string; value: string }[]).flatMap((l) => [
    "--label",
    `${l.label}=${l.value}`,
  ]);
  const options = Object.entries(
    (inputs.driverOpts as Record<string, string> | undefined) ?? {},
  ).flatMap(([k, v]) => ["--opt", `${k}=${v}`]);
  docker([
    "volume",
    "create",
    "--driver",
    String(inputs.driver),
    ...labels,
    ...options,
    String(inputs.name),
  ]);
}

describe("on a real Docker engine", function () {
  this.timeout(120_000);
  let volumes: Record<string, unknown>[] = [];
  let buildCommand = "";
  let image = "";

  before(async function () {
    if (!DOCKER_HOST || !BASE_IMAGE) {
      console.log(
        "skipping: BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE not set (.ci/run starts an engine)",
      );
      this.skip();
    }
    // A `before` hook runs ahead of the root beforeEach that clears the recordings.
    mocks.reset();
    const { outputs } = await runStack(
      { "buildenv:host": { kind: "local", dockerHost: DOCKER_HOST } },
      { stack: STACK },
    );
    volumes = mocks.ofType("docker:index/volume:Volume").map((v) => v.inputs);
    buildCommand = await new Promise<string>((resolve) => outputs.buildCommand.apply(resolve));
    image = await new Promise<string>((resolve) => outputs.buildImage.apply(resolve));
    cleanUp();
    // Stands in for the image docker-build would have loaded under its content tag.
    docker(["tag", BASE_IMAGE, image]);
    for (const volume of volumes) createVolume(volume);
  });

  after(function () {
    if (DOCKER_HOST && BASE_IMAGE) cleanUp();
  });

  function cleanUp(): void {
    for (const name of ["buildenv-e2e-copy"]) {
      try {
        docker(["rm", "-f", name]);
      } catch {
        // not there
      }
    }
    for (const volume of volumes) {
      try {
        docker(["volume", "rm", "-f", String(volume.name)]);
      } catch {
        // not there
      }
    }
  }

  it("creates the declared volumes with their labels", () => {
    const inspected = JSON.parse(
      docker(["volume", "inspect", "buildenv-e2e-source", "buildenv-e2e-output"]),
    ) as {
      Name: string;
      Driver: string;
      Labels: Record<string, string>;
    }[];
    assert.deepStrictEqual(
      inspected.map((v) => [
        v.Name,
        v.Driver,
        v.Labels["buildenv.stack"],
        v.Labels["buildenv.owner"],
        v.Labels["buildenv.keep"],
      ]),
      [
        ["buildenv-e2e-source", "local", "e2e", "e2e", "true"],
        ["buildenv-e2e-output", "local", "e2e", "e2e", "false"],
      ],
    );
  });

  it("runs a command with the build command line: limits, working directory, volumes", () => {
    const script =
      "pwd; cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; " +
      "cat /sys/fs/cgroup/cpu.weight 2>/dev/null || cat /sys/fs/cgroup/cpu/cpu.shares; echo built > /workspace/output/result";
    const out = execFileSync("sh", ["-c", `${buildCommand} sh -c '${script}'`], {
      env: { ...process.env, DOCKER_HOST },
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    assert.strictEqual(out[0], "/workspace/source");
    assert.strictEqual(out[1], String(8192 * 1024 * 1024));
    // cgroup v1 reports the shares as given; v2 maps 1024 shares to weight 39.
    assert.ok(["1024", "39"].includes(out[2]), out[2]);
    assert.strictEqual(
      docker(["run", "--rm", "-v", "buildenv-e2e-output:/out", image, "cat", "/out/result"]),
      "built",
    );
  });

  it("moves a checkout in and the output out with docker cp, as the example workflow does", () => {
    const checkout = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-src-"));
    const back = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-out-"));
    try {
      fs.mkdirSync(path.join(checkout, "pkg"));
      fs.writeFileSync(path.join(checkout, "pkg", "main.txt"), "hello from the checkout\n");
      docker([
        "create",
        "--name",
        "buildenv-e2e-copy",
        "-v",
        "buildenv-e2e-source:/workspace/source",
        "-v",
        "buildenv-e2e-output:/workspace/output",
        image,
        "true",
      ]);
      docker(["cp", `${checkout}/.`, "buildenv-e2e-copy:/workspace/source"]);
      execFileSync(
        "sh",
        ["-c", `${buildCommand} sh -c 'wc -c < pkg/main.txt > /workspace/output/size'`],
        {
          env: { ...process.env, DOCKER_HOST },
        },
      );
      docker(["cp", "buildenv-e2e-copy:/workspace/output/.", back]);
      assert.strictEqual(fs.readFileSync(path.join(back, "size"), "utf8").trim(), "24");
    } finally {
      fs.rmSync(checkout, { recursive: true, force: true });
      fs.rmSync(back, { recursive: true, force: true });
    }
  });
});
