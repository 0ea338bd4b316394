/**
 * `npm run env`: the exact pulumi and docker calls of every verb on the local engine (recorded,
 * nothing run).
 */
import * as assert from "assert/strict";
import { fillDisk, mountSmallTmpfs, unmountSmallTmpfs } from "../support/fullDisk";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { LOCAL_OUTPUTS, responder, env, dockerArgs } from "../support/envCliFixture";

describe("npm run env", () => {
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
});
