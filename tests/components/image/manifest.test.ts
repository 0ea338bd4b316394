import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  compareUtf8,
  computeImageTag,
  formatManifest,
  gitBlobHash,
  listInputEntries,
  quotePath,
  validateBuildArgName,
  validateBuildArgValue,
} from "../../../components/image/manifest";
import { CliOutput, main } from "../../../cli/image-tag";
import { Fixture, git, makeTree } from "../../support/gitFixtures";

/** What the manifest of these inputs is by git's own account (without build arguments). */
function gitListing(root: string, inputs: readonly string[]): string {
  return git(root, ["ls-tree", "-r", "--full-tree", "HEAD", "--", ...inputs]).toString("utf8");
}

/** `git hash-object <file>` of a file holding this text. */
function gitHashObjectOfFile(text: string): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "manifest-hash-")), "manifest");
  try {
    fs.writeFileSync(file, text);
    return git(path.dirname(file), ["hash-object", file]).toString().trim();
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

function commitAll(root: string): void {
  git(root, ["init", "-q"]);
  git(root, ["add", "-A"]);
  git(root, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "fixture"]);
}

/** Names the file system might refuse (it is POSIX byte strings on Linux and macOS). */
const AWKWARD_NAMES = ["names/tab\there", 'names/quote"d', "names/back\\slash", "names/new\nline"];

const FIXTURE: Fixture = {
  "src/main.c": "int main(void) { return 0; }\n",
  "src/lib/deep/er/util.h": "#pragma once\n",
  "src/lib/deep/er/util.c": '#include "util.h"\n',
  "src/link-to-main": { symlinkTo: "main.c" },
  "src/link-to-café": { symlinkTo: "../names/café.txt" },
  "bin/run.sh": { content: "#!/bin/sh\necho run\n", mode: 0o755 },
  "bin/owner-only-exec": { content: "x", mode: 0o744 },
  "bin/group-exec-only": { content: "x", mode: 0o654 },
  "link-to-src": { symlinkTo: "src" },
  "with space.txt": "spaces are not quoted\n",
  "empty.txt": "",
  "names/café.txt": "accent\n",
  "names/emoji-\u{1F600}.txt": "grin\n",
  "names/ctrl-\u0007-\u007f": "bell and delete\n",
  "order/a-b": "1",
  "order/a/b": "2",
  "order/a.b": "3",
  "order/a0": "4",
  "order/\u{1F600}": "5",
  "order/\uFFFD": "6",
  "order/\uE000": "7",
  "order/z": "8",
  "unrelated/readme.md": "not an input\n",
};

describe("image/manifest", () => {
  let root: string;
  let awkwardNames: string[];

  before(() => {
    root = makeTree(FIXTURE);
    awkwardNames = AWKWARD_NAMES.filter((name) => {
      try {
        fs.writeFileSync(path.join(root, name), name);
        return true;
      } catch {
        return false;
      }
    });
    fs.mkdirSync(path.join(root, "src", "empty-dir"));
    commitAll(root);
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe("gitBlobHash", () => {
    it("matches the well-known blob names of git", () => {
      assert.equal(gitBlobHash(""), "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
      assert.equal(gitBlobHash("hello\n"), "ce013625030ba8dba906f756967f9e9ca394464a");
      assert.equal(gitBlobHash(Buffer.from("hello\n")), "ce013625030ba8dba906f756967f9e9ca394464a");
    });

    it("hashes strings as UTF-8, like git hash-object of a file holding them", () => {
      assert.equal(gitBlobHash("café \u{1F600}\n"), gitHashObjectOfFile("café \u{1F600}\n"));
    });
  });

  describe("listInputEntries + formatManifest against git ls-tree", () => {
    const cases: Record<string, string[]> = {
      "the whole tree": ["."],
      "nested directories": ["src"],
      "a single file": ["bin/run.sh"],
      "a symlink input, not followed": ["link-to-src"],
      "overlapping inputs": ["src", "src/lib", "src/main.c", "src/lib/deep/er/util.c", "src"],
      "a trailing slash": ["src/", "with space.txt"],
      "non-ASCII and awkward names": ["names", "empty.txt"],
      "byte order rather than UTF-16 order": ["order"],
      "inputs given out of order": ["order/z", "bin", "order/a"],
    };
    for (const [title, inputs] of Object.entries(cases)) {
      it(`lists ${title} exactly as git does`, () => {
        const expected = gitListing(root, inputs);
        assert.notEqual(expected, "");
        assert.equal(formatManifest(listInputEntries(root, inputs)), expected);
      });
    }

    it("quotes every awkward name the file system allowed, as git does", () => {
      // Linux allows all of them; this documents that the comparison above really covered them.
      assert.deepEqual(awkwardNames, process.platform === "win32" ? [] : AWKWARD_NAMES);
      const listing = formatManifest(listInputEntries(root, ["names"]));
      assert.match(listing, /\t"names\/tab\\there"\n/);
      assert.match(listing, /\t"names\/quote\\"d"\n/);
      assert.match(listing, /\t"names\/new\\nline"\n/);
      assert.match(listing, /\t"names\/caf\\303\\251.txt"\n/);
    });

    it("reports modes, blob hashes and unquoted paths in the entries", () => {
      assert.deepEqual(listInputEntries(root, ["bin", "src/link-to-main", "empty.txt"]), [
        { mode: "100644", sha1: gitBlobHash("x"), path: "bin/group-exec-only" },
        { mode: "100755", sha1: gitBlobHash("x"), path: "bin/owner-only-exec" },
        { mode: "100755", sha1: gitBlobHash("#!/bin/sh\necho run\n"), path: "bin/run.sh" },
        { mode: "100644", sha1: "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", path: "empty.txt" },
        { mode: "120000", sha1: gitBlobHash("main.c"), path: "src/link-to-main" },
      ]);
      assert.deepEqual(
        listInputEntries(root, ["order"]).map((entry) => entry.path),
        [
          "order/a-b",
          "order/a.b",
          "order/a/b",
          "order/a0",
          "order/z",
          "order/\uE000",
          "order/\uFFFD",
          "order/\u{1F600}",
        ],
      );
    });

    it("gives a tag equal to git hash-object of the manifest file", () => {
      const { manifest, tag, entries } = computeImageTag(root, ["src", "bin/run.sh"]);
      assert.equal(manifest, gitListing(root, ["src", "bin/run.sh"]));
      assert.equal(entries.length, 6);
      assert.equal(tag, gitHashObjectOfFile(manifest));
    });

    it("gives the tag of the eksctl pipeline `git ls-tree ... | git hash-object --stdin`", () => {
      const listing = git(root, ["ls-tree", "-r", "--full-tree", "HEAD", "--", "."]);
      const gitTag = git(root, ["hash-object", "--stdin"], listing).toString().trim();
      assert.equal(computeImageTag(root, ["."]).tag, gitTag);
    });
  });

  describe("trees git cannot describe for us", () => {
    let plain: string;

    beforeEach(() => {
      plain = makeTree({ "keep.txt": "keep\n", "sub/.git/config": "x", "sub/.GIT": "y" });
    });

    afterEach(() => {
      fs.rmSync(plain, { recursive: true, force: true });
    });

    it("needs no git and skips .git entries in any letter case", () => {
      assert.deepEqual(listInputEntries(plain, ["."]), [
        { mode: "100644", sha1: gitBlobHash("keep\n"), path: "keep.txt" },
      ]);
    });

    it("contributes nothing for an empty directory", () => {
      fs.mkdirSync(path.join(plain, "empty", "deeper"), { recursive: true });
      assert.deepEqual(listInputEntries(plain, ["empty"]), []);
    });

    it("hashes a file above the whole-file limit in chunks, like git hash-object", () => {
      const big = Buffer.alloc(64 * 1024 * 1024 + 3, "ab");
      big[big.length - 1] = 0x0a;
      fs.writeFileSync(path.join(plain, "big.bin"), big);
      const expected = git(plain, ["hash-object", "big.bin"]).toString().trim();
      assert.deepEqual(listInputEntries(plain, ["big.bin"]), [
        { mode: "100644", sha1: expected, path: "big.bin" },
      ]);
    });

    it("refuses a file name that is not valid UTF-8", function () {
      const name = Buffer.concat([
        Buffer.from(path.join(plain, "sub") + path.sep),
        Buffer.from([0x61, 0xff]),
      ]);
      try {
        fs.writeFileSync(name, "z");
      } catch {
        // macOS and Windows file systems refuse such names, so the case cannot arise there.
        this.skip();
      }
      assert.throws(() => listInputEntries(plain, ["sub"]), {
        message: `file name "a\uFFFD" in ${path.join(plain, "sub")} is not valid UTF-8`,
      });
    });
  });

  describe("unusable inputs", () => {
    const cases: Array<[string, string[], (root: string) => string]> = [
      [
        "a missing input",
        ["src", "nope"],
        (r) => `build image input "nope" does not exist under ${r}`,
      ],
      [
        "a missing file in an existing directory",
        ["src/nope.c"],
        (r) => `build image input "src/nope.c" does not exist under ${r}`,
      ],
      [
        "a file given as a directory",
        ["empty.txt/"],
        (r) => `build image input "empty.txt/" does not exist under ${r}`,
      ],
      [
        "a path below a file",
        ["empty.txt/x"],
        (r) => `build image input "empty.txt/x" does not exist under ${r}`,
      ],
      [
        "an absolute path",
        ["/etc/passwd"],
        (r) => `build image input "/etc/passwd" must be a relative path inside ${r}`,
      ],
      [
        "a parent path",
        [".."],
        (r) => `build image input ".." must be a relative path inside ${r}`,
      ],
      [
        "a path escaping through ..",
        ["src/../../etc"],
        (r) => `build image input "src/../../etc" must be a relative path inside ${r}`,
      ],
      ["an empty path", [""], (r) => `build image input "" must be a relative path inside ${r}`],
      [
        "a path through a symlink",
        ["link-to-src/main.c"],
        (r) =>
          `build image input "link-to-src/main.c" goes through the symlink "link-to-src" under ${r}; git does not follow symlinks`,
      ],
      [
        "a path into .git",
        [".git/config"],
        () => `build image input ".git/config" is inside a .git directory, which git never lists`,
      ],
      [
        "no inputs at all",
        [],
        (r) => `build image inputs must name at least one file or directory under ${r}`,
      ],
    ];
    for (const [title, inputs, message] of cases) {
      it(`throws for ${title}`, () => {
        assert.throws(() => listInputEntries(root, inputs), { message: message(root) });
      });
    }

    it("names the root as the caller gave it", () => {
      const relativeRoot = path.relative(process.cwd(), root);
      assert.throws(() => computeImageTag(relativeRoot, ["nope"]), {
        message: `build image input "nope" does not exist under ${relativeRoot}`,
      });
    });
  });

  describe("build arguments", () => {
    const entry = { mode: "100644", sha1: gitBlobHash("x"), path: "a b" } as const;

    it("follows the files, one line each, sorted by name in byte order", () => {
      assert.equal(
        formatManifest([entry], { b: "2", B: "1=one", _x: "", A: "with spaces" }),
        `100644 blob ${gitBlobHash("x")}\ta b\n` +
          "build-arg A=with spaces\n" +
          "build-arg B=1=one\n" +
          "build-arg _x=\n" +
          "build-arg b=2\n",
      );
    });

    it("does not depend on the order the arguments were given in", () => {
      assert.equal(
        computeImageTag(root, ["src"], { X: "1", Y: "2" }).tag,
        computeImageTag(root, ["src"], { Y: "2", X: "1" }).tag,
      );
    });

    it("changes the tag, and only by the appended lines", () => {
      const plain = computeImageTag(root, ["src"]);
      const withArgs = computeImageTag(root, ["src"], { VERSION: "1.2" });
      assert.equal(withArgs.manifest, `${plain.manifest}build-arg VERSION=1.2\n`);
      assert.notEqual(withArgs.tag, plain.tag);
      assert.equal(withArgs.tag, gitHashObjectOfFile(withArgs.manifest));
    });

    it("validates names", () => {
      assert.equal(validateBuildArgName("GO_VERSION"), undefined);
      assert.equal(validateBuildArgName("_a1"), undefined);
      assert.equal(
        validateBuildArgName("1A"),
        'build argument name "1A" must match ^[A-Za-z_][A-Za-z0-9_]*$',
      );
      assert.equal(
        validateBuildArgName("A-B"),
        'build argument name "A-B" must match ^[A-Za-z_][A-Za-z0-9_]*$',
      );
      assert.equal(
        validateBuildArgName(""),
        'build argument name "" must match ^[A-Za-z_][A-Za-z0-9_]*$',
      );
    });

    it("validates values", () => {
      assert.equal(validateBuildArgValue('a b=c "d" é'), undefined);
      assert.equal(validateBuildArgValue(""), undefined);
      assert.equal(
        validateBuildArgValue("a\nb"),
        "build argument value must not contain line breaks",
      );
      assert.equal(
        validateBuildArgValue("a\rb"),
        "build argument value must not contain line breaks",
      );
    });

    it("refuses to format an invalid argument", () => {
      assert.throws(() => formatManifest([], { "A B": "x" }), {
        message:
          'build argument name "A B" must match ^[A-Za-z_][A-Za-z0-9_]*$ (build argument "A B")',
      });
      assert.throws(() => formatManifest([], { A: "x\nbuild-arg B=y" }), {
        message: 'build argument value must not contain line breaks (build argument "A")',
      });
    });
  });

  describe("tag stability", () => {
    let tree: string;

    beforeEach(() => {
      tree = makeTree({ "in/a.txt": "alpha\n", "in/b/c.txt": "gamma\n", "out/x.txt": "x\n" });
    });

    afterEach(() => {
      fs.rmSync(tree, { recursive: true, force: true });
    });

    it("changes when one byte of one input changes", () => {
      const before = computeImageTag(tree, ["in"]).tag;
      fs.writeFileSync(path.join(tree, "in/b/c.txt"), "gammA\n");
      assert.notEqual(computeImageTag(tree, ["in"]).tag, before);
    });

    it("changes when an input becomes executable", () => {
      const before = computeImageTag(tree, ["in"]).tag;
      fs.chmodSync(path.join(tree, "in/a.txt"), 0o755);
      assert.notEqual(computeImageTag(tree, ["in"]).tag, before);
    });

    it("does not change when a file outside the inputs changes", () => {
      const before = computeImageTag(tree, ["in"]);
      fs.writeFileSync(path.join(tree, "out/x.txt"), "y\n");
      fs.writeFileSync(path.join(tree, "out/new.txt"), "new\n");
      assert.deepEqual(computeImageTag(tree, ["in"]), before);
    });

    it("does not change when only an empty directory appears", () => {
      const before = computeImageTag(tree, ["in"]);
      fs.mkdirSync(path.join(tree, "in/nothing"));
      assert.deepEqual(computeImageTag(tree, ["in"]), before);
    });
  });

  describe("quotePath", () => {
    it("leaves plain paths and spaces alone", () => {
      assert.equal(quotePath("dir/with space/file.txt"), "dir/with space/file.txt");
    });

    it("uses C escapes and octal UTF-8 bytes inside double quotes", () => {
      assert.equal(quotePath('a"b\\c'), '"a\\"b\\\\c"');
      assert.equal(
        quotePath("\u0007\b\t\n\u000b\f\r\u0001\u001f\u007f"),
        '"\\a\\b\\t\\n\\v\\f\\r\\001\\037\\177"',
      );
      assert.equal(quotePath("é\u{1F600}"), '"\\303\\251\\360\\237\\230\\200"');
    });
  });

  describe("compareUtf8", () => {
    it("orders like Buffer.compare of the UTF-8 bytes, unlike JS string order", () => {
      const samples = [
        "a",
        "a-b",
        "a/b",
        "a.b",
        "a0",
        "",
        "\u007f",
        "é",
        "\uE000",
        "\uFFFD",
        "\u{1F600}",
        "\u{10FFFF}",
        "ab",
      ];
      for (const a of samples) {
        for (const b of samples) {
          const expected = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
          assert.equal(Math.sign(compareUtf8(a, b)), expected, `${a} vs ${b}`);
        }
      }
      assert.equal("\u{1F600}" < "\uFFFD", true);
      assert.equal(compareUtf8("\u{1F600}", "\uFFFD") > 0, true);
    });
  });

  describe("image-tag CLI", () => {
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
      [
        "a build arg without value",
        ["/repo", "src", "--build-arg"],
        "--build-arg needs NAME=VALUE",
      ],
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
});
