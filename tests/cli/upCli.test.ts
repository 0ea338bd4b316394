/**
 * `npm run up|preview|down`: the exact Pulumi calls and environment (recorded), the local backend
 * and passphrase it sets up, the tracked stack file it never rewrites, stack tags, and the
 * one-line failures. The last block runs the real entry points as processes, with a stand-in
 * `pulumi` script on PATH that records its arguments and environment (no Pulumi CLI here), and
 * without one.
 */
import * as assert from "assert/strict";
import { lockFile } from "../../cli/workspace/atomicFile";
import { fillDisk, mountSmallTmpfs, unmountSmallTmpfs } from "../support/fullDisk";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { UP_USAGE, parseUpArgs } from "../../cli/workspace/args";
import { pingEngine } from "../../cli/workspace/engine";
import { TRACKED, SALT, project, pulumiLike, up, localEnv } from "../support/upProject";

describe("npm run up", () => {
  it("parses --stack and passes every other flag to Pulumi", () => {
    assert.deepEqual(parseUpArgs([]), { stack: "dev", pass: [] });
    assert.deepEqual(parseUpArgs(["--stack", "alice", "--yes", "--diff"]), {
      stack: "alice",
      pass: ["--yes", "--diff"],
    });
    assert.deepEqual(parseUpArgs(["-s", "bob", "--target", "urn:x"]), {
      stack: "bob",
      pass: ["--target", "urn:x"],
    });
    assert.deepEqual(parseUpArgs(["--stack=carol"]), { stack: "carol", pass: [] });
    assert.throws(() => parseUpArgs(["--stack"]), {
      message: `--stack needs a stack name\n${UP_USAGE}`,
    });
    assert.throws(() => parseUpArgs(["--stack", "a b"]), {
      message: `--stack "a b" is not a stack name; use letters, digits, "-", "_" and "."\n${UP_USAGE}`,
    });
  });

  it("first run: creates the local backend and passphrase, selects or creates the stack, runs up, tags it", async () => {
    const dir = project();
    const result = await up("up", ["--yes"], dir, {
      env: { PULUMI_CONFIG_PASSPHRASE: "something else", DOCKER_HOST: "unix:///tmp/d.sock" },
    });
    assert.equal(result.code, 0, result.err);
    const configFile = `${dir}/.buildenv/stacks/Pulumi.dev.yaml`;
    // PULUMI_CONFIG_PASSPHRASE is dropped: Pulumi would read it before the passphrase file.
    const childEnv = { ...localEnv(dir), DOCKER_HOST: "unix:///tmp/d.sock" };
    assert.deepEqual(
      result.calls.map((c) => [c.command, c.args, c.env, c.cwd, c.stdout]),
      [
        [
          "pulumi",
          ["stack", "select", "--create", "dev", "--secrets-provider", "passphrase"],
          childEnv,
          dir,
          "inherit",
        ],
        [
          "pulumi",
          ["up", "--stack", "dev", "--config-file", configFile, "--yes"],
          childEnv,
          dir,
          "inherit",
        ],
        [
          "pulumi",
          ["stack", "tag", "set", "buildenv:owner", "dev", "--stack", "dev"],
          childEnv,
          dir,
          "capture",
        ],
        [
          "pulumi",
          ["stack", "tag", "set", "buildenv:expiresAt", "never", "--stack", "dev"],
          childEnv,
          dir,
          "capture",
        ],
      ],
    );
    // The builder engine (DOCKER_HOST) is the local stack's engine too: asked once.
    assert.deepEqual(result.pinged, ["unix:///tmp/d.sock"]);
    assert.equal(fs.statSync(`${dir}/.buildenv/state`).isDirectory(), true);
    assert.equal(fs.readFileSync(`${dir}/.buildenv/passphrase`, "utf8"), "generated-passphrase\n");
    assert.equal(fs.statSync(`${dir}/.buildenv/passphrase`).mode & 0o777, 0o600);
    // The tracked file is byte for byte what it was; the salt lives in the local copy.
    assert.equal(fs.readFileSync(`${dir}/Pulumi.dev.yaml`, "utf8"), TRACKED);
    assert.equal(fs.readFileSync(configFile, "utf8"), `${TRACKED}encryptionsalt: ${SALT}\n`);
    assert.equal(
      result.err,
      "up: generated the local stacks' passphrase in .buildenv/passphrase (git-ignored; keep it with the state in .buildenv/state)\n",
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("next run: keeps the passphrase and the salt, and follows edits of the tracked file", async () => {
    const dir = project();
    await up("up", [], dir);
    const edited = `${TRACKED}  buildenv:owner: alice\n  buildenv:expiresAt: 2026-12-24T17:00:00+01:00\n`;
    fs.writeFileSync(`${dir}/Pulumi.dev.yaml`, edited);
    // The stack exists now: select changes nothing.
    const result = await up("up", [], dir, { respond: () => ({}) });
    assert.equal(result.code, 0);
    assert.equal(result.err, "");
    assert.equal(fs.readFileSync(`${dir}/.buildenv/passphrase`, "utf8"), "generated-passphrase\n");
    assert.equal(
      fs.readFileSync(`${dir}/.buildenv/stacks/Pulumi.dev.yaml`, "utf8"),
      `${edited}encryptionsalt: ${SALT}\n`,
    );
    assert.deepEqual(
      result.calls.slice(2).map((c) => c.args),
      [
        ["stack", "tag", "set", "buildenv:owner", "alice", "--stack", "dev"],
        ["stack", "tag", "set", "buildenv:expiresAt", "2026-12-24T16:00:00Z", "--stack", "dev"],
      ],
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("waits for a stack:extend holding the stack file's lock, then stops in one line (issue 20)", async () => {
    const dir = project();
    const release = lockFile(path.join(dir, "Pulumi.dev.yaml"));
    const result = await up("up", [], dir, { lockTimeoutMs: 50 });
    release();
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      `up: Pulumi.dev.yaml is being changed by another command (process ${process.pid} holds Pulumi.dev.yaml.lock); Pulumi.dev.yaml is unchanged, run this again when it has finished\n`,
    );
    assert.deepEqual(result.calls, []);
    // Once free, up takes the lock, puts the tracked file back and lets the lock go.
    assert.equal((await up("up", [], dir)).code, 0);
    assert.equal(fs.existsSync(path.join(dir, "Pulumi.dev.yaml.lock")), false);
    fs.rmSync(dir, { recursive: true });
  });

  it("on a full disk: one line, the config copy and the tracked file as they were (issue 20)", async function () {
    const full = mountSmallTmpfs();
    if (full === undefined) this.skip();
    try {
      fs.writeFileSync(path.join(full, "Pulumi.yaml"), "name: buildenv\n");
      fs.writeFileSync(path.join(full, "Pulumi.dev.yaml"), TRACKED);
      fs.mkdirSync(path.join(full, ".buildenv", "state"), { recursive: true });
      fs.mkdirSync(path.join(full, ".buildenv", "stacks"), { recursive: true });
      fs.writeFileSync(path.join(full, ".buildenv", "passphrase"), "kept-passphrase\n");
      const copy = path.join(full, ".buildenv", "stacks", "Pulumi.dev.yaml");
      fs.writeFileSync(copy, "old copy\n");
      fillDisk(full);
      const result = await up("up", [], full);
      assert.equal(result.code, 1);
      assert.equal(
        result.err,
        `up: cannot write ${copy}: could not write it: ENOSPC (no space left on device); ${copy} is unchanged\n`,
      );
      assert.deepEqual(result.calls, []);
      assert.equal(fs.readFileSync(copy, "utf8"), "old copy\n");
      assert.equal(fs.readFileSync(path.join(full, "Pulumi.dev.yaml"), "utf8"), TRACKED);
      assert.deepEqual(fs.readdirSync(full).sort(), [
        ".buildenv",
        "Pulumi.dev.yaml",
        "Pulumi.yaml",
        "filler",
      ]);
    } finally {
      unmountSmallTmpfs(full);
    }
  });

  it("a new stack without a stack file: the file Pulumi wrote is removed again", async () => {
    const dir = project({});
    const result = await up("up", ["--stack", "alice"], dir);
    assert.equal(result.code, 0);
    assert.equal(fs.existsSync(`${dir}/Pulumi.alice.yaml`), false);
    assert.equal(
      fs.readFileSync(`${dir}/.buildenv/stacks/Pulumi.alice.yaml`, "utf8"),
      `encryptionsalt: ${SALT}\n`,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("preview and down: the same stack handling, no tags; preview asks no engine", async () => {
    const dir = project();
    const preview = await up("preview", ["--diff"], dir);
    assert.deepEqual(
      preview.calls.map((c) => c.args),
      [
        ["stack", "select", "--create", "dev", "--secrets-provider", "passphrase"],
        [
          "preview",
          "--stack",
          "dev",
          "--config-file",
          `${dir}/.buildenv/stacks/Pulumi.dev.yaml`,
          "--diff",
        ],
      ],
    );
    assert.deepEqual(preview.pinged, []);
    const down = await up("destroy", ["--yes"], dir, { respond: () => ({}) });
    assert.deepEqual(down.calls[1].args, [
      "destroy",
      "--stack",
      "dev",
      "--config-file",
      `${dir}/.buildenv/stacks/Pulumi.dev.yaml`,
      "--yes",
    ]);
    assert.deepEqual(down.pinged, ["unix:///var/run/docker.sock"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("a VCH stack: up asks only the local builder engine, down none", async () => {
    const vch = "config:\n  buildenv:host:\n    kind: vch\n";
    const dir = project({ "Pulumi.alice.yaml": vch });
    const upResult = await up("up", ["--stack", "alice"], dir);
    assert.deepEqual(upResult.pinged, ["unix:///var/run/docker.sock"]);
    const down = await up("destroy", ["--stack", "alice"], dir, { respond: () => ({}) });
    assert.deepEqual(down.pinged, []);
    assert.equal(fs.readFileSync(`${dir}/Pulumi.alice.yaml`, "utf8"), vch);
    fs.rmSync(dir, { recursive: true });
  });

  it("a local stack with its own engine: up asks both the builder and that engine", async () => {
    const dir = project({
      "Pulumi.dev.yaml":
        "config:\n  buildenv:host:\n    kind: local\n    dockerHost: unix:///tmp/other.sock\n",
    });
    const result = await up("up", [], dir);
    assert.deepEqual(result.pinged, ["unix:///var/run/docker.sock", "unix:///tmp/other.sock"]);
    fs.rmSync(dir, { recursive: true });
  });

  it("on a team backend (PULUMI_BACKEND_URL): the environment as it is, the tracked file, nothing in .buildenv", async () => {
    const dir = project();
    const team = {
      PULUMI_BACKEND_URL: "s3://team-state?region=eu-west-1",
      PULUMI_CONFIG_PASSPHRASE: "team",
    };
    const result = await up("up", ["--yes"], dir, { env: team, respond: () => ({}) });
    assert.equal(result.code, 0);
    assert.deepEqual(
      result.calls.map((c) => [c.args, c.env]),
      [
        [["stack", "select", "--create", "dev"], team],
        [["up", "--stack", "dev", "--yes"], team],
        [["stack", "tag", "set", "buildenv:owner", "dev", "--stack", "dev"], team],
        [["stack", "tag", "set", "buildenv:expiresAt", "never", "--stack", "dev"], team],
      ],
    );
    assert.equal(fs.existsSync(`${dir}/.buildenv`), false);
    fs.rmSync(dir, { recursive: true });
  });

  it("exits with Pulumi's status and tags nothing when up failed", async () => {
    const dir = project();
    const result = await up("up", [], dir, { respond: pulumiLike(dir, { up: 255 }) });
    assert.equal(result.code, 255);
    assert.deepEqual(
      result.calls.map((c) => c.args[0]),
      ["stack", "up"],
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("warns once when the CLI cannot set stack tags, and still exits 0", async () => {
    const dir = project();
    const result = await up("up", [], dir, { respond: pulumiLike(dir, { "stack tag": 255 }) });
    assert.equal(result.code, 0);
    assert.equal(result.calls.length, 3);
    assert.match(
      result.err,
      /up: warning: could not set stack tag buildenv:owner \(stack tags on a self-managed backend need Pulumi CLI 3\.211 or later\): error: tags not supported\n$/,
    );
    fs.rmSync(dir, { recursive: true });
  });

  it("refuses a stack file with a team secrets provider on the local backend", async () => {
    const dir = project({ "Pulumi.ci.yaml": `encryptionsalt: ${SALT}\nconfig: {}\n` });
    const result = await up("up", ["--stack", "ci"], dir);
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      "up: Pulumi.ci.yaml sets encryptionsalt: it belongs to a team backend; set PULUMI_BACKEND_URL and the team's passphrase to use it, or choose another --stack\n",
    );
    assert.deepEqual(result.calls, []);
    fs.rmSync(dir, { recursive: true });
  });

  it("without the Pulumi CLI: one line, exit 1, nothing created", async () => {
    const dir = project();
    const result = await up("up", [], dir, { onPath: [] });
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      "up: the Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/ and run this again\n",
    );
    assert.equal(fs.existsSync(`${dir}/.buildenv`), false);
    fs.rmSync(dir, { recursive: true });
  });

  it("without a reachable engine for a local stack: one line, exit 1, Pulumi not run", async () => {
    const dir = project();
    const result = await up("destroy", [], dir, {
      engines: { "unix:///var/run/docker.sock": "ENOENT" },
    });
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      "down: the Docker engine at unix:///var/run/docker.sock is not reachable (ENOENT); start Docker (or point DOCKER_HOST at a running engine) and run this again\n",
    );
    assert.deepEqual(result.calls, []);
    fs.rmSync(dir, { recursive: true });
  });

  it("pings an engine over its API: a unix socket that answers, one that does not exist", async () => {
    const socket = path.join(os.tmpdir(), `buildenv-ping-${process.pid}.sock`);
    const server = http.createServer((req, res) => {
      res.statusCode = req.url === "/_ping" ? 200 : 404;
      res.end("OK");
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      assert.equal(await pingEngine(`unix://${socket}`, false), undefined);
      assert.equal(await pingEngine(`unix://${socket}.missing`, false), "ENOENT");
      // Out of reach of this check (TLS, ssh): left to Pulumi.
      assert.equal(await pingEngine("tcp://10.0.0.5:2376", true), undefined);
      assert.equal(await pingEngine("ssh://me@host", false), undefined);
    } finally {
      server.close();
    }
  });
});
