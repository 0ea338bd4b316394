/**
 * `buildenv:caches` (volumes/cacheConfig.ts): what a good config becomes, and the exact line of
 * every bad input, all reported while reading config, before any resource is registered.
 */
import * as assert from "assert";
import { RawConfig, parseConfig } from "../../../components/config/load";
import { ConfigError, ParseContext } from "../../../components/config/schema";
import { MOUNT_ROOT } from "../../../cli/workspace/docker";
import { VOLUMES_MOUNT_ROOT } from "../../../components/volumes/cacheConfig";
import { WORKSPACE } from "../../../program";
import { mocks } from "../../support/harness";
import { NOW, rejectedConfig, stubVsphere, vchStackConfig } from "../../support/stack";

function context(): ParseContext {
  return {
    project: "buildenv",
    stack: "dev",
    now: NOW,
    env: {},
    vsphere: {},
    secrets: {},
    // Only the default build image's paths are asked about.
    pathKind: (relative) => (relative.endsWith("Dockerfile") ? "file" : "dir"),
  };
}

function problemsOf(caches: unknown, extra: RawConfig = {}): string[] {
  try {
    parseConfig({ ...extra, caches }, context());
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail("config was accepted");
}

const PATH_RULE = "an absolute path of letters, digits and . _ - + @ /, e.g. /root/go/pkg/mod";

describe("buildenv:caches", () => {
  it("parses the documented example: paths, capacities (default 10GB) and sorted variables", () => {
    const config = parseConfig(
      {
        caches: {
          gobuild: { path: "/root/.cache/go-build", env: { GOCACHE: "/root/.cache/go-build" } },
          go: {
            capacity: "20GB",
            path: "/root/go/pkg/mod",
            env: { GOMODCACHE: "/root/go/pkg/mod", GOFLAGS: "-modcacherw" },
          },
          m2: { path: "/root/.m2", capacity: 500 },
        },
      },
      context(),
    );
    assert.deepStrictEqual(config.caches, {
      go: {
        path: "/root/go/pkg/mod",
        capacityMB: 20000,
        env: { GOFLAGS: "-modcacherw", GOMODCACHE: "/root/go/pkg/mod" },
        store: "default",
      },
      gobuild: {
        path: "/root/.cache/go-build",
        capacityMB: 10000,
        env: { GOCACHE: "/root/.cache/go-build" },
        store: "default",
      },
      m2: { path: "/root/.m2", capacityMB: 500, env: {}, store: "default" },
    });
    assert.deepStrictEqual(Object.keys(config.caches), ["go", "gobuild", "m2"]);
    assert.deepStrictEqual(Object.keys(config.caches.go.env), ["GOFLAGS", "GOMODCACHE"]);
  });

  it("declares no cache unless set", () => {
    assert.deepStrictEqual(parseConfig({}, context()).caches, {});
    assert.deepStrictEqual(parseConfig({ caches: {} }, context()).caches, {});
  });

  it("keeps caches out of the volumes' mount root, which is the CLI's and the program's", () => {
    assert.strictEqual(VOLUMES_MOUNT_ROOT, "/workspace");
    assert.strictEqual(WORKSPACE, "/workspace");
    assert.strictEqual(MOUNT_ROOT, "/workspace");
  });

  const cases: [string, unknown, string[], RawConfig?][] = [
    [
      "caches not an object",
      "big",
      [
        'buildenv:caches: "big" is a string; expected an object of cache name → { path, capacity, env, store }',
      ],
    ],
    [
      "a cache that is not an object",
      { go: "/root/go" },
      [
        'buildenv:caches.go: "/root/go" is a string; expected an object with keys path, capacity, env, store',
      ],
    ],
    ["no path", { go: {} }, ["buildenv:caches.go.path: is required (a string)"]],
    [
      "a path that is not a string",
      { go: { path: 5 } },
      ["buildenv:caches.go.path: 5 is a number; expected a string"],
    ],
    [
      "an unknown key",
      { go: { path: "/root/go", size: "1GB", hostPath: "/home" } },
      ['buildenv:caches.go: unknown keys "size", "hostPath"; allowed: path, capacity, env, store'],
    ],
    [
      "a relative path",
      { go: { path: "go/pkg/mod" } },
      [`buildenv:caches.go.path: "go/pkg/mod" is not an absolute path; use ${PATH_RULE}`],
    ],
    [
      "a path with the -v separator",
      { go: { path: "/root/go:ro" } },
      [`buildenv:caches.go.path: "/root/go:ro" is not valid; use ${PATH_RULE}`],
    ],
    [
      "a path with a space",
      { go: { path: "/root/my cache" } },
      [`buildenv:caches.go.path: "/root/my cache" is not valid; use ${PATH_RULE}`],
    ],
    [
      "the root",
      { go: { path: "/" } },
      [
        'buildenv:caches.go.path: "/" is the container\'s root; a cache needs a directory of its own, e.g. /root/.cache/go-build',
      ],
    ],
    [
      "a path that is not normalized",
      { go: { path: "/root//go/../mod/" }, npm: { path: "/root/.npm/" } },
      [
        'buildenv:caches.go.path: "/root//go/../mod/" is not normalized; write it as "/root/mod"',
        'buildenv:caches.npm.path: "/root/.npm/" is not normalized; write it as "/root/.npm"',
      ],
    ],
    [
      "a path in /workspace",
      { go: { path: "/workspace/go" }, npm: { path: "/workspace" } },
      [
        'buildenv:caches.go.path: "/workspace/go" is in /workspace, where the stack\'s volumes are mounted (/workspace/<volume>); use a path outside it',
        'buildenv:caches.npm.path: "/workspace" is in /workspace, where the stack\'s volumes are mounted (/workspace/<volume>); use a path outside it',
      ],
    ],
    [
      "two caches at one path",
      { go: { path: "/root/go" }, gomod: { path: "/root/go" } },
      [
        'buildenv:caches.gomod.path: "/root/go" is also the path of buildenv:caches.go; two caches cannot share a path',
      ],
    ],
    [
      "nested paths, either way round",
      {
        a: { path: "/root/go/pkg" },
        b: { path: "/root/go" },
        c: { path: "/root/gopher" },
        d: { path: "/root/gopher/bin" },
      },
      [
        'buildenv:caches.b.path: "/root/go" and the path "/root/go/pkg" of buildenv:caches.a are nested; one cache would hide part of the other',
        'buildenv:caches.d.path: "/root/gopher/bin" and the path "/root/gopher" of buildenv:caches.c are nested; one cache would hide part of the other',
      ],
    ],
    [
      "an invalid name",
      { Go_Mod: { path: "/root/go" } },
      [
        "buildenv:caches: cache name \"Go_Mod\" is not valid; use 1-30 lower-case letters, digits and '-', starting with a letter and not ending with '-'",
      ],
    ],
    [
      "a name that is a volume key",
      { source: { path: "/root/src" } },
      [
        'buildenv:caches.source: "source" is also a key of buildenv:volumes; a cache is a volume of its own, so give it another name',
      ],
    ],
    [
      "a name whose volume is a volume's",
      { go: { path: "/root/go" } },
      [
        "buildenv:caches.go: its volume buildenv-dev-cache-go is also the volume of buildenv:volumes.cache-go; rename one of them",
      ],
      { volumes: { "cache-go": { capacity: "1GB" }, source: { capacity: "1GB" } } },
    ],
    [
      "invalid variable names",
      { go: { path: "/root/go", env: { "GO-FLAGS": "x", "1X": "y", GOOD_1: "z" } } },
      [
        "buildenv:caches.go.env: \"1X\" is not a variable name; use letters, digits and '_', not starting with a digit",
        "buildenv:caches.go.env: \"GO-FLAGS\" is not a variable name; use letters, digits and '_', not starting with a digit",
      ],
    ],
    [
      "a value that is not a string",
      { go: { path: "/root/go", env: { CGO_ENABLED: 0 } } },
      [
        'buildenv:caches.go.env.CGO_ENABLED: 0 is a number; expected a string (quote it in the stack file, e.g. "0")',
      ],
    ],
    [
      "a value with a newline",
      { go: { path: "/root/go", env: { GOFLAGS: "-mod=mod\n-x" } } },
      [
        'buildenv:caches.go.env.GOFLAGS: "-mod=mod\\n-x" contains a control character (such as a newline); a value is one line of text',
      ],
    ],
    [
      "env that is not an object",
      { go: { path: "/root/go", env: ["GOFLAGS=-x"] } },
      [
        'buildenv:caches.go.env: ["GOFLAGS=-x"] is a list; expected an object of variable name → value',
      ],
    ],
    [
      "a variable set by two caches",
      {
        go: { path: "/root/go", env: { GOFLAGS: "-modcacherw" } },
        gobuild: { path: "/root/.cache/go-build", env: { GOFLAGS: "-trimpath" } },
      },
      [
        "buildenv:caches.gobuild.env.GOFLAGS: is also set by buildenv:caches.go.env; only one cache may set a variable",
      ],
    ],
    [
      "a capacity that is not one",
      { go: { path: "/root/go", capacity: "10XB" } },
      [
        'buildenv:caches.go.capacity: "10XB" is not a capacity; use a whole number of MB, or a positive number with a unit MB, GB, TB (decimal) or MiB, GiB, TiB (binary), e.g. 500MB, 2GB, 2GiB; at most 62TB',
      ],
    ],
    [
      "a capacity of a fraction of a MB",
      { go: { path: "/root/go", capacity: "1.5MB" } },
      [
        'buildenv:caches.go.capacity: "1.5MB" is 1.5 MB, not a whole number of MB; VIC sizes a volume in whole MB: use e.g. 2MB',
      ],
    ],
    [
      "a store on the local engine",
      { go: { path: "/root/go", store: "default" } },
      [
        'buildenv:caches.go.store: "default" applies to VCH volume stores only; remove it for host kind local',
      ],
    ],
  ];
  for (const [what, caches, expected, extra] of cases) {
    it(`refuses ${what}`, () => {
      assert.deepStrictEqual(problemsOf(caches, extra), expected);
    });
  }

  describe("through the program, before any resource", () => {
    it("refuses a store the VCH does not have, naming the ones it has", async () => {
      stubVsphere();
      const message = await rejectedConfig(
        vchStackConfig({ "buildenv:caches": { go: { path: "/root/go", store: "fast" } } }),
      );
      assert.strictEqual(
        message,
        'invalid buildenv stack config:\n  - buildenv:caches.go.store: "fast" is not one of the host\'s volume stores default, archive',
      );
      assert.deepStrictEqual(mocks.resources, []);
    });

    it("refuses caches marked secret: their env goes on command lines and into outputs", async () => {
      const message = await rejectedConfig(
        { "buildenv:caches": { go: { path: "/root/go", env: { GOPROXY: "https://token@x" } } } },
        { secretKeys: ["buildenv:caches"] },
      );
      assert.strictEqual(
        message,
        "invalid buildenv stack config:\n  - buildenv:caches: is marked secret, but its paths and env values become `docker run -v` and `-e` arguments of `npm run env -- run` and of the buildCommand output, all plain text; keep it plain and give no cache a credential in its env",
      );
      assert.deepStrictEqual(mocks.resources, []);
    });

    it("reads the key from the stack file as JSON", async () => {
      const message = await rejectedConfig({ "buildenv:caches": { go: { path: "relative" } } });
      assert.strictEqual(
        message,
        `invalid buildenv stack config:\n  - buildenv:caches.go.path: "relative" is not an absolute path; use ${PATH_RULE}`,
      );
      assert.deepStrictEqual(mocks.resources, []);
    });
  });
});
