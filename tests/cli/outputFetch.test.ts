/**
 * `output --from` through an injected fetch (exact requests, a byte-identical file, exact errors
 * that leave an existing file as it was), the verb's arguments, the stack without a registry,
 * and the source tree id `--push` tags with (checked against the system's git).
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseEnvArgs } from "../../cli/workspace/args";
import { envMain } from "../../cli/workspace/env";
import { fetchOutput } from "../../cli/workspace/outputRegistry";
import { sourceTreeId } from "../../cli/workspace/sourceTree";
import { LOCAL_OUTPUTS, PROJECT } from "../support/envCliFixture";
import {
  ARCHIVE,
  LAYER,
  MANIFEST,
  MANIFEST_JSON,
  fakeRegistry,
  lines,
} from "../support/fakeRegistry";
import { onPath, output, recorder } from "../support/workspaceFakes";

const LOCAL = "http://127.0.0.1:5000/v2/team/build-output";
const ACCEPT =
  "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";
const REGISTRY = { server: "127.0.0.1:5000", repository: "team/build-output" };

function deps(fetch: Parameters<typeof fetchOutput>[3]["fetch"]) {
  const logged: string[] = [];
  return {
    deps: {
      fetch,
      now: () => new Date("2026-11-29T12:00:00Z"),
      log: (l: string) => logged.push(l),
      print: () => undefined,
    },
    logged,
  };
}

/** A registry holding the image; `blob` overrides the layer's bytes. */
function holding(blob: Buffer = ARCHIVE) {
  return fakeRegistry((r) =>
    r.url.includes("/manifests/")
      ? {
          status: 200,
          headers: { "Content-Type": "application/vnd.oci.image.manifest.v1+json" },
          body: MANIFEST_JSON,
        }
      : { status: 200, body: blob },
  );
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-fetch-"));
}

describe("output --from (registry requests)", () => {
  it("a bare tag of the stack's repository: manifest, then its one layer, written byte for byte", async () => {
    const dir = tempDir();
    const target = path.join(dir, "out.tar.gz");
    const registry = holding();
    const run = deps(registry.fetch);
    assert.equal(await fetchOutput("v1.2", target, REGISTRY, run.deps), 0);
    assert.deepEqual(lines(registry.requests), [
      `GET ${LOCAL}/manifests/v1.2`,
      `GET ${LOCAL}/blobs/${LAYER}`,
    ]);
    assert.deepEqual(registry.requests[0].headers, { Accept: ACCEPT });
    assert.deepEqual(registry.requests[1].headers, {});
    assert.deepEqual(fs.readFileSync(target), ARCHIVE);
    assert.deepEqual(fs.readdirSync(dir), ["out.tar.gz"]);
    assert.deepEqual(run.logged, [
      `wrote ${target} (38 B, ${LAYER}) from 127.0.0.1:5000/team/build-output:v1.2 in 0.0s`,
    ]);
  });

  it("by digest: the manifest's own digest is checked; the stack's login goes only to its own server", async () => {
    const dir = tempDir();
    const registry = holding();
    const login = { ...REGISTRY, credentials: { username: "ci", password: "s3cret" } };
    await fetchOutput(
      `other.example.com:5000/x/y@${MANIFEST}`,
      path.join(dir, "a.tar.gz"),
      login,
      deps(registry.fetch).deps,
    );
    assert.deepEqual(
      lines(registry.requests),
      [
        `https://other.example.com:5000/v2/x/y/manifests/${MANIFEST}`,
        `https://other.example.com:5000/v2/x/y/blobs/${LAYER}`,
      ].map((u) => `GET ${u}`),
    );
    assert.deepEqual(fs.readFileSync(path.join(dir, "a.tar.gz")), ARCHIVE);
    const wrong = `sha256:${"cd".repeat(32)}`;
    await assert.rejects(
      fetchOutput(
        `127.0.0.1:5000/team/build-output@${wrong}`,
        path.join(dir, "b.tar.gz"),
        login,
        deps(holding().fetch).deps,
      ),
      {
        message: `output --from: the manifest of 127.0.0.1:5000/team/build-output@${wrong} has the digest ${MANIFEST}; nothing was written`,
      },
    );
  });

  it("anonymous Bearer: a pull-only token asked for without credentials; a refused one is one line", async () => {
    const challenge = {
      status: 401,
      headers: {
        "WWW-Authenticate":
          'Bearer realm="https://auth.example.com/token",service="registry.example.com"',
      },
    };
    const token =
      "https://auth.example.com/token?service=registry.example.com&scope=repository%3Ateam%2Fbuild-output%3Apull";
    const registry = fakeRegistry((r, i) =>
      i === 0
        ? challenge
        : r.url.startsWith("https://auth.example.com/")
          ? { status: 200, body: '{"access_token":"anon-tok"}' }
          : { status: 200, body: r.url.includes("/manifests/") ? MANIFEST_JSON : ARCHIVE },
    );
    const dir = tempDir();
    await fetchOutput(
      "registry.example.com/team/build-output:v1.2",
      path.join(dir, "o.tar.gz"),
      undefined,
      deps(registry.fetch).deps,
    );
    const base = "https://registry.example.com/v2/team/build-output";
    assert.deepEqual(lines(registry.requests), [
      `GET ${base}/manifests/v1.2`,
      `GET ${token}`,
      `GET ${base}/manifests/v1.2`,
      `GET ${base}/blobs/${LAYER}`,
    ]);
    assert.deepEqual(
      registry.requests.map((r) => r.headers.Authorization ?? "-"),
      ["-", "-", "Bearer anon-tok", "Bearer anon-tok"],
    );
    assert.deepEqual(fs.readFileSync(path.join(dir, "o.tar.gz")), ARCHIVE);

    const refused = fakeRegistry((r) =>
      r.url.startsWith("https://auth.example.com/") ? { status: 401 } : challenge,
    );
    await assert.rejects(
      fetchOutput(
        "registry.example.com/team/build-output:v1.2",
        path.join(dir, "p.tar.gz"),
        undefined,
        deps(refused.fetch).deps,
      ),
      {
        message:
          "output --from: registry.example.com/team/build-output:v1.2: the token service https://auth.example.com/token refused anonymous access to team/build-output (401); nothing was written",
      },
    );
  });

  it("404: one line, nothing written", async () => {
    const dir = tempDir();
    const registry = fakeRegistry(() => ({
      status: 404,
      body: '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"v9"}}]}',
    }));
    await assert.rejects(
      fetchOutput("v9", path.join(dir, "out.tar.gz"), REGISTRY, deps(registry.fetch).deps),
      {
        message: `output --from: 127.0.0.1:5000/team/build-output:v9: GET ${LOCAL}/manifests/v9 answered 404 (MANIFEST_UNKNOWN: manifest unknown); nothing was written`,
      },
    );
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("a layer whose digest does not match: refused, the existing file untouched, no temporary file left", async () => {
    const dir = tempDir();
    const target = path.join(dir, "out.tar.gz");
    fs.writeFileSync(target, "the previous archive");
    const bad = Buffer.from(ARCHIVE);
    bad[20] ^= 1;
    await assert.rejects(fetchOutput("v1.2", target, REGISTRY, deps(holding(bad).fetch).deps), {
      // sha256sum of the archive with byte 20 flipped.
      message: `output --from: the layer of 127.0.0.1:5000/team/build-output:v1.2 is 38 bytes with digest sha256:497b32ab8743c94a27194781dc8f064dbb8f83653c6c669adaccd4a52a91493e, not the 38 bytes with digest ${LAYER} its manifest names; nothing was written`,
    });
    assert.equal(fs.readFileSync(target, "utf8"), "the previous archive");
    assert.deepEqual(fs.readdirSync(dir), ["out.tar.gz"]);
  });

  it("a manifest of several layers is not an output image", async () => {
    const registry = fakeRegistry(() => ({
      status: 200,
      body: JSON.stringify({ schemaVersion: 2, layers: [{}, {}] }),
    }));
    await assert.rejects(
      fetchOutput("v1.2", path.join(tempDir(), "o"), REGISTRY, deps(registry.fetch).deps),
      {
        message:
          "output --from: 127.0.0.1:5000/team/build-output:v1.2 is not an output image: it has 2 layers, not the one layer of an output image (npm run env -- output --push)",
      },
    );
  });

  it("a bad reference is a usage error", async () => {
    await assert.rejects(
      fetchOutput("127.0.0.1:5000/Team/x:v1", "/tmp/x", REGISTRY, deps(holding().fetch).deps),
      {
        message: `output --from: "127.0.0.1:5000/Team/x:v1" has the repository "Team/x"; use lower-case path components of letters and digits separated by '.', '_', '__' or '-', joined by '/'`,
        exitCode: 2,
      },
    );
    await assert.rejects(fetchOutput("v1.2", "/tmp/x", undefined, deps(holding().fetch).deps), {
      message: `output --from: "v1.2" is a bare tag, but the stack has no registry (buildenv:registry) to find it in; give <host>/<repository>:<tag>`,
      exitCode: 2,
    });
  });
});

describe("output arguments", () => {
  it("parses --push with --source or --tag, and --from with --to", () => {
    assert.deepEqual(parseEnvArgs(["output", "--push"]), { verb: "output", push: true });
    assert.deepEqual(parseEnvArgs(["output", "--push", "--source", "app", "--to", "o.tgz"]), {
      verb: "output",
      to: "o.tgz",
      push: true,
      source: "app",
    });
    assert.deepEqual(parseEnvArgs(["output", "--push", "--tag=release_1.0-rc1"]), {
      verb: "output",
      push: true,
      tag: "release_1.0-rc1",
    });
    assert.deepEqual(parseEnvArgs(["output", "--from", "v1.2", "--stack", "ci"]), {
      verb: "output",
      stack: "ci",
      from: "v1.2",
    });
  });

  for (const [argv, message] of [
    [
      ["output", "--push", "--from", "v1"],
      "output: --push and --from exclude each other (push an archive, or fetch one)",
    ],
    [["output", "--tag", "v1"], "output: --tag only goes with --push"],
    [["output", "--from", "x", "--source", "."], "output: --source only goes with --push"],
    [
      ["output", "--push", "--source", ".", "--tag", "v1"],
      "output: --source and --tag exclude each other (the tag is the source's tree id, or given)",
    ],
    [["output", "--push=yes"], "output: --push takes no value"],
    [
      ["output", "--push", "--tag", ".hidden"],
      `output: --tag ".hidden" is not a tag; use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
    ],
    [
      ["output", "--push", "--tag", "a".repeat(129)],
      `output: --tag "${"a".repeat(129)}" is not a tag; use up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
    ],
    [["output", "--from"], "output: --from needs a value"],
  ] as const) {
    it(`refuses ${argv.slice(1).join(" ").slice(0, 40)}`, () => {
      assert.throws(
        () => parseEnvArgs(argv),
        (error: Error & { exitCode: number }) => {
          assert.equal(error.message.split("\n")[0], message);
          assert.equal(error.exitCode, 2);
          return true;
        },
      );
    });
  }
});

describe("output --push/--from through npm run env", () => {
  async function env(
    argv: string[],
    outputs: unknown,
    fetch: ReturnType<typeof fakeRegistry>["fetch"],
    docker = true,
  ) {
    const { run, calls } = recorder((command, args) =>
      command === "pulumi" && args[1] === "output"
        ? { stdout: JSON.stringify(outputs) }
        : args[0] === "version"
          ? { stdout: "28.2.2\n" }
          : {},
    );
    const out = output();
    const code = await envMain(argv, {
      run,
      env: { PATH: "/usr/bin" },
      projectDir: PROJECT,
      cwd: tempDir(),
      out,
      isExecutable: docker ? onPath("pulumi", "docker") : onPath("pulumi"),
      now: () => new Date("2026-11-29T12:00:00Z"),
      newId: () => "c0ffee00",
      fetch,
    });
    return { code, calls, out: out.out(), err: out.err() };
  }

  it("--push on a stack without a registry: one line, exit 2, the volume not read", async () => {
    const registry = fakeRegistry(() => ({ status: 500 }));
    const result = await env(["output", "--push", "--stack", "dev"], LOCAL_OUTPUTS, registry.fetch);
    assert.equal(result.code, 2);
    assert.equal(
      result.err,
      "env: output --push: stack dev has no registry (buildenv:registry) to push to; set buildenv:registry and run `npm run up -- --stack dev`, or keep the archive with output --to\n",
    );
    assert.deepEqual(
      result.calls.filter((c) => c.command === "docker").map((c) => c.args[0]),
      ["version"],
    );
    assert.equal(registry.requests.length, 0);
  });

  it("--from needs no docker CLI and uses the stack's login on its registry", async () => {
    const registry = holding();
    const result = await env(
      ["output", "--stack", "dev", "--from", "v1.2", "--to", "got.tar.gz"],
      {
        ...LOCAL_OUTPUTS,
        outputRepository: REGISTRY,
        registryLogin: { username: "ci", password: "s3cret" },
      },
      registry.fetch,
      false,
    );
    assert.equal(result.code, 0, result.err);
    assert.equal(result.calls.filter((c) => c.command === "docker").length, 0);
    assert.deepEqual(lines(registry.requests), [
      `GET ${LOCAL}/manifests/v1.2`,
      `GET ${LOCAL}/blobs/${LAYER}`,
    ]);
    assert.ok(!result.err.includes("s3cret"));
  });
});

describe("source tree id", () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

  function checkout(): string {
    const dir = tempDir();
    git(dir, "init", "-q");
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(path.join(dir, "app", "main.c"), "int main;\n");
    fs.writeFileSync(path.join(dir, "README"), "readme\n");
    fs.writeFileSync(path.join(dir, ".gitignore"), "build/\n");
    git(dir, "add", "-A");
    git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one");
    return dir;
  }

  it("is the committed tree for a clean checkout, and its subtree for a subdirectory", () => {
    const dir = checkout();
    assert.equal(sourceTreeId(dir), git(dir, "rev-parse", "HEAD^{tree}"));
    assert.equal(sourceTreeId(path.join(dir, "app")), git(dir, "rev-parse", "HEAD:app"));
  });

  it("follows uncommitted and untracked files, not ignored ones, and leaves index and objects alone", () => {
    const dir = checkout();
    const clean = sourceTreeId(dir);
    fs.mkdirSync(path.join(dir, "build"));
    fs.writeFileSync(path.join(dir, "build", "out.o"), "ignored\n");
    assert.equal(sourceTreeId(dir), clean);
    fs.writeFileSync(path.join(dir, "app", "main.c"), "int main(void);\n");
    fs.writeFileSync(path.join(dir, "new.txt"), "new\n");
    const index = fs.readFileSync(path.join(dir, ".git", "index"));
    const objects = git(dir, "count-objects");
    const dirty = sourceTreeId(dir);
    assert.notEqual(dirty, clean);
    assert.deepEqual(fs.readFileSync(path.join(dir, ".git", "index")), index);
    assert.equal(git(dir, "count-objects"), objects);
    assert.equal(git(dir, "status", "--porcelain"), "M app/main.c\n?? new.txt" /* trimmed */);
    // The same files committed give the same id: git's own answer.
    git(dir, "add", "-A");
    assert.equal(git(dir, "write-tree"), dirty);
  });

  it("outside a git work tree: exit 2 naming --tag", () => {
    const dir = tempDir();
    assert.throws(() => sourceTreeId(dir), {
      message: `output --push: ${dir} is not in a git work tree, so it has no source tree id to tag the output with; give the tag with --tag <tag>`,
      exitCode: 2,
    });
  });
});
