import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { CliOutput, main } from "../../cli/image-tag";
import { gitBlobHash } from "../../components/image/manifest";
import { gitHashObjectOfFile, gitListing, makeManifestFixture } from "../support/manifestFixture";

describe("image-tag CLI", () => {
  let root: string;

  before(() => {
    ({ root } = makeManifestFixture());
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  function run(argv: string[]): { code: number; stdout: string; stderr: string } {
    let stdout = "";
    let stderr = "";
    const out: CliOutput = {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    };
    const code = main(argv, out);
    return { code, stdout, stderr };
  }
  const usage =
    "usage: npm run image-tag -- <repoRoot> <input>... [--build-arg NAME=VALUE]... [--platform OS/ARCH]\n";

  it("prints the manifest and the tag", () => {
    const listing = gitListing(root, ["src", "bin"]);
    const manifest = `${listing}build-arg A=1\nbuild-arg B=x=y\n`;
    assert.deepEqual(run([root, "src", "--build-arg", "B=x=y", "bin", "--build-arg=A=1"]), {
      code: 0,
      stdout: `${manifest}tag: ${gitHashObjectOfFile(manifest)}\n`,
      stderr: "",
    });
  });

  it("prints the platform line of buildenv:buildImage.platform, after the build arguments", () => {
    const listing = gitListing(root, ["src"]);
    const manifest = `${listing}build-arg A=1\nplatform linux/arm64\n`;
    const expected = {
      code: 0,
      stdout: `${manifest}tag: ${gitHashObjectOfFile(manifest)}\n`,
      stderr: "",
    };
    assert.deepEqual(
      run([root, "src", "--platform", "linux/arm64", "--build-arg", "A=1"]),
      expected,
    );
    assert.deepEqual(run([root, "src", "--build-arg=A=1", "--platform=linux/arm64"]), expected);
  });

  it("prints no platform line for the default linux/amd64, as the program does", () => {
    const manifest = gitListing(root, ["src"]);
    assert.deepEqual(run([root, "src", "--platform", "linux/amd64"]), {
      code: 0,
      stdout: `${manifest}tag: ${gitHashObjectOfFile(manifest)}\n`,
      stderr: "",
    });
  });

  it("takes inputs that look like options after --", () => {
    fs.writeFileSync(path.join(root, "unrelated", "-dash"), "d");
    try {
      assert.deepEqual(run([root, "--", "unrelated/-dash"]), {
        code: 0,
        stdout: `100644 blob ${gitBlobHash("d")}\tunrelated/-dash\ntag: ${gitBlobHash(
          `100644 blob ${gitBlobHash("d")}\tunrelated/-dash\n`,
        )}\n`,
        stderr: "",
      });
    } finally {
      fs.rmSync(path.join(root, "unrelated", "-dash"));
    }
  });

  it("exits 1 with the message for an unusable input", () => {
    assert.deepEqual(run([root, "src", "missing"]), {
      code: 1,
      stdout: "",
      stderr: `image-tag: build image input "missing" does not exist under ${root}\n`,
    });
  });

  const usageErrors: Array<[string, string[], string]> = [
    ["no arguments", [], "a repository root and at least one input are required"],
    ["no input", ["/repo"], "a repository root and at least one input are required"],
    ["an unknown option", ["/repo", "src", "--verbose"], "unknown option --verbose"],
    ["a build arg without value", ["/repo", "src", "--build-arg"], "--build-arg needs NAME=VALUE"],
    [
      "a build arg without =",
      ["/repo", "src", "--build-arg", "NAME"],
      '--build-arg needs NAME=VALUE, got "NAME"',
    ],
    [
      "an invalid build arg name",
      ["/repo", "src", "--build-arg", "1X=a"],
      'build argument name "1X" must match ^[A-Za-z_][A-Za-z0-9_]*$',
    ],
    [
      "a build arg given twice",
      ["/repo", "src", "--build-arg", "X=a", "--build-arg=X=b"],
      "build argument X is given more than once",
    ],
    [
      "a platform config refuses (the message of buildenv:buildImage.platform)",
      ["/repo", "src", "--platform", "windows/amd64"],
      '--platform: "windows/amd64" is not one of linux/386, linux/amd64, linux/arm, linux/arm64, linux/mips64, linux/mips64le, linux/ppc64le, linux/riscv64, linux/s390x',
    ],
    [
      "a platform without value",
      ["/repo", "src", "--platform"],
      "--platform needs OS/ARCH, e.g. linux/arm64",
    ],
    [
      "a platform given twice",
      ["/repo", "src", "--platform", "linux/arm64", "--platform=linux/arm64"],
      "--platform is given more than once",
    ],
  ];
  for (const [title, argv, reason] of usageErrors) {
    it(`exits 2 with the usage for ${title}`, () => {
      assert.deepEqual(run(argv), {
        code: 2,
        stdout: "",
        stderr: `image-tag: ${reason}\n${usage}`,
      });
    });
  }
});
