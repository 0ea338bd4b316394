/**
 * `npm run env` with caches (`buildenv:caches`): `run` and `shell` mount them with their
 * variables, `status` lists them, `cache list` and `cache clear <name>`; the exact docker calls
 * (recorded, nothing run).
 */
import * as assert from "assert/strict";
import { ENV_USAGE, parseEnvArgs } from "../../cli/workspace/args";
import { parseStackOutputs } from "../../cli/workspace/outputs";
import { LOCAL_OUTPUTS, VCH_OUTPUTS, dockerArgs, env, responder } from "../support/envCliFixture";

const CACHES = {
  gobuild: {
    volume: "buildenv-dev-cache-gobuild",
    path: "/root/.cache/go-build",
    env: { GOCACHE: "/root/.cache/go-build" },
  },
  go: {
    volume: "buildenv-dev-cache-go",
    path: "/root/go/pkg/mod",
    env: { GOMODCACHE: "/root/go/pkg/mod", GOFLAGS: "-modcacherw" },
  },
};
const CACHED = { ...LOCAL_OUTPUTS, caches: CACHES };

const PING = ["version", "--format", "{{.Server.Version}}"];
/** The caches' arguments, by cache name, each cache's variables by name. */
const CACHE_ARGS = [
  ...["-v", "buildenv-dev-cache-go:/root/go/pkg/mod"],
  ...["-e", "GOFLAGS=-modcacherw", "-e", "GOMODCACHE=/root/go/pkg/mod"],
  ...["-v", "buildenv-dev-cache-gobuild:/root/.cache/go-build"],
  ...["-e", "GOCACHE=/root/.cache/go-build"],
];
const ALL_VOLUMES = [
  "buildenv-dev-cache-go",
  "buildenv-dev-cache-gobuild",
  "buildenv-dev-output",
  "buildenv-dev-source",
];
const CLEAR_SCRIPT = "rm -rf -- /buildenv-cache/* /buildenv-cache/.[!.]* /buildenv-cache/..?*";

describe("npm run env with caches", () => {
  describe("arguments", () => {
    it("parses cache list and cache clear <name>", () => {
      assert.deepEqual(parseEnvArgs(["cache", "list"]), { verb: "cache", action: "list" });
      assert.deepEqual(parseEnvArgs(["cache", "clear", "go", "--stack", "bob"]), {
        verb: "cache",
        stack: "bob",
        action: "clear",
        name: "go",
      });
    });

    const bad: [string[], string][] = [
      [["cache"], "cache: no action given; one of list, clear <name>"],
      [["cache", "wipe", "go"], 'cache: unknown action "wipe"; one of list, clear <name>'],
      [["cache", "clear"], "cache clear: no cache name given; e.g. npm run env -- cache clear go"],
      [["cache", "list", "go"], 'cache list: unexpected argument "go"'],
      [["cache", "clear", "go", "gobuild"], 'cache: unexpected argument "gobuild"'],
      [["cache", "clear", "go", "--keep"], "cache: unknown option --keep"],
      [["cache", "clear", "--", "go"], "cache: takes no command after --"],
    ];
    for (const [argv, message] of bad) {
      it(`refuses ${JSON.stringify(argv)} with exit code 2: ${message}`, async () => {
        const result = await env(argv, () => ({}));
        assert.equal(result.code, 2);
        assert.equal(result.err, `env: ${message}\n${ENV_USAGE}\n`);
        assert.deepEqual(result.calls, []);
      });
    }

    it("documents the verb in the usage", () => {
      assert.ok(
        ENV_USAGE.includes(
          "  cache list                      the stack's caches (buildenv:caches): volume, path, variables\n" +
            "  cache clear <name>              empty the cache's volume (the volume itself stays)\n",
        ),
      );
    });
  });

  describe("stack outputs", () => {
    it("types the caches output", () => {
      assert.deepEqual(parseStackOutputs(CACHED, "dev").caches, {
        go: CACHES.go,
        gobuild: CACHES.gobuild,
      });
    });

    for (const [what, caches] of [
      ["a list", ["go"]],
      ["a cache without a volume", { go: { path: "/root/go", env: {} } }],
      ["a relative path", { go: { volume: "v", path: "go", env: {} } }],
      ["a variable that is not text", { go: { volume: "v", path: "/go", env: { A: 1 } } }],
    ] as const) {
      it(`refuses ${what} as one line`, async () => {
        const result = await env(["status"], responder({ ...LOCAL_OUTPUTS, caches }));
        assert.equal(result.code, 1);
        assert.equal(
          result.err,
          "env: stack dev: output caches is not a map of cache name → { volume, path, env }; run `npm run up -- --stack dev` with this version of buildenv\n",
        );
      });
    }
  });

  it("run: the caches after the volumes, with their variables, every volume checked first", async () => {
    const result = await env(["run", "--", "go", "build", "./..."], responder(CACHED));
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(dockerArgs(result.calls), [
      PING,
      ["volume", "inspect", "--format", "{{.Name}}", ...ALL_VOLUMES],
      [
        ...["run", "--rm", "--name", "buildenv-dev-run-c0ffee00"],
        ...["--memory", "8192m", "--cpu-shares", "1024"],
        ...["-v", "buildenv-dev-output:/workspace/output"],
        ...["-v", "buildenv-dev-source:/workspace/source"],
        ...CACHE_ARGS,
        ...["-w", "/workspace/source", "buildenv-build:0123abcd", "go", "build", "./..."],
      ],
    ]);
  });

  it("run: a missing cache volume is one line saying to run up, and nothing runs", async () => {
    const result = await env(
      ["run", "--", "make"],
      responder(CACHED, (_c, args) =>
        args[0] === "volume"
          ? { code: 1, stdout: "buildenv-dev-cache-go\nbuildenv-dev-output\nbuildenv-dev-source\n" }
          : {},
      ),
    );
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      "env: volume buildenv-dev-cache-gobuild of stack dev does not exist on its engine; run `npm run up -- --stack dev` to create it\n",
    );
    assert.equal(dockerArgs(result.calls).length, 2);
  });

  it("shell on a VCH: the caches too, over the VCH's TLS", async () => {
    const caches = {
      go: { volume: "buildenv-alice-cache-go", path: "/root/go", env: { GOPATH: "/root/go" } },
    };
    const result = await env(["shell"], responder({ ...VCH_OUTPUTS, caches }));
    assert.equal(result.code, 0, result.err);
    const calls = result.calls.filter((c) => c.command === "docker");
    assert.deepEqual(calls[2].args, [
      ...["run", "--rm", "-it", "--name", "buildenv-dev-shell-c0ffee00"],
      ...["--memory", "8192m", "--cpu-shares", "1024"],
      ...["-v", "buildenv-alice-output:/workspace/output"],
      ...["-v", "buildenv-alice-source:/workspace/source"],
      ...["-v", "buildenv-alice-cache-go:/root/go", "-e", "GOPATH=/root/go"],
      ...["-w", "/workspace/source", VCH_OUTPUTS.buildImage, "sh"],
    ]);
    assert.equal(calls[2].env.DOCKER_HOST, "tcp://10.0.0.5:2376");
    assert.equal(calls[2].env.DOCKER_API_VERSION, "1.25");
  });

  it("run on a stack without caches passes no cache argument", async () => {
    const result = await env(["run", "--", "make"], responder(LOCAL_OUTPUTS));
    assert.deepEqual(dockerArgs(result.calls)[2], [
      ...["run", "--rm", "--name", "buildenv-dev-run-c0ffee00"],
      ...["--memory", "8192m", "--cpu-shares", "1024"],
      ...["-v", "buildenv-dev-output:/workspace/output"],
      ...["-v", "buildenv-dev-source:/workspace/source"],
      ...["-w", "/workspace/source", "buildenv-build:0123abcd", "make"],
    ]);
  });

  it("status: lists the caches and whether the engine has their volumes", async () => {
    const result = await env(
      ["status"],
      responder(CACHED, (_c, args) =>
        args[0] === "volume" && args[4] === "buildenv-dev-cache-gobuild" ? { code: 1 } : {},
      ),
    );
    assert.equal(result.code, 0);
    assert.deepEqual(dockerArgs(result.calls).slice(1), [
      ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-cache-go"],
      ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-cache-gobuild"],
      ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-output"],
      ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-source"],
    ]);
    assert.deepEqual(result.out.split("\n").slice(2, 6), [
      "volumes:     output: buildenv-dev-output (present)",
      "             source: buildenv-dev-source (present)",
      "caches:      go: buildenv-dev-cache-go at /root/go/pkg/mod with GOFLAGS=-modcacherw GOMODCACHE=/root/go/pkg/mod (present)",
      "             gobuild: buildenv-dev-cache-gobuild at /root/.cache/go-build with GOCACHE=/root/.cache/go-build (MISSING)",
    ]);
    assert.equal(result.out.split("\n")[6], "build image: buildenv-build:0123abcd");
  });

  it("cache list: one line per cache; a stack without caches says so", async () => {
    const listed = await env(["cache", "list"], responder(CACHED));
    assert.equal(listed.code, 0);
    assert.equal(
      listed.out,
      "go: buildenv-dev-cache-go at /root/go/pkg/mod with GOFLAGS=-modcacherw GOMODCACHE=/root/go/pkg/mod\n" +
        "gobuild: buildenv-dev-cache-gobuild at /root/.cache/go-build with GOCACHE=/root/.cache/go-build\n",
    );
    assert.deepEqual(dockerArgs(listed.calls), [PING]);
    const none = await env(["cache", "list"], responder(LOCAL_OUTPUTS));
    assert.equal(none.out, "stack dev has no caches (buildenv:caches)\n");
  });

  it("cache clear: checks the volume exists, then empties it in a throw-away container", async () => {
    const result = await env(["cache", "clear", "gobuild"], responder(CACHED));
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(dockerArgs(result.calls), [
      PING,
      ["volume", "inspect", "--format", "{{.Name}}", "buildenv-dev-cache-gobuild"],
      [
        ...["run", "--rm", "--name", "buildenv-dev-cache-clear-c0ffee00"],
        ...["-v", "buildenv-dev-cache-gobuild:/buildenv-cache"],
        ...["buildenv-build:0123abcd", "sh", "-c", CLEAR_SCRIPT],
      ],
    ]);
    assert.equal(
      result.err,
      "env: emptied cache gobuild (buildenv-dev-cache-gobuild); the volume stays\n",
    );
  });

  it("cache clear of an unknown name: one line listing the stack's caches, exit 2", async () => {
    const result = await env(["cache", "clear", "npm"], responder(CACHED));
    assert.equal(result.code, 2);
    assert.equal(
      result.err,
      'env: cache clear: stack dev has no cache "npm" (buildenv:caches.npm); its caches: go, gobuild\n',
    );
    assert.deepEqual(dockerArgs(result.calls), [PING]);
    const none = await env(["cache", "clear", "go"], responder(LOCAL_OUTPUTS));
    assert.equal(
      none.err,
      'env: cache clear: stack dev has no cache "go" (buildenv:caches.go); its caches: none\n',
    );
  });

  it("cache clear of a missing volume creates nothing (docker run -v would make one)", async () => {
    const result = await env(
      ["cache", "clear", "go"],
      responder(CACHED, (_c, args) => (args[0] === "volume" ? { code: 1 } : {})),
    );
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      "env: volume buildenv-dev-cache-go of stack dev does not exist on its engine; run `npm run up -- --stack dev` to create it\n",
    );
    assert.deepEqual(
      dockerArgs(result.calls).map((a) => a[0]),
      ["version", "volume"],
    );
  });

  it("cache clear that fails says so, with the engine's reason", async () => {
    const result = await env(
      ["cache", "clear", "go"],
      responder(CACHED, (_c, args) =>
        args[0] === "run"
          ? { code: 125, stderr: "docker: Error response from daemon: no space left.\nmore\n" }
          : {},
      ),
    );
    assert.equal(result.code, 1);
    assert.equal(
      result.err,
      "env: cache clear: emptying buildenv-dev-cache-go failed (docker: Error response from daemon: no space left.); what was not removed is still there\n",
    );
  });
});
