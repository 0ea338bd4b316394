import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  computeImageTag,
  gitBlobHash,
  formatManifest,
  listInputEntries,
  validateBuildArgName,
  validateBuildArgValue,
} from "../../../components/image/manifest";
import {
  AWKWARD_NAMES,
  gitHashObjectOfFile,
  gitListing,
  makeManifestFixture,
} from "../../support/manifestFixture";
import { git, makeTree } from "../../support/gitFixtures";

describe("image/manifest", () => {
  let root: string;
  let awkwardNames: string[];

  before(() => {
    ({ root, awkwardNames } = makeManifestFixture());
  });

  after(() => {
    fs.rmSync(root, { recursive: true, force: true });
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
});
