import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  computeImageTag,
  gitBlobHash,
  ImageTag,
  STAT_CACHE_VERSION,
} from "../../../components/image/manifest";
import { git } from "../../support/gitFixtures";
import {
  FIXTURE,
  INPUT_FILES,
  REGULAR_FILES,
  LONG_AGO,
  makeTree,
  readCache,
  entryOf,
  countingReads,
} from "../../support/statCacheFixture";

describe("image/manifest stat cache", () => {
  let tree: string;
  let cacheDir: string;
  let cacheFile: string;
  let uncached: ImageTag;

  const cachedRun = (file = cacheFile): ImageTag =>
    computeImageTag(tree, ["in"], { V: "1" }, { cacheFile: file });

  beforeEach(() => {
    tree = makeTree(FIXTURE);
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), "manifest-cache-dir-"));
    cacheFile = path.join(cacheDir, "sub", "image-manifest.json");
    uncached = computeImageTag(tree, ["in"], { V: "1" });
  });

  afterEach(() => {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  describe("results", () => {
    it("are the same without a cache, with a cold one and with a warm one, and equal git's", () => {
      git(tree, ["init", "-q"]);
      git(tree, ["add", "-A"]);
      git(tree, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "fixture"]);
      const listing = git(tree, ["ls-tree", "-r", "--full-tree", "HEAD", "--", "in"]);
      const manifest = `${listing.toString("utf8")}build-arg V=1\n`;
      const tag = git(tree, ["hash-object", "--stdin"], Buffer.from(manifest)).toString().trim();

      assert.equal(uncached.manifest, manifest);
      assert.equal(uncached.tag, tag);
      assert.equal(fs.existsSync(cacheFile), false);
      assert.deepEqual(cachedRun(), uncached, "cold");
      assert.equal(fs.existsSync(cacheFile), true);
      assert.deepEqual(cachedRun(), uncached, "warm");
      assert.deepEqual(cachedRun(), uncached, "warm again");
    });

    it("are the same for a whole-tree input, where the cache would be an input and is not used", () => {
      const inside = path.join(tree, "node_modules", ".cache", "buildenv", "image-manifest.json");
      const expected = computeImageTag(tree, ["."]);
      assert.deepEqual(computeImageTag(tree, ["."], {}, { cacheFile: inside }), expected);
      assert.deepEqual(computeImageTag(tree, ["."], {}, { cacheFile: inside }), expected);
      assert.equal(fs.existsSync(path.join(tree, "node_modules")), false);
    });
  });

  describe("the cache file", () => {
    it("is JSON with the version, the root, the moment and each listed file's lstat and hash", () => {
      cachedRun();
      const cache = readCache(cacheFile);
      assert.deepEqual(Object.keys(cache).sort(), ["entries", "racyFromMs", "root", "version"]);
      assert.equal(cache.version, STAT_CACHE_VERSION);
      assert.equal(cache.version, 1);
      assert.equal(cache.root, tree);
      assert.equal(typeof cache.racyFromMs, "number");
      assert.ok(cache.racyFromMs > LONG_AGO.getTime(), `${cache.racyFromMs}`);
      assert.deepEqual(Object.keys(cache.entries).sort(), [...INPUT_FILES].sort());
      for (const file of INPUT_FILES) {
        const sha1 = uncached.entries.find((entry) => entry.path === file)?.sha1 ?? "missing";
        assert.deepEqual(cache.entries[file], entryOf(path.join(tree, file), sha1), file);
      }
      assert.equal(cache.entries["in/b/link"][5], gitBlobHash("c.txt"));
      // Nothing but the cache itself is left in its directory: the temporary file was renamed.
      assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), ["image-manifest.json"]);
    });

    it("is not rewritten by a run that found every file unchanged", () => {
      cachedRun();
      const written = fs.statSync(cacheFile);
      cachedRun();
      const after = fs.statSync(cacheFile);
      // The rename of a rewrite would have put a new inode in place.
      assert.deepEqual([after.ino, after.mtimeMs], [written.ino, written.mtimeMs]);
    });

    it("drops the entries of files no longer listed", () => {
      cachedRun();
      fs.rmSync(path.join(tree, "in", "b"), { recursive: true });
      const result = cachedRun();
      assert.deepEqual(result, computeImageTag(tree, ["in"], { V: "1" }));
      assert.deepEqual(Object.keys(readCache(cacheFile).entries).sort(), [
        "in/123",
        "in/__proto__",
        "in/a.txt",
        "in/café \u{1F600}.txt",
      ]);
    });
  });

  describe("a warm run", () => {
    it("reads no file contents, only the cache", () => {
      const cold = countingReads(tree, () => cachedRun());
      assert.deepEqual(cold.value, uncached);
      // The wrapper sees what the library does: every regular file opened, the link read.
      assert.deepEqual(
        cold.counts.opened.filter((file) => !file.startsWith("..")).sort(),
        [...REGULAR_FILES].sort(),
      );
      assert.deepEqual(cold.counts.linksRead, ["in/b/link"]);
      assert.ok(cold.counts.reads >= REGULAR_FILES.length, `${cold.counts.reads} reads`);

      const warm = countingReads(tree, () => cachedRun());
      assert.deepEqual(warm.value, uncached);
      assert.deepEqual(warm.counts, {
        opened: [],
        linksRead: [],
        reads: 0,
        readWhole: [path.relative(tree, cacheFile)],
      });
    });

    it("hashes only the files that changed", () => {
      cachedRun();
      fs.writeFileSync(path.join(tree, "in/a.txt"), "alpha, longer\n");
      const { value, counts } = countingReads(tree, () => cachedRun());
      assert.deepEqual(value, computeImageTag(tree, ["in"], { V: "1" }));
      assert.notEqual(value.tag, uncached.tag);
      assert.deepEqual(
        counts.opened.filter((file) => !file.startsWith("..")),
        ["in/a.txt"],
      );
    });
  });

  describe("detects", () => {
    const replaceWithLink = (target: string) => (file: string) => {
      fs.rmSync(file);
      fs.symlinkSync(target, file);
    };
    const cases: Array<{
      title: string;
      before?: (file: string) => void;
      change: (file: string) => void;
      entry: Omit<ImageTag["entries"][0], "path">;
    }> = [
      {
        title: "an edit of the same size",
        change: (file) => fs.writeFileSync(file, "ALPHA\n"),
        entry: { mode: "100644", sha1: gitBlobHash("ALPHA\n") },
      },
      {
        title: "a chmod +x",
        change: (file) => fs.chmodSync(file, 0o755),
        entry: { mode: "100755", sha1: gitBlobHash("alpha\n") },
      },
      {
        title: "a file replaced by a symlink",
        change: replaceWithLink("b/c.txt"),
        entry: { mode: "120000", sha1: gitBlobHash("b/c.txt") },
      },
      {
        title: "a symlink replaced by one to a target of the same length",
        before: replaceWithLink("b/c.txt"),
        change: replaceWithLink("b/d.txt"),
        entry: { mode: "120000", sha1: gitBlobHash("b/d.txt") },
      },
    ];
    for (const { title, before, change, entry } of cases) {
      it(title, () => {
        const file = path.join(tree, "in/a.txt");
        if (before !== undefined) {
          before(file);
          fs.lutimesSync(file, LONG_AGO, LONG_AGO);
          uncached = computeImageTag(tree, ["in"], { V: "1" });
        }
        assert.deepEqual(cachedRun(), uncached);
        change(file);
        const result = cachedRun();
        assert.deepEqual(result, computeImageTag(tree, ["in"], { V: "1" }));
        assert.notEqual(result.tag, uncached.tag);
        assert.deepEqual(
          result.entries.find((listed) => listed.path === "in/a.txt"),
          { ...entry, path: "in/a.txt" },
        );
        assert.deepEqual(readCache(cacheFile).entries["in/a.txt"], entryOf(file, entry.sha1));
      });
    }
  });
});
