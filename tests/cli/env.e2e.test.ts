/**
 * `npm run env` against a real Docker engine: sync a fixture tree into the source volume, run a
 * command that writes into the output volume and fails with a chosen exit code, fetch the output
 * volume as an archive and compare it, and status from a stack-output fixture. Pulumi is the only
 * stand-in (it answers `stack output` with the fixture); every docker call is real. Runs when
 * BUILDENV_E2E_DOCKER_HOST names an engine and BUILDENV_E2E_IMAGE a busybox image (`.ci/run`
 * starts both); skipped otherwise, with the reason printed.
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { envMain } from "../../cli/workspace/env";
import { spawnRunner } from "../../cli/workspace/process";
import { output } from "../support/workspaceFakes";
import { makeFullBusyboxImage, skipWithoutEngine } from "../support/e2eEngine";

const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;
const ID = `devcli-${process.pid}`;
/** The base image with every busybox applet linked, like a real build image's coreutils. */
const IMAGE = `buildenv-e2e-${ID}:full`;
const SOURCE = `buildenv-e2e-${ID}-source`;
const OUTPUT = `buildenv-e2e-${ID}-output`;

function docker(args: string[]): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** Every path in a volume and the text of its regular files, read by a container. */
function volumeContents(volume: string): string {
  return docker([
    "run",
    "--rm",
    "-v",
    `${volume}:/v`,
    "-w",
    "/v",
    IMAGE,
    "sh",
    "-c",
    // The sync records (.buildenv-sync) are tested in sync.e2e.test.ts.
    'find . -path ./.buildenv-sync -prune -o -print | sort; find . -path ./.buildenv-sync -prune -o -type f -print | sort | while IFS= read -r f; do echo "== $f"; cat "$f"; done',
  ]);
}

function fixtureOutputs(volumes: Record<string, string>) {
  return {
    dockerHost: DOCKER_HOST,
    volumes,
    buildImage: IMAGE,
    buildImageTag: "e2e",
    computeClass: {
      memoryMB: 256,
      memoryReservationMB: 0,
      cpuMHz: 1000,
      cpuReservationMHz: 0,
      shares: "low",
    },
    expiresAt: "2026-12-01T00:00:00Z",
  };
}

/** envMain with the real runner for docker and the fixture for `pulumi stack output`. */
async function env(argv: string[], volumes = { source: SOURCE, output: OUTPUT }) {
  const out = output();
  const code = await envMain(argv, {
    run: (command, args, options) =>
      command === "pulumi"
        ? Promise.resolve(
            args[1] === "output"
              ? { code: 0, stdout: JSON.stringify(fixtureOutputs(volumes)), stderr: "" }
              : { code: 255, stdout: "", stderr: "error: no stack selected" },
          )
        : spawnRunner(command, args, {
            ...options,
            stdout: options.stdout === "inherit" ? "capture" : options.stdout,
          }),
    env: {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    },
    projectDir: os.tmpdir(),
    out,
    isExecutable: (file) => path.basename(file) === "pulumi" || fs.existsSync(file),
    now: () => new Date("2026-11-30T00:00:00Z"),
  });
  return { code, out: out.out(), err: out.err() };
}

describe("npm run env on a real Docker engine", function () {
  this.timeout(180_000);
  let tree: string;
  let work: string;

  before(function () {
    skipWithoutEngine(this);
    cleanUp();
    makeFullBusyboxImage(docker, ID, BASE_IMAGE!, IMAGE);
    // Labelled as the program labels a kept volume (buildVolume.ts): its holder stays.
    docker(["volume", "create", "--label", "buildenv.keep=true", SOURCE]);
    docker(["volume", "create", OUTPUT]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-env-"));
    tree = path.join(work, "tree");
    fs.mkdirSync(path.join(tree, "src", "deep"), { recursive: true });
    fs.mkdirSync(path.join(tree, "build"));
    fs.writeFileSync(path.join(tree, "main.go"), "package main\n");
    fs.writeFileSync(path.join(tree, "src", "deep", "a file.txt"), "spaces survive\n");
    fs.writeFileSync(path.join(tree, "build", "stale-binary"), "not copied\n");
    fs.writeFileSync(path.join(tree, "debug.log"), "not copied\n");
    fs.writeFileSync(path.join(tree, ".dockerignore"), "build\n");
    fs.symlinkSync("main.go", path.join(tree, "link"));
  });

  after(function () {
    if (DOCKER_HOST && BASE_IMAGE) {
      cleanUp();
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  function cleanUp(): void {
    for (const args of [
      ["rm", "-f", `${ID}-img`, `${SOURCE}-sync`],
      ["volume", "rm", "-f", SOURCE, OUTPUT],
      ["rmi", "-f", IMAGE],
    ]) {
      try {
        docker(args);
      } catch {
        // not there
      }
    }
  }

  it("sync --clean makes the source volume's contents the tree, minus .dockerignore and --exclude", async () => {
    docker([
      "run",
      "--rm",
      "-v",
      `${SOURCE}:/v`,
      IMAGE,
      "sh",
      "-c",
      "echo old > /v/stale; mkdir /v/.old-dir",
    ]);
    const result = await env(["sync", tree, "--exclude", "*.log", "--clean"]);
    assert.equal(result.code, 0, result.err);
    assert.equal(
      volumeContents(SOURCE),
      [
        ".",
        "./.dockerignore",
        "./link",
        "./main.go",
        "./src",
        "./src/deep",
        "./src/deep/a file.txt",
        "== ./.dockerignore",
        "build",
        "== ./main.go",
        "package main",
        "== ./src/deep/a file.txt",
        "spaces survive",
      ].join("\n"),
    );
    assert.equal(
      docker(["run", "--rm", "-v", `${SOURCE}:/v`, IMAGE, "readlink", "/v/link"]),
      "main.go",
    );
    assert.match(
      result.err,
      /env: synced buildenv-e2e-devcli-\d+-source: 4 files sent \(41 B\), 0 removed, 0 unchanged, in \d+\.\ds\n$/,
    );
    // One holder container per volume, kept for the next sync, never started.
    assert.equal(
      docker(["ps", "-a", "--filter", `name=${SOURCE}-sync`, "--format", "{{.Names}} {{.State}}"]),
      `${SOURCE}-sync created`,
    );
  });

  it("run: the command in the source volume writes into the output volume and exits with its code", async () => {
    const result = await env([
      "run",
      "--",
      "sh",
      "-c",
      "mkdir -p /workspace/output/bin && cp main.go /workspace/output/bin/copied.go && echo built > /workspace/output/result && exit 42",
    ]);
    assert.equal(result.code, 42, result.err);
    assert.equal(
      docker(["ps", "-a", "--filter", "name=buildenv-dev-run-", "--format", "{{.Names}}"]),
      "",
    );
  });

  it("output: the output volume as a gzipped tar archive with exactly its files", async () => {
    const archive = path.join(work, "out.tar.gz");
    const result = await env(["output", "--to", archive]);
    assert.equal(result.code, 0, result.err);
    // Read by the system's tar, not by the code under test.
    assert.deepEqual(
      execFileSync("tar", ["-tzf", archive], { encoding: "utf8" }).split("\n").sort(),
      ["", "./", "./bin/", "./bin/copied.go", "./result"],
    );
    const extracted = path.join(work, "extracted");
    fs.mkdirSync(extracted);
    execFileSync("tar", ["-xzf", archive, "-C", extracted]);
    assert.equal(
      fs.readFileSync(path.join(extracted, "bin", "copied.go"), "utf8"),
      "package main\n",
    );
    assert.equal(fs.readFileSync(path.join(extracted, "result"), "utf8"), "built\n");
    assert.deepEqual(fs.readdirSync(work).sort(), ["extracted", "out.tar.gz", "tree"]);
  });

  it("status: the fixture's outputs, the engine's version and the volumes it has", async () => {
    const version = docker(["version", "--format", "{{.Server.Version}}"]);
    const result = await env(["status"]);
    assert.equal(result.code, 0);
    assert.equal(
      result.out,
      [
        "stack:       dev",
        `host:        local engine ${DOCKER_HOST} (reachable, Docker ${version})`,
        `volumes:     output: ${OUTPUT} (present)`,
        `             source: ${SOURCE} (present)`,
        `build image: ${IMAGE}`,
        "image tag:   e2e",
        "compute:     256 MB memory (0 MB reserved), 1000 MHz CPU (0 MHz reserved), low shares (docker --cpu-shares 512)",
        "expires:     2026-12-01T00:00:00Z (1d 0h left)",
        "",
      ].join("\n"),
    );
    assert.equal(
      result.err,
      "env: warning: stack dev expires in 1d 0h; extend it with `npm run stack:extend -- dev` and commit the file\n",
    );
  });

  it("a missing volume is one line, and sync changes nothing", async () => {
    const before = volumeContents(SOURCE);
    const result = await env(["sync", tree], { source: `${SOURCE}-missing`, output: OUTPUT });
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      `env: volume ${SOURCE}-missing of stack dev does not exist on its engine; run \`npm run up -- --stack dev\` to create it\n`,
    );
    assert.equal(volumeContents(SOURCE), before);
  });
});
