/**
 * The build image's real data path, against a real Docker engine and a real registry (`.ci/run`
 * starts both: BUILDENV_E2E_DOCKER_HOST, BUILDENV_E2E_IMAGE, BUILDENV_E2E_REGISTRY): the program
 * finds the content tag missing and declares the build; the build runs exactly as declared (staged
 * context, Dockerfile, platform, tag) and is pushed; the program, run again, finds the tag and
 * builds nothing; the engine pulls it by the digest the program pins; the build command runs in
 * it with the declared volumes mounted. Skipped, with the reason printed, without those engines.
 * Docker-build itself needs the Pulumi engine, so the docker CLI runs what it was given.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadConfig } from "../components/config/load";
import { findImageDigest } from "../components/image/registryLookup";
import { BuildEnvironmentOutputs, resolveAndBuildEnvironment } from "../program";
import { mocks, setConfig, setMode, settle, unwrap } from "./support/harness";

const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;
const REGISTRY = process.env.BUILDENV_E2E_REGISTRY;
const STACK = "e2e-registry";
const REPOSITORY = "buildenv-e2e/build";
const VOLUMES = [`buildenv-${STACK}-output`, `buildenv-${STACK}-source`];

function docker(args: string[]): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  }).trim();
}

/** A project with a small build image from the busybox base; the nonce makes its tag new. */
function writeProject(root: string, nonce: string): void {
  const dir = path.join(root, "images/build");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Dockerfile"),
    `FROM ${BASE_IMAGE}\nCOPY hello.txt /etc/buildenv-hello.txt\nCOPY tool.sh /bin/buildenv-tool\n`,
  );
  fs.writeFileSync(path.join(dir, "hello.txt"), `hello from the build image ${nonce}\n`);
  fs.writeFileSync(path.join(dir, "tool.sh"), '#!/bin/sh\necho built by the tool > "$1"\n');
  fs.chmodSync(path.join(dir, "tool.sh"), 0o755);
  // Not an input of the image, so not in its build context.
  fs.writeFileSync(path.join(dir, "notes.txt~"), "editor backup\n");
}

describe("the build image through a real registry", function () {
  this.timeout(300_000);
  let root = "";
  const pulled: string[] = [];

  /** Runs the program as index.ts does, the registry asked for real. */
  async function runProgram(): Promise<BuildEnvironmentOutputs> {
    mocks.reset();
    // The docker provider reports the reference it pulled (a digest reference stays as it is).
    mocks.stubResourceOutputs("docker:index/remoteImage:RemoteImage", (args) => ({
      repoDigest: args.inputs.name,
    }));
    await setMode("update", STACK);
    setConfig({
      "buildenv:host": { kind: "local", dockerHost: DOCKER_HOST },
      "buildenv:registry": { server: REGISTRY, repository: REPOSITORY },
      // Only the image's own files: the editor backup stays out of the manifest and the context.
      "buildenv:buildImage": {
        inputs: ["images/build/Dockerfile", "images/build/hello.txt", "images/build/tool.sh"],
      },
    });
    // The engine runs the program in the project directory, which config paths are checked in.
    const cwd = process.cwd();
    process.chdir(root);
    let config;
    try {
      config = loadConfig();
    } finally {
      process.chdir(cwd);
    }
    const outputs = await resolveAndBuildEnvironment(config, { root });
    await settle();
    return outputs;
  }

  before(function () {
    if (!DOCKER_HOST || !BASE_IMAGE || !REGISTRY) {
      console.log(
        "skipping: BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE / BUILDENV_E2E_REGISTRY not set (.ci/run starts an engine and a registry)",
      );
      this.skip();
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-registry-"));
    writeProject(root, crypto.randomBytes(8).toString("hex"));
    cleanUp();
  });

  after(function () {
    if (DOCKER_HOST && BASE_IMAGE && REGISTRY) {
      cleanUp();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  function cleanUp(): void {
    for (const volume of VOLUMES) {
      try {
        docker(["volume", "rm", "-f", volume]);
      } catch {
        // not there
      }
    }
    for (const image of pulled) {
      try {
        docker(["rmi", "-f", image]);
      } catch {
        // not there
      }
    }
  }

  it("builds and pushes a tag the registry lacks, then builds nothing and pulls it by digest", async () => {
    // First run: the tag is new, so the program declares the build.
    const first = await runProgram();
    const tagged = `${REGISTRY}/${REPOSITORY}:${first.buildImageTag}`;
    assert.strictEqual(
      await findImageDigest(REGISTRY!, REPOSITORY, first.buildImageTag),
      undefined,
    );
    const build = mocks.one("docker-build:index:Image").inputs as {
      tags: string[];
      context: { location: string };
      dockerfile: { location: string };
      platforms: string[];
      push: boolean;
    };
    assert.deepStrictEqual(build.tags, [tagged]);
    assert.deepStrictEqual(build.platforms, ["linux/amd64"]);
    assert.strictEqual(build.push, true);
    // The context holds the image's inputs and nothing else.
    assert.deepStrictEqual(fs.readdirSync(path.join(root, build.context.location)).sort(), [
      "Dockerfile",
      "hello.txt",
      "tool.sh",
    ]);

    // What docker-build does with those inputs: build from the staged context, and push.
    docker([
      "build",
      "--platform",
      build.platforms[0],
      "-f",
      path.join(root, build.dockerfile.location),
      "-t",
      tagged,
      path.join(root, build.context.location),
    ]);
    pulled.push(tagged);
    const pushed = /digest: (sha256:[0-9a-f]{64})/.exec(docker(["push", tagged]))?.[1];
    assert.ok(pushed, "docker push printed no digest");

    // Second run: the registry holds the tag, so nothing is built; the host pulls that digest.
    const second = await runProgram();
    assert.strictEqual(second.buildImageTag, first.buildImageTag);
    assert.deepStrictEqual(mocks.ofType("docker-build:index:Image"), []);
    const byDigest = `${REGISTRY}/${REPOSITORY}@${pushed}`;
    assert.deepStrictEqual(mocks.one("docker:index/remoteImage:RemoteImage").inputs, {
      name: byDigest,
      keepLocally: true,
    });

    // The engine pulls it by that digest (the local copy removed first, so it really pulls).
    docker(["rmi", tagged]);
    docker(["pull", byDigest]);
    pulled.push(byDigest);
    assert.deepStrictEqual(
      JSON.parse(docker(["image", "inspect", "--format", "{{json .RepoDigests}}", byDigest])),
      [byDigest],
    );

    // The build command runs in the pulled image with the declared volumes mounted.
    for (const volume of mocks.ofType("docker:index/volume:Volume")) {
      docker(["volume", "create", String(volume.inputs.name)]);
    }
    const buildCommand = await unwrap(second.buildCommand);
    assert.ok(buildCommand.endsWith(` -w /workspace/source ${byDigest}`), buildCommand);
    const out = execFileSync(
      "sh",
      [
        "-c",
        `${buildCommand} sh -c 'buildenv-tool /workspace/output/result && pwd && cat /etc/buildenv-hello.txt'`,
      ],
      { env: { ...process.env, DOCKER_HOST }, encoding: "utf8" },
    )
      .trim()
      .split("\n");
    assert.strictEqual(out[0], "/workspace/source");
    assert.match(out[1], /^hello from the build image [0-9a-f]{16}$/);
    assert.strictEqual(
      docker(["run", "--rm", "-v", `${VOLUMES[0]}:/out`, byDigest, "cat", "/out/result"]),
      "built by the tool",
    );
  });
});
