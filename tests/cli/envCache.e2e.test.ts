/**
 * Caches on a real Docker engine: what one `run` writes into a cache the next `run` finds, with
 * the cache's variables set; `cache clear` empties the cache, dot-files too, and the volume stays.
 * Pulumi is the only stand-in (it answers `stack output` with a fixture); every docker call is
 * real. Runs when BUILDENV_E2E_DOCKER_HOST names an engine and BUILDENV_E2E_IMAGE a busybox image
 * (`.ci/run` starts both); skipped otherwise, with the reason printed. Every engine object's name
 * holds `bcache-<pid>`: the engine is shared.
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
const ID = `bcache-${process.pid}`;
/** The stack's name: the verbs name their containers `buildenv-<stack>-...`. */
const STACK = ID;
/** The base image with every busybox applet linked (the base has no rm), like a build image. */
const IMAGE = `buildenv-e2e-${ID}:full`;
const SOURCE = `${ID}-source`;
const OUTPUT = `${ID}-output`;
const CACHE = `${ID}-cache-go`;
const CACHE_PATH = "/root/bcache";

function docker(args: string[]): string {
  return execFileSync("docker", args, {
    env: { ...process.env, DOCKER_HOST },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

const OUTPUTS = {
  dockerHost: DOCKER_HOST,
  volumes: { source: SOURCE, output: OUTPUT },
  caches: {
    go: {
      volume: CACHE,
      path: CACHE_PATH,
      env: { BCACHE_DIR: CACHE_PATH, BCACHE_NOTE: "it's $(not run)" },
    },
  },
  buildImage: IMAGE,
  buildImageTag: "e2e",
  computeClass: {
    memoryMB: 256,
    memoryReservationMB: 0,
    cpuMHz: 1000,
    cpuReservationMHz: 0,
    shares: "low",
  },
  expiresAt: "never",
};

/** envMain with the real runner for docker and the fixture for `pulumi stack output`. */
async function env(argv: string[]) {
  const out = output();
  let commandOutput = "";
  // `--stack` right after the verb: after `run`'s `--` everything is the command.
  const code = await envMain([argv[0], "--stack", STACK, ...argv.slice(1)], {
    run: (command, args, options) =>
      command === "pulumi"
        ? Promise.resolve({ code: 0, stdout: JSON.stringify(OUTPUTS), stderr: "" })
        : spawnRunner(command, args, {
            ...options,
            stdout:
              options.stdout === "inherit"
                ? (chunk) => (commandOutput += chunk.toString("utf8"))
                : options.stdout,
          }),
    env: {
      ...process.env,
      PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
    },
    projectDir: os.tmpdir(),
    out,
    isExecutable: (file) => path.basename(file) === "pulumi" || fs.existsSync(file),
  });
  return { code, out: out.out(), err: out.err(), commandOutput };
}

/** Every name in the cache volume (dot-files too), read by a container of its own. */
function cacheEntries(): string {
  return docker(["run", "--rm", "-v", `${CACHE}:/v`, IMAGE, "ls", "-A", "/v"]);
}

describe("caches on a real Docker engine", function () {
  this.timeout(180_000);

  before(function () {
    skipWithoutEngine(this);
    cleanUp();
    makeFullBusyboxImage(docker, ID, BASE_IMAGE!, IMAGE);
    for (const volume of [SOURCE, OUTPUT, CACHE]) docker(["volume", "create", volume]);
  });

  after(function () {
    if (DOCKER_HOST && BASE_IMAGE) cleanUp();
  });

  function cleanUp(): void {
    for (const args of [
      ["rm", "-f", `${ID}-img`],
      ["volume", "rm", "-f", SOURCE, OUTPUT, CACHE],
      ["rmi", "-f", IMAGE],
    ]) {
      try {
        docker(args);
      } catch {
        // not there
      }
    }
  }

  it("a file one run writes into the cache is there for the next run, with the variables set", async () => {
    const first = await env([
      "run",
      "--",
      "sh",
      "-c",
      'echo first > "$BCACHE_DIR/marker" && mkdir "$BCACHE_DIR/.hidden" && echo h > "$BCACHE_DIR/.hidden/x" && echo d > "$BCACHE_DIR/..dots"',
    ]);
    assert.equal(first.code, 0, first.err);
    const second = await env([
      "run",
      "--",
      "sh",
      "-c",
      `cat ${CACHE_PATH}/marker; echo "$BCACHE_DIR"; echo "$BCACHE_NOTE"; pwd`,
    ]);
    assert.equal(second.code, 0, second.err);
    assert.equal(
      second.commandOutput,
      `first\n${CACHE_PATH}\nit's $(not run)\n/workspace/source\n`,
    );
    // Written through the volume, not the container: a container of its own reads it.
    assert.equal(cacheEntries(), "..dots\n.hidden\nmarker");
  });

  it("status lists the cache and finds its volume", async () => {
    const result = await env(["status"]);
    assert.equal(result.code, 0, result.err);
    assert.ok(
      result.out.includes(
        `caches:      go: ${CACHE} at ${CACHE_PATH} with BCACHE_DIR=${CACHE_PATH} BCACHE_NOTE=it's $(not run) (present)\n`,
      ),
      result.out,
    );
  });

  it("cache clear empties the cache, dot-files too; the volume stays and the next run finds nothing", async () => {
    const result = await env(["cache", "clear", "go"]);
    assert.equal(result.code, 0, result.err);
    assert.equal(result.err, `env: emptied cache go (${CACHE}); the volume stays\n`);
    assert.equal(docker(["volume", "inspect", "--format", "{{.Name}}", CACHE]), CACHE);
    assert.equal(cacheEntries(), "");
    const after = await env([
      "run",
      "--",
      "sh",
      "-c",
      `ls -A ${CACHE_PATH}; test ! -e ${CACHE_PATH}/marker`,
    ]);
    assert.equal(after.code, 0, after.err);
    assert.equal(after.commandOutput, "");
    // No helper container is left behind.
    assert.equal(
      docker(["ps", "-a", "--filter", `name=buildenv-${STACK}-`, "--format", "{{.Names}}"]),
      "",
    );
  });

  it("cache clear of an unknown cache names the stack's caches, exit 2, and touches nothing", async () => {
    docker(["run", "--rm", "-v", `${CACHE}:/v`, IMAGE, "sh", "-c", "echo kept > /v/kept"]);
    const result = await env(["cache", "clear", "npm"]);
    assert.equal(result.code, 2);
    assert.equal(
      result.err,
      `env: cache clear: stack ${STACK} has no cache "npm" (buildenv:caches.npm); its caches: go\n`,
    );
    assert.equal(cacheEntries(), "kept");
  });
});
