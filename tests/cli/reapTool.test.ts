/**
 * cli/reap.ts against a stand-in `pulumi` on PATH that records its arguments and its whole
 * environment (there is no Pulumi CLI here), git for the fresh reads, and a recording fetch for
 * the GitHub client.
 */
import * as assert from "assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { reapMain } from "../../cli/lifecycle/reapCli";
import { githubIssueClient, openPulumiWorkspace } from "../../cli/reap";
import { REPO_ROOT } from "../support/stack";

interface Recorded {
  args: string[];
  env: Record<string, string>;
}

/** A `pulumi` that appends `{ args, env }` to a file and prints `stackLs` for `stack ls`. */
function standIn(dir: string, stackLs: unknown): { bin: string; calls: () => Recorded[] } {
  const bin = path.join(dir, "bin");
  const log = path.join(dir, "pulumi-calls.jsonl");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(
    path.join(bin, "pulumi"),
    [
      `#!${process.execPath}`,
      `require("fs").appendFileSync(${JSON.stringify(log)}, JSON.stringify({ args: process.argv.slice(2), env: process.env }) + "\\n");`,
      `if (process.argv[2] === "stack" && process.argv[3] === "ls") process.stdout.write(${JSON.stringify(JSON.stringify(stackLs))});`,
      // What `pulumi stack export` prints: the stored deployment (here a VCH stack's, trimmed).
      `if (process.argv[2] === "stack" && process.argv[3] === "export") process.stdout.write(${JSON.stringify(JSON.stringify(EXPORT))});`,
      "",
    ].join("\n"),
    { mode: 0o755 },
  );
  return {
    bin,
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, "utf8")
            .trim()
            .split("\n")
            .map((line) => JSON.parse(line) as Recorded)
        : [],
  };
}

const EXPORT = {
  version: 3,
  deployment: {
    manifest: { time: "2026-10-20T10:00:00.000Z" },
    secrets_providers: { type: "passphrase", state: { salt: "v1:abc" } },
    resources: [
      {
        urn: "urn:pulumi:alice::buildenv::pulumi:pulumi:Stack::buildenv-alice",
        type: "pulumi:pulumi:Stack",
      },
      {
        urn: "urn:pulumi:alice::buildenv::pulumi:providers:vsphere::default",
        type: "pulumi:providers:vsphere",
      },
    ],
  },
};

const VCH_FILE = [
  "config:",
  "  buildenv:owner: alice",
  '  buildenv:expiresAt: "2026-11-01"',
  "  buildenv:host:",
  "    kind: vch",
  "  vsphere:password:",
  "    secure: v1:ZW5jcnlwdGVk",
  "",
].join("\n");

describe("cli/reap.ts", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-reap-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("lists with `pulumi stack ls --json` and an environment without secrets", async () => {
    const pulumi = standIn(dir, [
      { name: "alice", current: false, lastUpdate: "2026-11-20T10:00:00.000Z", resourceCount: 9 },
      { name: "ci", current: false },
    ]);
    const env = {
      PATH: `${pulumi.bin}:/usr/bin:/bin`,
      HOME: "/home/runner",
      PULUMI_BACKEND_URL: "file:///state",
      PULUMI_CONFIG_PASSPHRASE: "team-pass",
      GITHUB_TOKEN: "ghs_workflow",
    };
    const workspace = await openPulumiWorkspace({ dir }, env);
    assert.deepEqual(await workspace.listStacks(), [
      { name: "alice", lastUpdate: "2026-11-20T10:00:00.000Z" },
      { name: "ci" },
    ]);
    assert.deepEqual(pulumi.calls(), [
      {
        args: ["stack", "ls", "--json"],
        env: {
          PATH: env.PATH,
          HOME: "/home/runner",
          PULUMI_BACKEND_URL: "file:///state",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      },
    ]);
  });

  it("destroys and removes an expired VCH stack with its minimal environment, never the GitHub token", async () => {
    const pulumi = standIn(dir, [{ name: "alice", lastUpdate: "2026-10-20T10:00:00.000Z" }]);
    fs.writeFileSync(path.join(dir, "Pulumi.alice.yaml"), VCH_FILE);
    const env = {
      PATH: `${pulumi.bin}:/usr/bin:/bin`,
      HOME: "/home/runner",
      PULUMI_BACKEND_URL: "file:///state",
      PULUMI_CONFIG_PASSPHRASE: "team-pass",
      PULUMI_CONFIG_PASSPHRASE_ALICE: "alice-pass",
      PULUMI_CONFIG_PASSPHRASE_BOB: "bob-pass",
      VSPHERE_SERVER: "vcenter.example.com",
      VSPHERE_USER: "reaper@vsphere.local",
      VSPHERE_PASSWORD: "vs-pass",
      GITHUB_TOKEN: "ghs_workflow",
      BUILDENV_GITHUB_TOKEN: "ghp_admin",
    };
    const lines: string[] = [];
    const out = {
      stdout: { write: (text: string) => lines.push(text) },
      stderr: { write: (text: string) => lines.push(`stderr: ${text}`) },
    };
    const code = await reapMain(
      ["--dir", dir],
      {
        openWorkspace: (options) => openPulumiWorkspace(options, env),
        env,
        clock: () => new Date("2026-11-02T00:00:00Z"),
      },
      out,
    );
    assert.equal(code, 0, lines.join(""));
    const destroyEnv = {
      PATH: env.PATH,
      HOME: "/home/runner",
      PULUMI_BACKEND_URL: "file:///state",
      VSPHERE_SERVER: "vcenter.example.com",
      VSPHERE_USER: "reaper@vsphere.local",
      VSPHERE_PASSWORD: "vs-pass",
      PULUMI_CONFIG_PASSPHRASE: "alice-pass",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
    assert.deepEqual(pulumi.calls().slice(1, 2), [
      {
        args: ["stack", "export", "--stack", "alice"],
        env: {
          PATH: env.PATH,
          HOME: "/home/runner",
          PULUMI_BACKEND_URL: "file:///state",
          PULUMI_SKIP_UPDATE_CHECK: "true",
        },
      },
    ]);
    assert.deepEqual(pulumi.calls().slice(2), [
      {
        args: ["destroy", "--stack", "alice", "--yes", "--non-interactive", "--skip-preview"],
        env: destroyEnv,
      },
      { args: ["stack", "rm", "--stack", "alice", "--yes", "--non-interactive"], env: destroyEnv },
    ]);
  });

  it("reads the state's resource types with `pulumi stack export`, without --show-secrets", async () => {
    const pulumi = standIn(dir, []);
    const workspace = await openPulumiWorkspace({ dir }, { PATH: pulumi.bin });
    assert.deepEqual(await workspace.stateResourceTypes("alice"), [
      "pulumi:pulumi:Stack",
      "pulumi:providers:vsphere",
    ]);
    assert.deepEqual(
      pulumi.calls().map((call) => call.args),
      [["stack", "export", "--stack", "alice"]],
    );
  });

  it("reads each stack file afresh from the remote branch, so a pushed extension is seen", async () => {
    const remote = path.join(dir, "remote");
    const git = (cwd: string, ...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@e", ...args], {
        cwd,
        encoding: "utf8",
      });
    fs.mkdirSync(remote);
    git(remote, "init", "--quiet", "--initial-branch=main");
    fs.writeFileSync(path.join(remote, "Pulumi.alice.yaml"), VCH_FILE);
    git(remote, "add", ".");
    git(remote, "commit", "--quiet", "-m", "alice");
    const clone = path.join(dir, "clone");
    git(dir, "clone", "--quiet", remote, clone);
    const pulumi = standIn(dir, []);
    const workspace = await openPulumiWorkspace(
      { dir: clone, gitRef: "origin/main" },
      { PATH: `${pulumi.bin}:${process.env.PATH}`, HOME: process.env.HOME },
    );
    assert.equal(await workspace.readStackFile("alice"), VCH_FILE);
    assert.equal(await workspace.readStackFile("bob"), undefined);
    const extended = VCH_FILE.replace("2026-11-01", "2026-12-01");
    fs.writeFileSync(path.join(remote, "Pulumi.alice.yaml"), extended);
    git(remote, "commit", "--quiet", "-am", "extend");
    assert.equal(await workspace.readStackFile("alice"), extended);
    // The checkout itself is left as it was, its history whole (no depth option made it shallow).
    assert.equal(fs.readFileSync(path.join(clone, "Pulumi.alice.yaml"), "utf8"), VCH_FILE);
    assert.equal(git(clone, "rev-parse", "--is-shallow-repository").trim(), "false");
    // On a full clone the whole history counts: the "extend" commit changed the expiry.
    assert.equal(
      await workspace.expiryCommitTime("alice"),
      git(remote, "log", "-1", "--format=%cI").trim(),
    );
  });

  describe("the commit that last changed a stack's expiry, from real git (issue 20)", () => {
    const DAY_MS = 24 * 3_600_000;
    /** Commits `files` to `repo` as of `daysAgo` days before now (author and committer). */
    const commitAt = (repo: string, daysAgo: number, files: Record<string, string>) => {
      for (const [name, text] of Object.entries(files)) {
        fs.writeFileSync(path.join(repo, name), text);
      }
      const when = new Date(Date.now() - daysAgo * DAY_MS);
      const iso = `${when.toISOString().slice(0, 19)}Z`;
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@e", "add", "."], { cwd: repo });
      execFileSync(
        "git",
        ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "--quiet", "-m", `${daysAgo}d`],
        { cwd: repo, env: { ...process.env, GIT_AUTHOR_DATE: iso, GIT_COMMITTER_DATE: iso } },
      );
      return `${iso.slice(0, 19)}+00:00`;
    };
    const withOwner = (owner: string) =>
      VCH_FILE.replace("buildenv:owner: alice", `buildenv:owner: ${owner}`);
    const open = async (repo: string) => {
      const clone = path.join(dir, "clone");
      fs.mkdirSync(clone);
      execFileSync("git", ["init", "--quiet"], { cwd: clone });
      execFileSync("git", ["remote", "add", "origin", repo], { cwd: clone });
      // As actions/checkout leaves it: one commit, shallow.
      execFileSync("git", ["fetch", "--quiet", "--depth=1", "origin", "main"], { cwd: clone });
      const pulumi = standIn(dir, []);
      return openPulumiWorkspace(
        { dir: clone, gitRef: "origin/main" },
        { PATH: `${pulumi.bin}:${process.env.PATH}`, HOME: process.env.HOME },
      );
    };

    it("is the last commit that changed the expiresAt line, not one that changed another line or a comment", async () => {
      const remote = path.join(dir, "remote");
      fs.mkdirSync(remote);
      execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: remote });
      commitAt(remote, 25, { "Pulumi.alice.yaml": VCH_FILE });
      const extended = commitAt(remote, 20, {
        "Pulumi.alice.yaml": VCH_FILE.replace("2026-11-01", "2026-12-01"),
      });
      commitAt(remote, 10, {
        "Pulumi.alice.yaml": withOwner("alice2").replace("2026-11-01", "2026-12-01"),
      });
      commitAt(remote, 5, {
        "Pulumi.alice.yaml":
          "# buildenv:expiresAt is moved with npm run stack:extend\n" +
          withOwner("alice2").replace("2026-11-01", "2026-12-01"),
        "Pulumi.bob.yaml": VCH_FILE,
      });
      const workspace = await open(remote);
      assert.equal(
        await workspace.readStackFile("alice"),
        "# buildenv:expiresAt is moved with npm run stack:extend\n" +
          withOwner("alice2").replace("2026-11-01", "2026-12-01"),
      );
      assert.equal(await workspace.expiryCommitTime("alice"), extended);
      assert.equal(await workspace.expiryCommitTime("carol"), undefined);
    });

    it("is unknown when the only commit that shows the expiry is the edge of the fetched history", async () => {
      const remote = path.join(dir, "remote");
      fs.mkdirSync(remote);
      execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: remote });
      commitAt(remote, 60, { "Pulumi.alice.yaml": VCH_FILE });
      commitAt(remote, 10, { "Pulumi.alice.yaml": withOwner("alice2") });
      const workspace = await open(remote);
      assert.equal(await workspace.readStackFile("alice"), withOwner("alice2"));
      // The 10-day-old commit is the shallow boundary: its diff shows every line as added.
      assert.equal(await workspace.expiryCommitTime("alice"), undefined);
    });

    it("is unknown when no commit is within the last 31 days (only the tip is fetched)", async () => {
      const remote = path.join(dir, "remote");
      fs.mkdirSync(remote);
      execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: remote });
      commitAt(remote, 60, { "Pulumi.alice.yaml": VCH_FILE });
      const workspace = await open(remote);
      assert.equal(await workspace.readStackFile("alice"), VCH_FILE);
      assert.equal(await workspace.expiryCommitTime("alice"), undefined);
    });
  });

  it("npm run reap: a listing that is not a list of stacks is one line, no stack trace", () => {
    const pulumi = standIn(dir, [{ name: null }]);
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "cli/reap.ts", "--dry-run", "--dir", dir],
      {
        cwd: REPO_ROOT,
        env: { PATH: `${pulumi.bin}:${path.dirname(process.execPath)}`, HOME: dir },
        encoding: "utf8",
      },
    );
    assert.deepEqual(
      [result.status, result.stdout, result.stderr],
      [
        1,
        "",
        'reap: cannot list the stacks: pulumi stack ls --json entry 1 has no stack name: {"name":null}\n',
      ],
    );
  });

  it("refuses a --dir that does not exist before running anything, in one line", async () => {
    const pulumi = standIn(dir, []);
    await assert.rejects(
      openPulumiWorkspace({ dir: "/nonexistent" }, { PATH: pulumi.bin }),
      (error: Error) => {
        assert.equal(error.name, "ReapSetupError");
        assert.equal(error.message, '--dir "/nonexistent": no such directory');
        return true;
      },
    );
    assert.deepEqual(pulumi.calls(), []);
  });

  it("refuses a stack file that is a symlink", async () => {
    const pulumi = standIn(dir, []);
    fs.writeFileSync(path.join(dir, "elsewhere.yaml"), VCH_FILE);
    fs.symlinkSync("elsewhere.yaml", path.join(dir, "Pulumi.alice.yaml"));
    const workspace = await openPulumiWorkspace({ dir }, { PATH: pulumi.bin });
    await assert.rejects(workspace.readStackFile("alice"), {
      message: "Pulumi.alice.yaml is a symlink; it is not read",
    });
  });

  it("npm run reap without a Pulumi CLI: one line, no stack trace, exit 1", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "cli/reap.ts"], {
      cwd: REPO_ROOT,
      env: { PATH: path.dirname(process.execPath), HOME: dir },
      encoding: "utf8",
    });
    assert.equal(
      result.stderr,
      "reap: the Pulumi CLI is not installed (no `pulumi` on PATH); install it from https://www.pulumi.com/docs/install/ and run this again (the reap workflow installs it)\n",
    );
    assert.equal(result.stdout, "");
    assert.equal(result.status, 1);
  });

  it("talks to the GitHub issues API of the repository with the workflow's token", async () => {
    const requests: unknown[] = [];
    const responses: unknown[] = [
      [
        { number: 3, title: "a", body: "b" },
        { number: 4, title: "pr", body: null, pull_request: {} },
      ],
      { number: 5 },
      {},
      {},
      {},
    ];
    const request = (async (url: string, init: RequestInit) => {
      requests.push([url, init.method, init.body ?? null]);
      assert.equal((init.headers as Record<string, string>).Authorization, "Bearer ghs_workflow");
      return new Response(JSON.stringify(responses.shift()), { status: 200 });
    }) as typeof fetch;
    const client = githubIssueClient("acme/buildenv", "ghs_workflow", "https://api.test", request);
    assert.deepEqual(await client.listOpenIssues("buildenv-reaper"), [
      { number: 3, title: "a", body: "b" },
    ]);
    assert.equal(await client.createIssue("t", "b", ["buildenv-reaper"]), 5);
    await client.updateIssue(5, "t2", "b2");
    await client.comment(5, "c");
    await client.closeIssue(5);
    const base = "https://api.test/repos/acme/buildenv";
    assert.deepEqual(requests, [
      [`${base}/issues?state=open&labels=buildenv-reaper&per_page=100&page=1`, "GET", null],
      [`${base}/issues`, "POST", '{"title":"t","body":"b","labels":["buildenv-reaper"]}'],
      [`${base}/issues/5`, "PATCH", '{"title":"t2","body":"b2"}'],
      [`${base}/issues/5/comments`, "POST", '{"body":"c"}'],
      [`${base}/issues/5`, "PATCH", '{"state":"closed","state_reason":"completed"}'],
    ]);
  });
});
