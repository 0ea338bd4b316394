/** `npm run up` and its siblings as real processes, with a stand-in `pulumi` on PATH. */
/**
 * `npm run up|preview|down`: the exact Pulumi calls and environment (recorded), the local backend
 * and passphrase it sets up, the tracked stack file it never rewrites, stack tags, and the
 * one-line failures. The last block runs the real entry points as processes, with a stand-in
 * `pulumi` script on PATH that records its arguments and environment (no Pulumi CLI here), and
 * without one.
 */
import * as assert from "assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../support/stack";
import { project, localEnv } from "../support/upProject";

describe("npm run up", () => {
  describe("as processes", function () {
    this.timeout(60_000);
    const TSX = path.join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs");
    let dir: string;
    let bin: string;
    let socket: string;
    let server: http.Server;

    before(async () => {
      socket = path.join(os.tmpdir(), `buildenv-engine-${process.pid}.sock`);
      server = http.createServer((_req, res) => res.end("OK"));
      await new Promise<void>((resolve) => server.listen(socket, resolve));
    });
    after(() => server.close());

    beforeEach(() => {
      dir = project();
      bin = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-bin-"));
    });
    afterEach(() => {
      fs.rmSync(dir, { recursive: true });
      fs.rmSync(bin, { recursive: true });
    });

    /** A stand-in `pulumi` recording each call's argv and backend variables, one JSON line each. */
    function standIn(exitFor: string = "", code = 0): string {
      const log = path.join(bin, "calls.jsonl");
      fs.writeFileSync(
        path.join(bin, "pulumi"),
        `#!${process.execPath}\n` +
          `const fs = require("fs");\n` +
          `const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("PULUMI_")));\n` +
          `fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args: process.argv.slice(2), env }) + "\\n");\n` +
          `process.stdout.write("pulumi " + process.argv[2] + "\\n");\n` +
          `process.exit(process.argv[2] === ${JSON.stringify(exitFor)} ? ${code} : 0);\n`,
        { mode: 0o755 },
      );
      return log;
    }

    /** Runs a tool as npm would; async, so this process's stand-in engine keeps answering. */
    function runTool(
      tool: string,
      args: string[],
      env: Record<string, string>,
      cwd = dir,
    ): Promise<{ status: number | null; stdout: string; stderr: string }> {
      return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [TSX, path.join(REPO_ROOT, "cli", tool), ...args], {
          cwd,
          env: { HOME: os.tmpdir(), PATH: bin, DOCKER_HOST: `unix://${socket}`, ...env },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      });
    }

    it("npm run up: streams Pulumi's output, records the exact calls, exits with Pulumi's status", async () => {
      const log = standIn("up", 7);
      const result = await runTool("up.ts", ["up", "--yes"], {});
      assert.equal(result.status, 7, result.stderr);
      assert.equal(result.stdout, "pulumi stack\npulumi up\n");
      const calls = fs
        .readFileSync(log, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      assert.deepEqual(calls, [
        {
          args: ["stack", "select", "--create", "dev", "--secrets-provider", "passphrase"],
          env: localEnv(dir),
        },
        {
          args: [
            "up",
            "--stack",
            "dev",
            "--config-file",
            `${dir}/.buildenv/stacks/Pulumi.dev.yaml`,
            "--yes",
          ],
          env: localEnv(dir),
        },
      ]);
    });

    it("npm run up without a Pulumi CLI: one line on stderr, exit 1, no stack trace", async () => {
      const result = await runTool("up.ts", ["up"], {});
      assert.equal(result.status, 1);
      assert.equal(
        result.stderr,
        "up: the Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/ and run this again\n",
      );
    });

    it("npm run up without a reachable Docker engine: one line, exit 1", async () => {
      standIn();
      const result = await runTool("up.ts", ["up"], {
        DOCKER_HOST: `unix://${dir}/no-engine.sock`,
      });
      assert.equal(result.status, 1);
      assert.equal(
        result.stderr,
        `up: the Docker engine at unix://${dir}/no-engine.sock is not reachable (ENOENT); start Docker (or point DOCKER_HOST at a running engine) and run this again\n`,
      );
    });

    it("npm run env outside a project: one line, exit 1", async () => {
      standIn();
      const result = await runTool("env.ts", ["status"], {}, os.tmpdir());
      assert.equal(result.status, 1);
      assert.equal(
        result.stderr,
        `env: no Pulumi.yaml in ${os.tmpdir()} or above; run this in the buildenv checkout\n`,
      );
    });
  });
});
