/**
 * `npm run env`: argument handling, the stack outputs it accepts, and the exact pulumi and docker
 * calls of every verb on both host kinds (recorded, nothing run).
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { DEFAULT_COMPUTE_CLASSES } from "../../components/compute/config";
import { WORKSPACE } from "../../program";
import { ENV_USAGE, parseEnvArgs } from "../../cli/workspace/args";
import { ignoreMatcher, selectFiles, tarStream } from "../../cli/workspace/archive";
import { MOUNT_ROOT, SWAP_SCRIPT, ABORT_SCRIPT } from "../../cli/workspace/docker";
import { envMain } from "../../cli/workspace/env";
import { parseStackOutputs } from "../../cli/workspace/outputs";
import { formatStatus } from "../../cli/workspace/status";
import { fillDisk, mountSmallTmpfs, unmountSmallTmpfs } from "../support/fullDisk";
import { Call, Responder, onPath, output, recorder } from "../support/workspaceFakes";
import { resolveAll, runStack } from "../support/stack";

const PROJECT = "/project";
const NORMAL = {
  memoryMB: 8192,
  memoryReservationMB: 2048,
  cpuMHz: 8000,
  cpuReservationMHz: 1000,
  shares: "normal",
};
const HIGH = {
  memoryMB: 32768,
  memoryReservationMB: 4096,
  cpuMHz: 16000,
  cpuReservationMHz: 4000,
  shares: "high",
};
const LOW = {
  memoryMB: 4096,
  memoryReservationMB: 0,
  cpuMHz: 4000,
  cpuReservationMHz: 0,
  shares: "low",
};

const LOCAL_OUTPUTS = {
  dockerHost: "unix:///var/run/docker.sock",
  volumes: { output: "buildenv-dev-output", source: "buildenv-dev-source" },
  buildImage: "buildenv-build:0123abcd",
  buildImageManifest: "100644 blob ...",
  buildImageTag: "0123abcd",
  computeClass: NORMAL,
  computeClasses: { low: LOW, normal: NORMAL, high: HIGH },
  expiresAt: "2026-12-01T00:00:00Z",
  buildCommand: "docker run --rm ...",
};

const VCH_OUTPUTS = {
  ...LOCAL_OUTPUTS,
  dockerHost: "tcp://10.0.0.5:2376",
  volumes: { output: "buildenv-alice-output", source: "buildenv-alice-source" },
  buildImage: "registry.example.com/team/build@sha256:" + "ab".repeat(32),
  tls: { caCert: "CA PEM\n", clientCert: "CERT PEM\n" },
  tlsClientKey: "KEY PEM\n",
};

/** The local backend's variables as `npm run env` hands them to pulumi. */
const PULUMI_ENV = {
  PULUMI_BACKEND_URL: "file:///project/.buildenv/state",
  PULUMI_CONFIG_PASSPHRASE_FILE: "/project/.buildenv/passphrase",
  PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER: "true",
};

/** Answers pulumi with `outputs` and docker with success, unless `docker` says otherwise. */
function responder(outputs: unknown, docker: Responder = () => ({})): Responder {
  return (command, args) => {
    if (command === "pulumi" && args[0] === "stack" && args[1] === "output") {
      return { stdout: JSON.stringify(outputs) };
    }
    if (command === "pulumi") return { code: 1, stderr: "error: no stack selected" };
    if (args[0] === "version") return { stdout: "28.2.2\n" };
    return docker(command, args);
  };
}

async function env(argv: string[], respond: Responder, extraEnv: Record<string, string> = {}) {
  const { run, calls } = recorder(respond);
  const out = output();
  const code = await envMain(argv, {
    run,
    env: { PATH: "/usr/bin", HOME: "/home/dev", ...extraEnv },
    projectDir: PROJECT,
    cwd: PROJECT,
    out,
    isExecutable: onPath("pulumi", "docker"),
    now: () => new Date("2026-11-29T12:00:00Z"),
    newId: () => "c0ffee00",
  });
  return { code, calls, out: out.out(), err: out.err() };
}

/** The docker calls only, as [argv] lists. */
function dockerArgs(calls: Call[]): string[][] {
  return calls.filter((c) => c.command === "docker").map((c) => c.args);
}

describe("npm run env", () => {
  describe("arguments", () => {
    it("parses every verb with its options", () => {
      assert.deepEqual(parseEnvArgs(["status"]), { verb: "status" });
      assert.deepEqual(parseEnvArgs(["status", "--stack", "alice"]), {
        verb: "status",
        stack: "alice",
      });
      assert.deepEqual(parseEnvArgs(["sync"]), { verb: "sync", dir: ".", exclude: [] });
      assert.deepEqual(parseEnvArgs(["sync", "../app", "--exclude", "*.log", "--exclude=tmp/"]), {
        verb: "sync",
        dir: "../app",
        exclude: ["*.log", "tmp/"],
      });
      assert.deepEqual(parseEnvArgs(["run", "--priority", "high", "--keep", "--", "make", "-j4"]), {
        verb: "run",
        priority: "high",
        keep: true,
        command: ["make", "-j4"],
      });
      assert.deepEqual(parseEnvArgs(["run", "go", "test", "--count=1"]), {
        verb: "run",
        keep: false,
        command: ["go", "test", "--count=1"],
      });
      assert.deepEqual(parseEnvArgs(["output", "--to", "out.tgz", "--stack=bob"]), {
        verb: "output",
        stack: "bob",
        to: "out.tgz",
      });
      assert.deepEqual(parseEnvArgs(["shell"]), { verb: "shell" });
      assert.deepEqual(parseEnvArgs(["--help"]), { verb: "help" });
      assert.deepEqual(parseEnvArgs(["run", "--help"]), { verb: "help" });
    });

    const bad: [string[], string][] = [
      [[], "no verb given"],
      [["deploy"], 'unknown verb "deploy"; one of status, sync, run, output, shell'],
      [["run"], "run: no command given; e.g. npm run env -- run -- make"],
      [
        ["run", "--priority", "urgent", "--", "make"],
        'run: --priority "urgent" is not one of low, normal, high',
      ],
      [["status", "--to", "x"], "status: unknown option --to"],
      [["sync", "a", "b"], 'sync: unexpected argument "b"'],
      [["output", "--to"], "output: --to needs a value"],
      [["shell", "--", "bash"], "shell: takes no command after --"],
    ];
    for (const [argv, message] of bad) {
      it(`refuses ${JSON.stringify(argv)} with exit code 2: ${message}`, async () => {
        const result = await env(argv, () => ({}));
        assert.equal(result.code, 2);
        assert.equal(result.err, `env: ${message}\n${ENV_USAGE}\n`);
        assert.deepEqual(result.calls, []);
      });
    }

    it("prints the usage for --help and runs nothing", async () => {
      const result = await env(["--help"], () => ({}));
      assert.equal(result.code, 0);
      assert.equal(result.out, `${ENV_USAGE}\n`);
      assert.deepEqual(result.calls, []);
    });
  });

  describe("stack outputs", () => {
    it("types a local stack's outputs", () => {
      assert.deepEqual(parseStackOutputs(LOCAL_OUTPUTS, "dev"), {
        kind: "local",
        dockerHost: "unix:///var/run/docker.sock",
        volumes: { output: "buildenv-dev-output", source: "buildenv-dev-source" },
        buildImage: "buildenv-build:0123abcd",
        buildImageTag: "0123abcd",
        computeClass: NORMAL,
        computeClasses: { low: LOW, normal: NORMAL, high: HIGH },
        expiresAt: "2026-12-01T00:00:00Z",
      });
    });

    it("takes a VCH's key from tlsClientKey, or from tls.clientKey on older stacks", () => {
      assert.deepEqual(parseStackOutputs(VCH_OUTPUTS, "alice").tls, {
        caCert: "CA PEM\n",
        clientCert: "CERT PEM\n",
        clientKey: "KEY PEM\n",
      });
      const older = {
        ...LOCAL_OUTPUTS,
        tls: { caCert: "CA", clientCert: "CERT", clientKey: "OLD KEY" },
      };
      const parsed = parseStackOutputs(older, "alice");
      assert.equal(parsed.kind, "vch");
      assert.equal(parsed.tls?.clientKey, "OLD KEY");
    });

    it("says what is wrong with a stack without outputs or with a broken one", () => {
      assert.throws(() => parseStackOutputs({}, "dev"), {
        message:
          "stack dev has no outputs; create the environment first with `npm run up -- --stack dev`",
      });
      assert.throws(() => parseStackOutputs({ ...LOCAL_OUTPUTS, buildImage: 3 }, "dev"), {
        message:
          "stack dev: output buildImage is missing or not a string; run `npm run up -- --stack dev` with this version of buildenv",
      });
      assert.throws(() => parseStackOutputs({ ...LOCAL_OUTPUTS, tls: { caCert: "CA" } }, "dev"), {
        message: "stack dev: output tls needs caCert and clientCert, and tlsClientKey its key",
      });
    });

    it("mounts where the program's build command mounts", () => {
      assert.equal(MOUNT_ROOT, WORKSPACE);
    });

    it("is exported by the program: computeClasses with the stack's overrides", async () => {
      const { outputs } = await runStack({
        "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" },
        "buildenv:computeClasses": { high: { memoryMB: 32768 } },
      });
      assert.deepEqual(await resolveAll(outputs.computeClasses), {
        low: DEFAULT_COMPUTE_CLASSES.low,
        normal: DEFAULT_COMPUTE_CLASSES.normal,
        high: HIGH,
      });
    });
  });

  describe("failures", () => {
    it("stops with one line when the Pulumi CLI is missing", async () => {
      const { run, calls } = recorder();
      const out = output();
      const code = await envMain(["status"], {
        run,
        env: { PATH: "/usr/bin" },
        projectDir: PROJECT,
        out,
        isExecutable: onPath("docker"),
      });
      assert.equal(code, 1);
      assert.equal(
        out.err(),
        "env: the Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/ and run this again\n",
      );
      assert.deepEqual(calls, []);
    });

    it("reads the selected stack, else dev, and says when that stack has no outputs", async () => {
      const result = await env(["status"], (_command, args) =>
        args[1] === "output" ? { stdout: "{}" } : { code: 255, stderr: "error: no current stack" },
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: stack dev has no outputs; create the environment first with `npm run up -- --stack dev`\n",
      );
      assert.deepEqual(
        result.calls.map((c) => [c.command, c.args, c.env, c.cwd]),
        [
          ["pulumi", ["stack", "--show-name"], PULUMI_ENV, PROJECT],
          [
            "pulumi",
            ["stack", "output", "--json", "--show-secrets", "--stack", "dev"],
            PULUMI_ENV,
            PROJECT,
          ],
        ],
      );
    });

    it("passes Pulumi's reason when it cannot read the outputs, on the team backend as it is", async () => {
      const result = await env(
        ["status", "--stack", "ci"],
        () => ({ code: 255, stderr: "\nerror: no stack named 'ci' found\n" }),
        {
          PULUMI_BACKEND_URL: "s3://team-state?region=eu-west-1",
          PULUMI_CONFIG_PASSPHRASE: "team",
        },
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: cannot read the outputs of stack ci: error: no stack named 'ci' found\n",
      );
      assert.deepEqual(result.calls[0].env, {
        PULUMI_BACKEND_URL: "s3://team-state?region=eu-west-1",
        PULUMI_CONFIG_PASSPHRASE: "team",
      });
    });

    it("stops with one line when the engine is not reachable, touching no volume", async () => {
      const result = await env(["run", "--", "make"], (command, args) => {
        if (command === "pulumi") return { stdout: JSON.stringify(LOCAL_OUTPUTS) };
        if (args[0] === "version") {
          return {
            code: 1,
            stderr:
              "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
          };
        }
        return {};
      });
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: the stack's Docker engine at unix:///var/run/docker.sock is not reachable (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?); start Docker, or for a VCH check that it runs and that this machine reaches it\n",
      );
      assert.deepEqual(dockerArgs(result.calls), [["version", "--format", "{{.Server.Version}}"]]);
    });

    it("names a missing volume and runs nothing", async () => {
      const result = await env(
        ["run", "--stack", "dev", "--", "make"],
        responder(LOCAL_OUTPUTS, (_c, args) =>
          args[1] === "inspect"
            ? {
                code: 1,
                stdout: "buildenv-dev-output\n",
                stderr: "Error: No such volume: buildenv-dev-source",
              }
            : {},
        ),
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: volume buildenv-dev-source of stack dev does not exist on its engine; run `npm run up -- --stack dev` to create it\n",
      );
      assert.deepEqual(dockerArgs(result.calls), [
        ["version", "--format", "{{.Server.Version}}"],
        [
          "volume",
          "inspect",
          "--format",
          "{{.Name}}",
          "buildenv-dev-output",
          "buildenv-dev-source",
        ],
      ]);
    });

    it("needs the docker CLI for every verb but status", async () => {
      const { run } = recorder(responder(LOCAL_OUTPUTS));
      const out = output();
      const code = await envMain(["shell", "--stack", "dev"], {
        run,
        env: { PATH: "/usr/bin" },
        projectDir: PROJECT,
        out,
        isExecutable: onPath("pulumi"),
      });
      assert.equal(code, 1);
      assert.equal(
        out.err(),
        "env: the Docker CLI is not installed (no `docker` on PATH); install Docker from https://docs.docker.com/get-docker/ and run this again\n",
      );
    });
  });

  describe("docker calls on the local engine", () => {
    const LOCAL_DOCKER_ENV = { DOCKER_HOST: "unix:///var/run/docker.sock" };
    const CALLER = {
      DOCKER_HOST: "tcp://elsewhere:2375",
      DOCKER_CONTEXT: "other",
      DOCKER_TLS_VERIFY: "1",
    };

    it("run: limits, volumes, working directory, --rm, the command's exit code", async () => {
      const result = await env(
        ["run", "--stack", "dev", "--", "sh", "-c", "make; exit 3"],
        responder(LOCAL_OUTPUTS, (_c, args) => (args[0] === "run" ? { code: 3 } : {})),
        CALLER,
      );
      assert.equal(result.code, 3);
      assert.deepEqual(dockerArgs(result.calls), [
        ["version", "--format", "{{.Server.Version}}"],
        [
          "volume",
          "inspect",
          "--format",
          "{{.Name}}",
          "buildenv-dev-output",
          "buildenv-dev-source",
        ],
        [
          "run",
          "--rm",
          "--name",
          "buildenv-dev-run-c0ffee00",
          "--memory",
          "8192m",
          "--cpu-shares",
          "1024",
          "-v",
          "buildenv-dev-output:/workspace/output",
          "-v",
          "buildenv-dev-source:/workspace/source",
          "-w",
          "/workspace/source",
          "buildenv-build:0123abcd",
          "sh",
          "-c",
          "make; exit 3",
        ],
      ]);
      // The caller's own engine settings never leak into the stack's calls.
      for (const call of result.calls.filter((c) => c.command === "docker")) {
        assert.deepEqual(call.env, LOCAL_DOCKER_ENV);
      }
      const runCall = result.calls.find((c) => c.args[0] === "run")!;
      assert.equal(runCall.stdin, "inherit");
      assert.equal(runCall.stdout, "inherit");
    });

    it("run --priority: the limits of that priority's class; --keep: no --rm, and says which container", async () => {
      const result = await env(
        ["run", "--priority", "high", "--keep", "--", "make"],
        responder(LOCAL_OUTPUTS),
      );
      assert.equal(result.code, 0);
      assert.deepEqual(dockerArgs(result.calls)[2], [
        "run",
        "--name",
        "buildenv-dev-run-c0ffee00",
        "--memory",
        "32768m",
        "--cpu-shares",
        "2048",
        "-v",
        "buildenv-dev-output:/workspace/output",
        "-v",
        "buildenv-dev-source:/workspace/source",
        "-w",
        "/workspace/source",
        "buildenv-build:0123abcd",
        "make",
      ]);
      assert.equal(
        result.err,
        "env: kept container buildenv-dev-run-c0ffee00; remove it with: docker rm buildenv-dev-run-c0ffee00\n",
      );
    });

    it("run --priority on a stack deployed before computeClasses existed says to run up", async () => {
      const older: Record<string, unknown> = { ...LOCAL_OUTPUTS };
      delete older.computeClasses;
      const result = await env(["run", "--priority", "low", "--", "make"], responder(older));
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: stack dev does not export computeClasses yet; run `npm run up -- --stack dev` once, then --priority works\n",
      );
    });

    it("shell: interactive sh with the stack's class", async () => {
      const result = await env(["shell"], responder(LOCAL_OUTPUTS));
      assert.deepEqual(dockerArgs(result.calls)[2], [
        "run",
        "--rm",
        "-it",
        "--name",
        "buildenv-dev-shell-c0ffee00",
        "--memory",
        "8192m",
        "--cpu-shares",
        "1024",
        "-v",
        "buildenv-dev-output:/workspace/output",
        "-v",
        "buildenv-dev-source:/workspace/source",
        "-w",
        "/workspace/source",
        "buildenv-build:0123abcd",
        "sh",
      ]);
    });

    it("sync: archive into a staging directory through a stopped helper, then swap", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-sync-"));
      fs.mkdirSync(path.join(dir, "src"));
      fs.writeFileSync(path.join(dir, "src", "main.go"), "package main\n");
      fs.writeFileSync(path.join(dir, "debug.log"), "noise\n");
      const result = await env(["sync", dir, "--exclude", "*.log"], responder(LOCAL_OUTPUTS));
      assert.equal(result.code, 0, result.err);
      assert.deepEqual(dockerArgs(result.calls), [
        ["version", "--format", "{{.Server.Version}}"],
        ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-source"],
        [
          "create",
          "--name",
          "buildenv-dev-sync-c0ffee00",
          "-v",
          "buildenv-dev-source:/workspace/source",
          "buildenv-build:0123abcd",
          "true",
        ],
        ["cp", "-", "buildenv-dev-sync-c0ffee00:/workspace/source"],
        ["rm", "-f", "buildenv-dev-sync-c0ffee00"],
        [
          "run",
          "--rm",
          "-v",
          "buildenv-dev-source:/workspace/source",
          "-w",
          "/workspace/source",
          "buildenv-build:0123abcd",
          "sh",
          "-c",
          SWAP_SCRIPT,
          "sh",
          ".buildenv-sync-c0ffee00",
        ],
      ]);
      // The archive docker cp got: listed by the system's tar, not by the code under test.
      const archive = path.join(dir, "..", `${path.basename(dir)}.tar`);
      fs.writeFileSync(archive, result.calls.find((c) => c.args[0] === "cp")!.stdin as Buffer);
      const listing = execFileSync("tar", ["-tf", archive], { encoding: "utf8" });
      fs.rmSync(archive);
      assert.equal(
        listing,
        ".buildenv-sync-c0ffee00/\n.buildenv-sync-c0ffee00/src/\n.buildenv-sync-c0ffee00/src/main.go\n",
      );
      assert.match(
        result.err,
        /^env: copying 1 files from .* into buildenv-dev-source\nenv: synced 1 files \(3\.1 kB archive\) into buildenv-dev-source in 0\.0s\n$/,
      );
      fs.rmSync(dir, { recursive: true });
    });

    it("sync: reports bytes sent and elapsed time while copying", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-sync-"));
      fs.writeFileSync(path.join(dir, "a"), "a".repeat(1500));
      const { run } = recorder(responder(LOCAL_OUTPUTS));
      const out = output();
      let t = Date.parse("2026-11-29T12:00:00Z");
      const code = await envMain(["sync", dir], {
        run,
        env: { PATH: "/usr/bin" },
        projectDir: PROJECT,
        out,
        isExecutable: onPath("pulumi", "docker"),
        // Each reading of the clock is 1.5 s later: every chunk is worth a progress line.
        now: () => new Date((t += 1500)),
        newId: () => "c0ffee00",
      });
      assert.equal(code, 0);
      // Chunks: the staging directory header (512), the file header (512), its 1500 bytes padded
      // to 1536, the two end blocks (1024).
      assert.equal(
        out.err(),
        [
          `env: copying 1 files from ${dir} into buildenv-dev-source`,
          "env: sync: 512 B sent, 1.5s",
          "env: sync: 1.0 kB sent, 3.0s",
          "env: sync: 2.6 kB sent, 4.5s",
          "env: sync: 3.6 kB sent, 6.0s",
          "env: synced 1 files (3.6 kB archive) into buildenv-dev-source in 7.5s",
          "",
        ].join("\n"),
      );
      fs.rmSync(dir, { recursive: true });
    });

    it("sync: a failed copy removes the staging directory and leaves the volume as it was", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-sync-"));
      fs.writeFileSync(path.join(dir, "a"), "a\n");
      const result = await env(
        ["sync", dir],
        responder(LOCAL_OUTPUTS, (_c, args) =>
          args[0] === "cp" ? { code: 1, stderr: "Error: no space left on device" } : {},
        ),
      );
      assert.equal(result.code, 1);
      assert.deepEqual(dockerArgs(result.calls).slice(3), [
        ["cp", "-", "buildenv-dev-sync-c0ffee00:/workspace/source"],
        ["rm", "-f", "buildenv-dev-sync-c0ffee00"],
        [
          "run",
          "--rm",
          "-v",
          "buildenv-dev-source:/workspace/source",
          "-w",
          "/workspace/source",
          "buildenv-build:0123abcd",
          "sh",
          "-c",
          ABORT_SCRIPT,
          "sh",
          ".buildenv-sync-c0ffee00",
        ],
      ]);
      assert.match(
        result.err,
        /env: sync: copying into buildenv-dev-source failed \(Error: no space left on device\); its contents are unchanged\n$/,
      );
      fs.rmSync(dir, { recursive: true });
    });

    it("output: docker cp out of a stopped helper, gzipped into the file", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-output-"));
      const tar = Buffer.from("pretend tar stream");
      const result = await env(
        ["output", "--to", path.join(dir, "out.tar.gz")],
        responder(LOCAL_OUTPUTS, (_c, args) => (args[0] === "cp" ? { stdoutBytes: tar } : {})),
      );
      assert.equal(result.code, 0, result.err);
      assert.deepEqual(dockerArgs(result.calls), [
        ["version", "--format", "{{.Server.Version}}"],
        ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-output"],
        [
          "create",
          "--name",
          "buildenv-dev-output-c0ffee00",
          "-v",
          "buildenv-dev-output:/workspace/output",
          "buildenv-build:0123abcd",
          "true",
        ],
        ["cp", "buildenv-dev-output-c0ffee00:/workspace/output/.", "-"],
        ["rm", "-f", "buildenv-dev-output-c0ffee00"],
      ]);
      assert.equal(
        zlib.gunzipSync(fs.readFileSync(path.join(dir, "out.tar.gz"))).toString(),
        "pretend tar stream",
      );
      assert.deepEqual(fs.readdirSync(dir), ["out.tar.gz"]);
      fs.rmSync(dir, { recursive: true });
    });

    it("output: on a full disk, one line, no partial file, the existing archive untouched (issue 20)", async function () {
      const full = mountSmallTmpfs();
      if (full === undefined) this.skip();
      try {
        fs.writeFileSync(path.join(full, "out.tar.gz"), "previous");
        fillDisk(full);
        const target = path.join(full, "out.tar.gz");
        const result = await env(
          ["output", "--to", target],
          responder(LOCAL_OUTPUTS, (_c, args) =>
            args[0] === "cp" ? { stdoutBytes: Buffer.alloc(64 * 1024, 7) } : {},
          ),
        );
        assert.equal(result.code, 1);
        assert.equal(
          result.err,
          `env: output: cannot write ${target}: ENOSPC (no space left on device); nothing was written there\n`,
        );
        assert.deepEqual(fs.readdirSync(full).sort(), ["filler", "out.tar.gz"]);
        assert.equal(fs.readFileSync(target, "utf8"), "previous");
      } finally {
        unmountSmallTmpfs(full);
      }
    });

    it("output: a failed copy leaves no file and an existing archive untouched", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-output-"));
      fs.writeFileSync(path.join(dir, "out.tar.gz"), "previous");
      const result = await env(
        ["output", "--to", path.join(dir, "out.tar.gz")],
        responder(LOCAL_OUTPUTS, (_c, args) =>
          args[0] === "cp" ? { code: 1, stderr: "Error: boom" } : {},
        ),
      );
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        "env: output: copying out of buildenv-dev-output failed (Error: boom)\n",
      );
      assert.deepEqual(fs.readdirSync(dir), ["out.tar.gz"]);
      assert.equal(fs.readFileSync(path.join(dir, "out.tar.gz"), "utf8"), "previous");
      fs.rmSync(dir, { recursive: true });
    });
  });

  describe("docker calls on a VCH", () => {
    it("uses TLS from a private directory, API 1.25, and removes the key afterwards", async () => {
      const result = await env(["run", "--stack", "alice", "--", "make"], responder(VCH_OUTPUTS));
      assert.equal(result.code, 0, result.err);
      const dockerCalls = result.calls.filter((c) => c.command === "docker");
      assert.equal(dockerCalls.length, 3);
      const certDir = dockerCalls[0].env.DOCKER_CERT_PATH;
      for (const call of dockerCalls) {
        assert.deepEqual(call.env, {
          DOCKER_HOST: "tcp://10.0.0.5:2376",
          DOCKER_TLS_VERIFY: "1",
          DOCKER_CERT_PATH: certDir,
          DOCKER_API_VERSION: "1.25",
        });
        assert.deepEqual(call.certs, {
          "ca.pem": { text: "CA PEM\n", mode: 0o600 },
          "cert.pem": { text: "CERT PEM\n", mode: 0o600 },
          "key.pem": { text: "KEY PEM\n", mode: 0o600 },
        });
      }
      assert.ok(certDir.startsWith(path.join(os.tmpdir(), "buildenv-tls-")), certDir);
      assert.equal(fs.existsSync(certDir), false);
      assert.deepEqual(dockerCalls[2].args, [
        "run",
        "--rm",
        "--name",
        "buildenv-alice-run-c0ffee00",
        "--memory",
        "8192m",
        "--cpu-shares",
        "1024",
        "-v",
        "buildenv-alice-output:/workspace/output",
        "-v",
        "buildenv-alice-source:/workspace/source",
        "-w",
        "/workspace/source",
        VCH_OUTPUTS.buildImage,
        "make",
      ]);
      // The key is never on a command line.
      for (const call of result.calls) assert.ok(!call.args.join(" ").includes("KEY PEM"));
    });

    it("syncs through the same stopped helper and docker cp (no bind mounts on a VCH)", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-sync-"));
      fs.writeFileSync(path.join(dir, "a"), "a\n");
      const result = await env(["sync", dir, "--stack", "alice"], responder(VCH_OUTPUTS));
      assert.equal(result.code, 0, result.err);
      assert.deepEqual(dockerArgs(result.calls).slice(2, 5), [
        [
          "create",
          "--name",
          "buildenv-alice-sync-c0ffee00",
          "-v",
          "buildenv-alice-source:/workspace/source",
          VCH_OUTPUTS.buildImage,
          "true",
        ],
        ["cp", "-", "buildenv-alice-sync-c0ffee00:/workspace/source"],
        ["rm", "-f", "buildenv-alice-sync-c0ffee00"],
      ]);
      for (const call of result.calls.filter((c) => c.command === "docker")) {
        assert.equal(call.env.DOCKER_API_VERSION, "1.25");
        assert.ok(!call.args.some((a) => a.includes(dir)), "no host path reaches the VCH");
      }
      fs.rmSync(dir, { recursive: true });
    });
  });

  describe("status", () => {
    it("prints host, volumes, image, class and time left, and checks the volumes", async () => {
      const result = await env(
        ["status"],
        responder(LOCAL_OUTPUTS, (_c, args) =>
          args[4] === "buildenv-dev-output" ? { code: 1 } : {},
        ),
      );
      assert.equal(result.code, 0);
      assert.equal(
        result.out,
        [
          "stack:       dev",
          "host:        local engine unix:///var/run/docker.sock (reachable, Docker 28.2.2)",
          "volumes:     output: buildenv-dev-output (MISSING)",
          "             source: buildenv-dev-source (present)",
          "build image: buildenv-build:0123abcd",
          "image tag:   0123abcd",
          "compute:     8192 MB memory (2048 MB reserved), 8000 MHz CPU (1000 MHz reserved), normal shares (docker --cpu-shares 1024)",
          "expires:     2026-12-01T00:00:00Z (1d 12h left)",
          "",
        ].join("\n"),
      );
      assert.equal(
        result.err,
        "env: warning: stack dev expires in 1d 12h; extend it with `npm run stack:extend -- dev` and commit the file\n",
      );
      assert.deepEqual(dockerArgs(result.calls), [
        ["version", "--format", "{{.Server.Version}}"],
        ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-output"],
        ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-source"],
      ]);
    });

    it("no warning more than two days ahead; says when expired or never", () => {
      const outputs = parseStackOutputs(LOCAL_OUTPUTS, "dev");
      const engine = { reachable: false as const, reason: "down" };
      assert.equal(
        formatStatus("dev", outputs, engine, new Date("2026-11-28T23:59:00Z")).warning,
        undefined,
      );
      assert.equal(
        formatStatus("dev", outputs, engine, new Date("2026-11-28T23:59:00Z")).lines[7],
        "expires:     2026-12-01T00:00:00Z (2d 0h left)",
      );
      const expired = formatStatus("dev", outputs, engine, new Date("2026-12-01T03:30:00Z"));
      assert.equal(expired.lines[7], "expires:     2026-12-01T00:00:00Z (expired 3h 30m ago)");
      assert.equal(
        expired.warning,
        "stack dev has expired; the reaper destroys it (volumes marked keep stay): extend it with `npm run stack:extend -- dev` and commit the file",
      );
      const never = formatStatus("dev", { ...outputs, expiresAt: "never" }, engine, new Date());
      assert.equal(never.lines[7], "expires:     never");
      assert.equal(
        never.lines[1],
        "host:        local engine unix:///var/run/docker.sock (not reachable: down)",
      );
      assert.equal(never.lines[2], "volumes:     output: buildenv-dev-output (not checked)");
    });
  });

  describe("what sync copies", () => {
    it("matches .dockerignore patterns as docker does: globs per segment, **, !, directories", () => {
      const ignored = ignoreMatcher([
        "# comment",
        "*.log",
        "/build",
        "**/tmp",
        "docs/**/*.md",
        "!docs/keep.md",
        "node_modules/",
      ]);
      const cases: [string, boolean][] = [
        ["debug.log", true],
        ["src/debug.log", false],
        ["build/app", true],
        ["src/build/app", false],
        ["tmp/x", true],
        ["a/b/tmp/x", true],
        ["docs/a/b.md", true],
        ["docs/b.md", true],
        ["docs/keep.md", false],
        ["node_modules/x/index.js", true],
        ["main.go", false],
      ];
      assert.deepEqual(
        cases.map(([p]) => [p, ignored(p)]),
        cases,
      );
    });

    it("in a git checkout: what git does not ignore, minus .dockerignore and --exclude", () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-select-"));
      const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
      git("init", "-q");
      fs.writeFileSync(path.join(dir, ".gitignore"), "bin/\n");
      fs.writeFileSync(path.join(dir, ".dockerignore"), "*.md\n");
      fs.mkdirSync(path.join(dir, "bin"));
      fs.writeFileSync(path.join(dir, "bin", "app"), "");
      fs.writeFileSync(path.join(dir, "README.md"), "");
      fs.writeFileSync(path.join(dir, "main.go"), "");
      fs.writeFileSync(path.join(dir, "gone.go"), "");
      fs.writeFileSync(path.join(dir, "notes.txt"), "");
      git("add", "main.go", "gone.go");
      fs.rmSync(path.join(dir, "gone.go"));
      assert.deepEqual(selectFiles(dir, ["notes.*"]), [".dockerignore", ".gitignore", "main.go"]);
      fs.rmSync(dir, { recursive: true });
    });

    it("writes long names and symlinks as the system tar reads them", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-tar-"));
      const long = `${"d".repeat(60)}/${"f".repeat(70)}.txt`;
      fs.mkdirSync(path.join(dir, "d".repeat(60)));
      fs.writeFileSync(path.join(dir, long), "long\n");
      fs.symlinkSync("target", path.join(dir, "link"));
      const chunks: Buffer[] = [];
      for await (const chunk of tarStream(dir, [long, "link"], "stage")) chunks.push(chunk);
      const archive = `${dir}.tar`;
      fs.writeFileSync(archive, Buffer.concat(chunks));
      const out = `${dir}-out`;
      fs.mkdirSync(out);
      execFileSync("tar", ["-xf", archive, "-C", out]);
      assert.equal(fs.readFileSync(path.join(out, "stage", long), "utf8"), "long\n");
      assert.equal(fs.readlinkSync(path.join(out, "stage", "link")), "target");
      for (const p of [dir, out, archive]) fs.rmSync(p, { recursive: true });
    });
  });
});
