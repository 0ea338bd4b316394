/**
 * `output --push` and `output --from` against a real Docker engine and a real registry (Debian's
 * docker-registry, plain HTTP on a loopback address: BUILDENV_E2E_DOCKER_HOST, BUILDENV_E2E_IMAGE,
 * BUILDENV_E2E_REGISTRY, as `.ci/run` starts them): the output volume is archived, pushed under
 * the source's git tree id, fetched back byte-identical (compared by the system's cmp and
 * sha256sum), and the pushed reference is a real image: `docker pull` takes it, and `docker export`
 * of a container created from it holds the archive's files (listed by the system's tar). Pulumi
 * is the only stand-in. Skipped, with the reason printed, without those variables.
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { envMain } from "../../cli/workspace/env";
import { spawnRunner } from "../../cli/workspace/process";
import { output } from "../support/workspaceFakes";

const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;
const REGISTRY = process.env.BUILDENV_E2E_REGISTRY;
const ID = `bpush-${process.pid}-${crypto.randomBytes(3).toString("hex")}`;
const IMAGE = `${ID}:full`;
const VOLUME = `${ID}-output`;
const REPOSITORY = `${ID}/build-output`;

function docker(args: string[], input?: Buffer): Buffer {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    ...(input ? { input } : {}),
    stdio: ["pipe", "pipe", "pipe"],
    maxBuffer: 1 << 28,
  });
}

function system(command: string, args: string[], input?: Buffer): string {
  return execFileSync(command, args, { encoding: "utf8", ...(input ? { input } : {}) }).trim();
}

async function env(argv: string[]) {
  const out = output();
  // The stack is named after the prefix, so its helper containers carry it too.
  const code = await envMain([...argv, "--stack", ID], {
    run: (command, args, options) =>
      command === "pulumi"
        ? Promise.resolve({
            code: 0,
            stdout: JSON.stringify({
              dockerHost: DOCKER_HOST,
              volumes: { output: VOLUME },
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
              outputRepository: { server: REGISTRY, repository: REPOSITORY },
            }),
            stderr: "",
          })
        : spawnRunner(command, args, options),
    env: process.env,
    projectDir: os.tmpdir(),
    out,
    isExecutable: (file) => path.basename(file) === "pulumi" || fs.existsSync(file),
  });
  return { code, out: out.out(), err: out.err() };
}

describe("output --push / --from on a real registry", function () {
  this.timeout(180_000);
  let work: string;
  let source: string;

  before(function () {
    if (!DOCKER_HOST || !BASE_IMAGE || !REGISTRY) {
      console.log(
        "skipping: BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE / BUILDENV_E2E_REGISTRY not set (.ci/run starts an engine and a registry)",
      );
      this.skip();
    }
    docker(["run", "--name", `${ID}-img`, BASE_IMAGE, "busybox", "--install", "-s", "/bin"]);
    docker(["commit", `${ID}-img`, IMAGE]);
    docker(["rm", `${ID}-img`]);
    docker(["volume", "create", VOLUME]);
    docker([
      "run",
      "--rm",
      "-v",
      `${VOLUME}:/o`,
      IMAGE,
      "sh",
      "-c",
      "echo built > /o/app.bin && mkdir -p /o/lib/deep && echo lib > '/o/lib/deep/a file.so' && head -c 2000000 /dev/urandom > /o/big.dat",
    ]);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-push-"));
    source = path.join(work, "src");
    fs.mkdirSync(source);
    fs.writeFileSync(path.join(source, "main.c"), `int main; /* ${ID} */\n`);
    system("git", ["-C", source, "init", "-q"]);
    system("git", ["-C", source, "add", "-A"]);
    system("git", [
      "-C",
      source,
      "-c",
      "user.name=e2e",
      "-c",
      "user.email=e2e@example.com",
      "commit",
      "-qm",
      "e2e",
    ]);
  });

  after(function () {
    if (!DOCKER_HOST || !BASE_IMAGE || !REGISTRY) return;
    for (const args of [
      ["rm", "-f", `${ID}-img`, `${ID}-export`],
      ["volume", "rm", "-f", VOLUME],
      ["rmi", "-f", IMAGE],
    ]) {
      try {
        docker(args);
      } catch {
        // not there
      }
    }
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("pushes under the tree id, fetches back byte-identical, and is a real image", async () => {
    const tree = system("git", ["-C", source, "rev-parse", "HEAD^{tree}"]);
    const reference = `${REGISTRY}/${REPOSITORY}:${tree}`;
    const archive = path.join(work, "out.tar.gz");
    const pushed = await env(["output", "--push", "--source", source, "--to", archive]);
    assert.equal(pushed.code, 0, pushed.err);
    assert.equal(pushed.out, `${reference}\n`);
    assert.match(pushed.err, new RegExp(`env: pushed ${archive} \\(.*\\) as ${reference}@sha256:`));

    const back = path.join(work, "back.tar.gz");
    const fetched = await env(["output", "--from", reference, "--to", back]);
    assert.equal(fetched.code, 0, fetched.err);
    system("cmp", [archive, back]);
    assert.equal(
      system("sha256sum", [back]).split(" ")[0],
      system("sha256sum", [archive]).split(" ")[0],
    );
    // A bare tag names the stack's own output repository.
    const bare = await env(["output", "--from", tree, "--to", path.join(work, "bare.tar.gz")]);
    assert.equal(bare.code, 0, bare.err);
    system("cmp", [archive, path.join(work, "bare.tar.gz")]);

    // Pushing the same archive again moves nothing.
    const again = await env(["output", "--push", "--source", source, "--to", archive]);
    assert.equal(again.code, 0, again.err);
    assert.match(again.err, /already holds this archive/);

    docker(["pull", "-q", reference]);
    try {
      docker(["create", "--name", `${ID}-export`, reference, "/none"]);
      const exported = docker(["export", `${ID}-export`]);
      const files = system("tar", ["-tf", "-"], exported).split("\n");
      const archived = system("tar", ["-tzf", archive])
        .split("\n")
        .map((f) => f.replace(/^\.\//, ""))
        .filter((f) => f !== "" && f !== ".");
      assert.ok(archived.includes("lib/deep/a file.so"), archived.join(", "));
      for (const file of archived) {
        assert.ok(files.includes(file), `${file} in the image (${files.join(", ")})`);
      }
    } finally {
      docker(["rm", "-f", `${ID}-export`]);
      docker(["rmi", "-f", reference]);
    }
  });
});
