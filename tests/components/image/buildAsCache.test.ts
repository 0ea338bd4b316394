/**
 * Build-as-cache (eksctl's build image): a stack whose content tag the registry already holds
 * builds and pushes nothing and only pulls it by digest; only a changed input builds. Also the
 * image's platform, and that no stack can delete a pushed image.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PLATFORM, computeImageTag } from "../../../components/image/manifest";
import { resolveBuildImage } from "../../../components/image/resolve";
import { resolveAndBuildEnvironment } from "../../../program";
import { main as imageTagCli } from "../../../cli/image-tag";
import { loadConfig } from "../../../components/config/load";
import { mocks, setConfig, setMode, settle } from "../../support/harness";
import {
  REGISTRY_PASSWORD,
  REPO_ROOT,
  resolveAll,
  runStack,
  stubVsphere,
  vchStackConfig,
} from "../../support/stack";

const TAG = computeImageTag(REPO_ROOT, ["images/build"]).tag;
const REPO = "registry.example.com/buildenv/build";
/** What the stand-in docker-build provider reports for a build (tests/stack.ts). */
const BUILT = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const IN_REGISTRY = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

const names = () => mocks.resources.map((r) => `${r.type}::${r.name}`).sort();

describe("build-as-cache: the registry decides whether anything is built", () => {
  beforeEach(() => stubVsphere());

  for (const mode of ["preview", "update"] as const) {
    it(`builds nothing when the registry holds the tag, and pulls that digest (${mode})`, async () => {
      const { outputs } = await runStack(
        vchStackConfig({ "buildenv:github": { repositories: ["app"] } }),
        {
          mode,
          image: {
            imageTag: computeImageTag(REPO_ROOT, ["images/build"]),
            registryDigest: IN_REGISTRY,
          },
        },
      );
      assert.deepStrictEqual(mocks.ofType("docker-build:index:Image"), []);
      assert.deepStrictEqual(mocks.ofType("pulumi:providers:docker-build"), []);
      assert.deepStrictEqual(mocks.one("docker:index/remoteImage:RemoteImage").inputs, {
        name: `${REPO}@${IN_REGISTRY}`,
        keepLocally: true,
      });
      assert.strictEqual(await resolveAll(outputs.buildImage), `${REPO}@${IN_REGISTRY}`);
      assert.strictEqual(
        mocks.one(
          "github:index/actionsVariable:ActionsVariable",
          "buildenv-dev-ci-app-var-build_image",
        ).inputs.value,
        `${REPO}@${IN_REGISTRY}`,
      );
    });
  }

  it("builds and pushes only when the tag is missing; the next run pulls the same digest", async () => {
    const imageTag = computeImageTag(REPO_ROOT, ["images/build"]);
    await runStack(vchStackConfig(), { image: { imageTag } });
    const built = names();
    const pulledAfterBuild = mocks.one("docker:index/remoteImage:RemoteImage").inputs;
    assert.strictEqual(mocks.one("docker-build:index:Image").inputs.push, true);

    mocks.reset();
    stubVsphere();
    // What the registry answers once that build is pushed: the digest the build reported.
    await runStack(vchStackConfig(), { image: { imageTag, registryDigest: BUILT } });
    assert.deepStrictEqual(
      mocks.one("docker:index/remoteImage:RemoteImage").inputs,
      pulledAfterBuild,
    );
    // The build leaves the stack's state (retained: nothing is deleted anywhere); all else is equal.
    assert.deepStrictEqual(
      built.filter((n) => !names().includes(n)),
      [
        "docker-build:index:Image::buildenv-dev-image",
        "pulumi:providers:docker-build::buildenv-dev-image-builder",
      ],
    );
    assert.deepStrictEqual(
      names().filter((n) => !built.includes(n)),
      [],
    );
  });

  it("never lets a destroy delete the pushed image: retainOnDelete on the build", async () => {
    await runStack(vchStackConfig());
    const options = mocks.optionsOf("docker-build:index:Image", "buildenv-dev-image");
    assert.strictEqual(options.retainOnDelete, true);
    assert.notStrictEqual(options.protect, true);
  });

  it("asks the registry for the stack's tag with the stack's credentials, on preview too", async () => {
    for (const mode of ["preview", "update"] as const) {
      await setMode(mode, "dev");
      setConfig(vchStackConfig(), ["buildenv:registryPassword", "vsphere:password"]);
      const asked: unknown[][] = [];
      const found = await resolveBuildImage(
        loadConfig(new Date("2026-11-21T12:00:00Z")).buildImage,
        loadConfig(new Date("2026-11-21T12:00:00Z")).registry,
        REPO_ROOT,
        async (...args) => {
          asked.push(args);
          return IN_REGISTRY;
        },
      );
      assert.deepStrictEqual(asked, [
        [
          "registry.example.com",
          "buildenv/build",
          TAG,
          { username: "buildenv-ci", password: REGISTRY_PASSWORD },
        ],
      ]);
      assert.strictEqual(found.registryDigest, IN_REGISTRY);
      assert.strictEqual(found.imageTag.tag, TAG);
    }
  });

  it("asks nothing without a registry", async () => {
    await setMode("update", "dev");
    setConfig({});
    const config = loadConfig(new Date("2026-11-21T12:00:00Z"));
    const found = await resolveBuildImage(config.buildImage, config.registry, REPO_ROOT, () => {
      throw new Error("asked");
    });
    assert.deepStrictEqual(Object.keys(found), ["imageTag"]);
  });

  it("fails the run with the registry's answer when it cannot tell, rather than guess", async () => {
    await setMode("update", "dev");
    setConfig(vchStackConfig(), ["buildenv:registryPassword", "vsphere:password"]);
    const config = loadConfig(new Date("2026-11-21T12:00:00Z"));
    await assert.rejects(
      resolveAndBuildEnvironment(config, {
        root: REPO_ROOT,
        lookup: async () => {
          throw new Error("cannot tell whether the registry holds x: HEAD y answered 500");
        },
      }),
      (error: Error) => {
        assert.ok(pulumi.RunError.isInstance(error));
        assert.strictEqual(
          error.message,
          "cannot tell whether the registry holds x: HEAD y answered 500; buildenv builds the image only when the registry lacks its content tag, so it must be able to ask (check buildenv:registry and the network)",
        );
        return true;
      },
    );
    await settle();
    assert.deepStrictEqual(mocks.resources, []);
  });
});

describe("the build image's platform", () => {
  it("is linux/amd64 unless configured, exactly as given to docker-build", async () => {
    assert.strictEqual(DEFAULT_PLATFORM, "linux/amd64");
    await runStack({});
    assert.deepStrictEqual(mocks.one("docker-build:index:Image").inputs.platforms, ["linux/amd64"]);
  });

  it("is part of the manifest and the tag when it is another one", async () => {
    const { outputs } = await runStack({ "buildenv:buildImage": { platform: "linux/arm64" } });
    assert.deepStrictEqual(mocks.one("docker-build:index:Image").inputs.platforms, ["linux/arm64"]);
    const plain = computeImageTag(REPO_ROOT, ["images/build"]);
    assert.strictEqual(outputs.buildImageManifest, `${plain.manifest}platform linux/arm64\n`);
    assert.notStrictEqual(outputs.buildImageTag, plain.tag);
    assert.deepStrictEqual(mocks.one("docker-build:index:Image").inputs.tags, [
      `buildenv-build:${outputs.buildImageTag}`,
    ]);
  });

  it("npm run image-tag -- --platform prints the manifest and tag the stack uses", async () => {
    const { outputs } = await runStack({ "buildenv:buildImage": { platform: "linux/arm64" } });
    let stdout = "";
    const sink = { write: (text: string) => (stdout += text) };
    const code = imageTagCli([REPO_ROOT, "images/build", "--platform", "linux/arm64"], {
      stdout: sink,
      stderr: sink,
    });
    assert.strictEqual(code, 0);
    assert.strictEqual(stdout, `${outputs.buildImageManifest}tag: ${outputs.buildImageTag}\n`);
    assert.ok(stdout.includes("\nplatform linux/arm64\ntag: "));
  });
});
