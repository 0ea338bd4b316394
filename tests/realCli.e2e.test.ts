/**
 * The newcomer's commands with the real Pulumi CLI and its Node.js language host (built from Go
 * modules by `.ci/pulumi/build`), on a real Docker engine. What runs for real: `npm run up` on a
 * fresh clone (the local backend, passphrase and stack created, the tracked stack file untouched,
 * the TypeScript program run by the language host) as far as the first provider the Go module
 * proxy cannot serve, the CLI's own refusal of a stack file of the wrong type, and the program's
 * config errors as the engine shows them. The rest of the flow (a second `up`, a preview from a
 * second checkout, `stack:extend`, `down` and the adoption of the kept volume) runs only where
 * `pulumi-resource-docker` is in the binaries' directory too, which it is not here (README.md,
 * "The real Pulumi CLI"). Runs when BUILDENV_E2E_PULUMI_BIN names the binaries' directory and
 * BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE an engine and a base image (`.ci/run` provides all
 * three); skipped otherwise, with the reason printed.
 */
import * as assert from "assert/strict";
import { SpawnSyncReturns, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "./support/stack";

const BIN = process.env.BUILDENV_E2E_PULUMI_BIN;
const DOCKER_HOST = process.env.BUILDENV_E2E_DOCKER_HOST;
const BASE_IMAGE = process.env.BUILDENV_E2E_IMAGE;
const SOURCE = "buildenv-dev-source";
const OUTPUT = "buildenv-dev-output";
/** The CLI is built at the release of the SDK the program is tested with (.ci/pulumi/build). */
const SDK_VERSION = (
  JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  }
).dependencies["@pulumi/pulumi"];
const DOCKER_PLUGIN = !!BIN && fs.existsSync(path.join(BIN, "pulumi-resource-docker"));

interface Run {
  status: number | null;
  out: string;
}

describe("the real Pulumi CLI", function () {
  this.timeout(20 * 60_000);
  let root = "";
  let first = "";
  let second = "";
  let env: NodeJS.ProcessEnv = {};

  function run(cwd: string, command: string, args: string[], extra: NodeJS.ProcessEnv = {}): Run {
    const result: SpawnSyncReturns<string> = spawnSync(command, args, {
      cwd,
      env: { ...env, ...extra },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 10 * 60_000,
    });
    return { status: result.status, out: `${result.stdout}${result.stderr}` };
  }

  function ok(cwd: string, command: string, args: string[], extra: NodeJS.ProcessEnv = {}): string {
    const result = run(cwd, command, args, extra);
    assert.equal(result.status, 0, `${command} ${args.join(" ")} in ${cwd}:\n${result.out}`);
    return result.out;
  }

  const docker = (...args: string[]) => ok(root, "docker", args).trim();
  const npm = (cwd: string, ...args: string[]) => ok(cwd, "npm", ["run", "--silent", ...args]);

  /** What `npm run up` hands Pulumi for the first checkout's own backend (cli/workspace/pulumi.ts). */
  function backendOf(checkout: string): NodeJS.ProcessEnv {
    return {
      PULUMI_BACKEND_URL: `file://${path.join(checkout, ".buildenv", "state")}`,
      PULUMI_CONFIG_PASSPHRASE_FILE: path.join(checkout, ".buildenv", "passphrase"),
      PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
    };
  }

  /** Resource types in the first checkout's `dev` state, with their counts. */
  function stateCounts(): Record<string, number> {
    const exported = JSON.parse(
      ok(first, "pulumi", ["stack", "export", "--stack", "dev"], backendOf(first)),
    ) as { deployment: { resources?: { type: string }[] } };
    const counts: Record<string, number> = {};
    for (const r of exported.deployment.resources ?? []) counts[r.type] = (counts[r.type] ?? 0) + 1;
    return counts;
  }

  /** A checkout of this commit whose build image starts from the local base image. */
  function checkout(dir: string, from: string, umask: string): void {
    ok(os.tmpdir(), "sh", ["-c", `umask ${umask} && git clone -q "$0" "$1"`, from, dir]);
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
  }

  before(function () {
    if (!BIN || !DOCKER_HOST || !BASE_IMAGE) {
      console.log(
        "skipping: BUILDENV_E2E_PULUMI_BIN / BUILDENV_E2E_DOCKER_HOST / BUILDENV_E2E_IMAGE not set (.ci/run builds the CLI and starts an engine)",
      );
      this.skip();
    }
    root = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-real-cli-"));
    env = {
      ...process.env,
      PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`,
      DOCKER_HOST,
      PULUMI_HOME: path.join(root, "pulumi-home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_BACKEND_URL: undefined,
      PULUMI_CONFIG_PASSPHRASE: undefined,
      PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
      BUILDENV_E2E_PULUMI_BIN: undefined,
    };
    for (const volume of [SOURCE, OUTPUT]) run(root, "docker", ["volume", "rm", "-f", volume]);
    // The shipped build image starts from golang:…, which no registry here can serve, and names a
    // Dockerfile frontend image (`# syntax=`) BuildKit would pull: this checkout's commit starts
    // from the engine's local base image instead, and is what both checkouts build.
    first = path.join(root, "first");
    checkout(first, REPO_ROOT, "022");
    fs.writeFileSync(
      path.join(first, "images", "build", "Dockerfile"),
      `FROM ${BASE_IMAGE}\nCOPY requirements.txt /usr/local/share/buildenv/requirements.txt\n`,
    );
    const git = ["-c", "user.name=e2e", "-c", "user.email=e2e@example.com"];
    ok(first, "git", [...git, "commit", "-q", "-am", "e2e: build image from the local base"]);
  });

  after(function () {
    if (!root) return;
    for (const volume of [SOURCE, OUTPUT]) run(root, "docker", ["volume", "rm", "-f", volume]);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("runs the CLI built at the SDK's release, with its language host", () => {
    assert.equal(ok(root, "pulumi", ["version"]).trim(), `v${SDK_VERSION}`);
    console.log(
      `      real Pulumi CLI v${SDK_VERSION}; plugins: ${fs
        .readdirSync(BIN!)
        .filter((f) => /^pulumi-[a-z-]+$/.test(f))
        .join(", ")}`,
    );
  });

  it("npm run up on a fresh clone: backend, passphrase and stack made, the program run, the tracked file untouched", () => {
    const tracked = fs.readFileSync(path.join(first, "Pulumi.dev.yaml"));
    const result = run(first, "npm", ["run", "--silent", "up", "--", "--yes"]);
    if (!DOCKER_PLUGIN) {
      // The program declared its components, and the engine stopped at the docker provider,
      // which no binary here provides (sdk/go/common/workspace/plugins.go:190 at v3.248.0).
      assert.notEqual(result.status, 0, result.out);
      for (const line of [
        "Created stack 'dev'",
        " +  pulumi:pulumi:Stack buildenv-dev create",
        " +  buildenv:host:ContainerHost buildenv-dev create",
        " +  buildenv:storage:BuildVolume buildenv-dev-source create",
        " +  buildenv:storage:BuildVolume buildenv-dev-output create",
        " +  buildenv:image:BuildImage buildenv-dev-image create",
        "    error: no resource plugin 'pulumi-resource-docker' found in the workspace at version v5.2.0 or on your $PATH",
      ]) {
        assert.ok(result.out.includes(line), `${line}\nnot in:\n${result.out}`);
      }
    } else {
      assert.equal(result.status, 0, result.out);
      assert.deepEqual(stateCounts(), {
        "pulumi:pulumi:Stack": 1,
        "buildenv:host:ContainerHost": 1,
        "buildenv:storage:BuildVolume": 2,
        "buildenv:image:BuildImage": 1,
        "pulumi:providers:docker": 1,
        "pulumi:providers:docker-build": 1,
        "docker:index/volume:Volume": 2,
        "docker-build:index:Image": 1,
      });
    }
    // The stack file Pulumi wrote the new salt into is the copy in .buildenv/, not the tracked one.
    assert.deepEqual(fs.readFileSync(path.join(first, "Pulumi.dev.yaml")), tracked);
    assert.equal(ok(first, "git", ["status", "--porcelain", "--", ".", ":!node_modules"]), "");
    const copy = fs.readFileSync(
      path.join(first, ".buildenv", "stacks", "Pulumi.dev.yaml"),
      "utf8",
    );
    assert.match(copy, /^encryptionsalt: v1:[A-Za-z0-9+/=]+:v1:[A-Za-z0-9+/=:]+$/m);
    assert.equal(copy.replace(/^encryptionsalt: .*\n/m, ""), tracked.toString("utf8"));
    assert.equal(fs.statSync(path.join(first, ".buildenv", "passphrase")).mode & 0o777, 0o600);
    const stacks = JSON.parse(ok(first, "pulumi", ["stack", "ls", "--json"], backendOf(first)));
    assert.deepEqual(
      (stacks as { name: string }[]).map((s) => s.name),
      ["dev"],
    );
  });

  it("refuses a stack file whose structured key has the wrong type, before the program runs", () => {
    fs.writeFileSync(
      path.join(first, "Pulumi.wrongtype.yaml"),
      "config:\n  buildenv:host: local\n",
    );
    const result = run(first, "npm", ["run", "--silent", "preview", "--", "--stack", "wrongtype"]);
    assert.notEqual(result.status, 0);
    // sdk/go/common/workspace/config.go:152 at v3.248.0, for Pulumi.yaml's `type: object`.
    assert.ok(
      result.out.includes(
        "error: validating stack config: Stack 'wrongtype' with configuration key 'buildenv:host' must be of type 'object'",
      ),
      result.out,
    );
  });

  it("shows the program's config errors as the README promises, without a stack trace", () => {
    fs.writeFileSync(
      path.join(first, "Pulumi.urgent.yaml"),
      "config:\n  buildenv:priority: urgent\n  buildenv:volumes:\n    source:\n      capacity: 2XB\n",
    );
    const result = run(first, "npm", ["run", "--silent", "preview", "--", "--stack", "urgent"]);
    assert.notEqual(result.status, 0);
    assert.ok(
      result.out.includes(
        [
          "    error: invalid buildenv stack config:",
          '      - buildenv:priority: "urgent" is not one of low, normal, high',
          '      - buildenv:volumes.source.capacity: "2XB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
        ].join("\n"),
      ),
      result.out,
    );
    assert.doesNotMatch(result.out, /^\s+at .+:\d+:\d+\)?$/m);
    // Refused while reading config: nothing but the stack itself was declared.
    assert.doesNotMatch(result.out, /buildenv:(host|storage|image):/);
  });

  describe("with the docker provider", () => {
    before(function () {
      if (!DOCKER_PLUGIN) {
        console.log(
          `skipping: no pulumi-resource-docker in ${BIN} (the Go module proxy serves no pulumi-docker provider module; README.md)`,
        );
        this.skip();
      }
    });

    it("a second npm run up on the same commit changes nothing", () => {
      const out = npm(first, "up", "--", "--yes");
      assert.match(out, /Resources:\s+\d+ unchanged\s*\n\s*\n/);
      npm(first, "preview", "--", "--expect-no-changes");
    });

    it("a preview from a second, group-writable checkout of the same commit changes nothing", () => {
      second = path.join(root, "second");
      checkout(second, first, "002");
      // The team-backend route of npm run preview: the first checkout's state and passphrase.
      ok(
        second,
        "npm",
        ["run", "--silent", "preview", "--", "--expect-no-changes"],
        backendOf(first),
      );
    });

    it("npm run stack:extend, then a preview that changes nothing", () => {
      npm(first, "stack:extend", "--", "dev", "--ttl", "7d");
      npm(first, "preview", "--", "--expect-no-changes");
    });

    it("npm run down keeps the kept volume with its data; the next up adopts it", () => {
      docker("run", "--rm", "-v", `${SOURCE}:/v`, BASE_IMAGE!, "sh", "-c", "echo kept > /v/marker");
      npm(first, "down", "--", "--yes");
      assert.deepEqual(docker("volume", "ls", "-q", "--filter", "name=buildenv-dev-"), SOURCE);
      npm(first, "up", "--", "--yes");
      assert.equal(
        docker("run", "--rm", "-v", `${SOURCE}:/v`, BASE_IMAGE!, "cat", "/v/marker"),
        "kept",
      );
      npm(first, "preview", "--", "--expect-no-changes");
    });
  });
});
