import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { computeImageTag } from "../components/image/manifest";
import * as childProcess from "child_process";
import { buildCommandLine, shellWord } from "../program";
import { DEFAULT_COMPUTE_CLASSES } from "../components/compute/config";
import { mocks, unwrap } from "./support/harness";
import { REPO_ROOT, resolveAll, runStack } from "./support/stack";

const LABELS = (volume: string, capacity: string, keep: boolean, stack = "dev", owner = stack) => [
  { label: "buildenv.capacity-mb", value: capacity },
  { label: "buildenv.expires-at", value: "never" },
  { label: "buildenv.keep", value: String(keep) },
  { label: "buildenv.owner", value: owner },
  { label: "buildenv.priority", value: "normal" },
  { label: "buildenv.shared", value: "false" },
  { label: "buildenv.stack", value: stack },
  { label: "buildenv.volume", value: volume },
];

const DEFAULT_TAG = computeImageTag(REPO_ROOT, ["images/build"]).tag;
const STAGED = `node_modules/.cache/buildenv/image-context/v1-${DEFAULT_TAG}`;

describe("program on the local engine", () => {
  for (const mode of ["preview", "update"] as const) {
    describe(`in ${mode}`, () => {
      it("registers exactly the local environment's resources", async () => {
        await runStack(
          { "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" } },
          { mode },
        );
        assert.deepStrictEqual(mocks.resources.map((r) => `${r.type}::${r.name}`).sort(), [
          "buildenv:host:ContainerHost::buildenv-dev",
          "buildenv:image:BuildImage::buildenv-dev-image",
          "buildenv:storage:BuildVolume::buildenv-dev-output",
          "buildenv:storage:BuildVolume::buildenv-dev-source",
          "docker-build:index:Image::buildenv-dev-image",
          "docker:index/volume:Volume::buildenv-dev-output",
          "docker:index/volume:Volume::buildenv-dev-source",
          "pulumi:providers:docker-build::buildenv-dev-image-builder",
          "pulumi:providers:docker::buildenv-dev-docker",
        ]);
        assert.deepStrictEqual(mocks.calls, []);
      });

      it("creates each volume with the exact name, driver and labels through the host's provider", async () => {
        await runStack(
          { "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" } },
          { mode },
        );
        assert.deepStrictEqual(mocks.one("pulumi:providers:docker").inputs, {
          host: "unix:///tmp/d.sock",
        });
        const provider = mocks.one("pulumi:providers:docker");
        for (const [volume, capacity, keep] of [
          ["source", "2000", true],
          ["output", "4000", false],
        ] as const) {
          const registered = mocks.one("docker:index/volume:Volume", `buildenv-dev-${volume}`);
          assert.deepStrictEqual(registered.inputs, {
            name: `buildenv-dev-${volume}`,
            driver: "local",
            labels: LABELS(volume, capacity, keep),
          });
          assert.ok(registered.provider?.includes(`::${provider.name}::`), registered.provider);
          const options = mocks.optionsOf("docker:index/volume:Volume", `buildenv-dev-${volume}`);
          assert.strictEqual(options.retainOnDelete, keep, `${volume} retainOnDelete`);
          assert.match(options.parent, /buildenv:storage:BuildVolume::buildenv-dev-/);
        }
      });

      it("builds the image on the local engine, loaded not pushed, never on preview", async () => {
        await runStack(
          { "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" } },
          { mode },
        );
        assert.deepStrictEqual(mocks.one("pulumi:providers:docker-build").inputs, {
          host: "unix:///tmp/d.sock",
        });
        const image = mocks.one("docker-build:index:Image");
        assert.deepStrictEqual(image.inputs, {
          tags: [`buildenv-build:${DEFAULT_TAG}`],
          context: { location: `${STAGED}/images/build` },
          dockerfile: { location: `${STAGED}/images/build/Dockerfile` },
          buildArgs: {},
          platforms: ["linux/amd64"],
          buildOnPreview: false,
          push: false,
          load: true,
          // The SDK's own default, filled in by @pulumi/docker-build.
          network: "default",
        });
        assert.ok(image.provider?.includes("::buildenv-dev-image-builder::"), image.provider);
        // Another local stack may run the same tag: destroy must not remove it from the engine.
        assert.strictEqual(
          mocks.optionsOf("docker-build:index:Image", "buildenv-dev-image").retainOnDelete,
          true,
        );
      });
    });
  }

  it("exports the documented outputs", async () => {
    const { outputs } = await runStack({
      "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" },
    });
    const manifest = computeImageTag(REPO_ROOT, ["images/build"]).manifest;
    assert.deepStrictEqual(await resolveAll(outputs), {
      dockerHost: "unix:///tmp/d.sock",
      volumes: { output: "buildenv-dev-output", source: "buildenv-dev-source" },
      caches: {},
      buildImage: `buildenv-build:${DEFAULT_TAG}`,
      buildImageManifest: manifest,
      buildImageTag: DEFAULT_TAG,
      computeClass: DEFAULT_COMPUTE_CLASSES.normal,
      computeClasses: DEFAULT_COMPUTE_CLASSES,
      expiresAt: "never",
      buildCommand:
        "docker run --rm --memory 8192m --cpu-shares 1024 " +
        "-v buildenv-dev-output:/workspace/output -v buildenv-dev-source:/workspace/source " +
        `-w /workspace/source buildenv-build:${DEFAULT_TAG}`,
    });
    assert.match(
      manifest,
      /^100644 blob [0-9a-f]{40}\timages\/build\/Dockerfile\n100644 blob [0-9a-f]{40}\timages\/build\/requirements.txt\n$/,
    );
  });

  it("puts the expiry, owner and priority of the stack in the labels", async () => {
    await runStack({
      "buildenv:owner": "carol",
      "buildenv:priority": "low",
      "buildenv:expiresAt": "2026-12-14T17:00:00+01:00",
    });
    assert.deepStrictEqual(
      mocks.one("docker:index/volume:Volume", "buildenv-dev-source").inputs.labels,
      [
        { label: "buildenv.capacity-mb", value: "2000" },
        { label: "buildenv.expires-at", value: "2026-12-14T16:00:00Z" },
        { label: "buildenv.keep", value: "true" },
        { label: "buildenv.owner", value: "carol" },
        { label: "buildenv.priority", value: "low" },
        { label: "buildenv.shared", value: "false" },
        { label: "buildenv.stack", value: "dev" },
        { label: "buildenv.volume", value: "source" },
      ],
    );
  });

  it("is deterministic: the same config twice gives identical resources and inputs", async () => {
    const config = {
      "buildenv:volumes": { cache: { capacity: "10GB" }, source: { capacity: "1GB", keep: true } },
    };
    await runStack(config);
    const first = mocks.snapshot();
    mocks.reset();
    await runStack(config);
    assert.strictEqual(mocks.snapshot(), first);
  });

  it("keeps stacks apart: alice and bob share no physical name", async () => {
    const physical = async (stack: string) => {
      mocks.reset();
      await runStack({}, { stack });
      return mocks.ofType("docker:index/volume:Volume").map((r) => String(r.inputs.name));
    };
    const alice = await physical("alice");
    const bob = await physical("bob");
    assert.deepStrictEqual(alice, ["buildenv-alice-output", "buildenv-alice-source"]);
    assert.deepStrictEqual(bob, ["buildenv-bob-output", "buildenv-bob-source"]);
  });

  it("changes the image tag exactly when an input changes", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-program-"));
    try {
      fs.mkdirSync(path.join(root, "images/build"), { recursive: true });
      fs.writeFileSync(path.join(root, "images/build/Dockerfile"), "FROM scratch\n");
      fs.writeFileSync(path.join(root, "README.md"), "not an input\n");
      const tagOf = async () => {
        mocks.reset();
        const { outputs } = await runStack({}, { root });
        return outputs.buildImageTag;
      };
      const first = await tagOf();
      fs.writeFileSync(path.join(root, "README.md"), "still not an input\n");
      assert.strictEqual(await tagOf(), first);
      fs.writeFileSync(path.join(root, "images/build/Dockerfile"), "FROM scratch\nENV X=1\n");
      assert.notStrictEqual(await tagOf(), first);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("passes build arguments to the build and into the manifest", async () => {
    const { outputs } = await runStack({
      "buildenv:buildImage": { buildArgs: { GO_VERSION: "1.22.5", BASE: "bookworm" } },
    });
    assert.deepStrictEqual(mocks.one("docker-build:index:Image").inputs.buildArgs, {
      BASE: "bookworm",
      GO_VERSION: "1.22.5",
    });
    assert.match(
      outputs.buildImageManifest,
      /\nbuild-arg BASE=bookworm\nbuild-arg GO_VERSION=1\.22\.5\n$/,
    );
    assert.strictEqual(
      outputs.buildImageTag,
      computeImageTag(REPO_ROOT, ["images/build"], { GO_VERSION: "1.22.5", BASE: "bookworm" }).tag,
    );
    assert.notStrictEqual(outputs.buildImageTag, DEFAULT_TAG);
  });

  it("runs the entry point itself: index.ts exports every output", async () => {
    const { setConfig, setMode, settle } = await import("./support/harness");
    await setMode("update", "dev");
    // The entry point reads the real clock: an expiry a week from now, within the 30d bound.
    const inAWeek = `${new Date(Date.now() + 7 * 24 * 3_600_000).toISOString().slice(0, 10)}`;
    setConfig({ "buildenv:expiresAt": inAWeek });
    // index.ts exports the async function the Node runtime calls (and awaits) for the outputs.
    const { default: main } = await import("../index");
    const program = await main();
    await settle();
    assert.strictEqual(await unwrap(program.buildImage), `buildenv-build:${DEFAULT_TAG}`);
    assert.strictEqual(program.expiresAt, `${inAWeek}T00:00:00Z`);
    assert.deepStrictEqual(await unwrap(program.volumes.source), "buildenv-dev-source");
    assert.strictEqual(program.tls, undefined);
    assert.strictEqual(program.tlsClientKey, undefined);
    assert.strictEqual(program.ciSecrets, undefined);
  });

  it("quotes every value of the docker run line that a shell would read otherwise (issue 20)", () => {
    const line = buildCommandLine(
      "reg.example.com/app:1;rm -rf ~",
      { source: "v src", cache: "it's $(id)" },
      DEFAULT_COMPUTE_CLASSES.low,
    );
    assert.strictEqual(
      line,
      "docker run --rm --memory 4096m --cpu-shares 512 -v 'it'\\''s $(id):/workspace/cache' -v 'v src:/workspace/source' -w /workspace/source 'reg.example.com/app:1;rm -rf ~'",
    );
    // bash reads the line back as exactly these words: nothing is split, expanded or run.
    const words = childProcess.execFileSync(
      "bash",
      [
        "--norc",
        "--noprofile",
        "-c",
        `set -- ${line.slice("docker ".length)}; printf '%s\\0' "$@"`,
      ],
      { encoding: "utf8" },
    );
    assert.deepStrictEqual(words.split("\0").slice(0, -1), [
      "run",
      "--rm",
      "--memory",
      "4096m",
      "--cpu-shares",
      "512",
      "-v",
      "it's $(id):/workspace/cache",
      "-v",
      "v src:/workspace/source",
      "-w",
      "/workspace/source",
      "reg.example.com/app:1;rm -rf ~",
    ]);
    assert.strictEqual(shellWord("a'b"), "'a'\\''b'");
    assert.strictEqual(shellWord(""), "''");
    assert.strictEqual(shellWord("img@sha256:ab,c+d"), "img@sha256:ab,c+d");
  });

  it("builds the docker run line with the class's limits and a workdir in the source volume", () => {
    assert.strictEqual(
      buildCommandLine(
        "img:1",
        { source: "v-src", cache: "v-cache" },
        DEFAULT_COMPUTE_CLASSES.high,
      ),
      "docker run --rm --memory 16384m --cpu-shares 2048 -v v-cache:/workspace/cache -v v-src:/workspace/source -w /workspace/source img:1",
    );
    assert.strictEqual(
      buildCommandLine("img:1", { cache: "v-cache" }, DEFAULT_COMPUTE_CLASSES.low),
      "docker run --rm --memory 4096m --cpu-shares 512 -v v-cache:/workspace/cache -w /workspace img:1",
    );
  });
});
