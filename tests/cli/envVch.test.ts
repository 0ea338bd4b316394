/**
 * `npm run env`: the docker calls on a VCH, the status line and what sync copies (recorded,
 * nothing run).
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ignoreMatcher, selectFiles } from "../../cli/workspace/archive";
import { parseStackOutputs } from "../../cli/workspace/outputs";
import { formatStatus } from "../../cli/workspace/status";
import { LOCAL_OUTPUTS, VCH_OUTPUTS, responder, env, dockerArgs } from "../support/envCliFixture";

describe("npm run env", () => {
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

    it("in a git checkout: what git does not ignore, minus .dockerignore and --exclude", async () => {
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
      // gone.go is still in git's index: listed, and skipped by sync's lstat (scanCheckout).
      assert.deepEqual(await selectFiles(dir, ["notes.*"]), [
        ".dockerignore",
        ".gitignore",
        "gone.go",
        "main.go",
      ]);
      fs.rmSync(dir, { recursive: true });
    });
  });
});
