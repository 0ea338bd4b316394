import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  computeImageTag,
  gitBlobHash,
  ImageTag,
  STAT_CACHE_VERSION,
} from "../../../components/image/manifest";
import { git } from "../../support/gitFixtures";
import {
  INPUT_FILES,
  REGULAR_FILES,
  LONG_AGO,
  readCache,
  entryOf,
  countingReads,
  useStatCacheTree,
} from "../../support/statCacheFixture";

describe("image/manifest stat cache", () => {
  const c = useStatCacheTree();

  describe("results", () => {
    it("are the same without a cache, with a cold one and with a warm one, and equal git's", () => {
      git(c.tree, ["init", "-q"]);
      git(c.tree, ["add", "-A"]);
      git(c.tree, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "fixture"]);
      const listing = git(c.tree, ["ls-tree", "-r", "--full-tree", "HEAD", "--", "in"]);
      const manifest = `${listing.toString("utf8")}build-arg V=1\n`;
      const tag = git(c.tree, ["hash-object", "--stdin"], Buffer.from(manifest)).toString().trim();

      assert.equal(c.uncached.manifest, manifest);
      assert.equal(c.uncached.tag, tag);
      assert.equal(fs.existsSync(c.cacheFile), false);
      assert.deepEqual(c.cachedRun(), c.uncached, "cold");
      assert.equal(fs.existsSync(c.cacheFile), true);
      assert.deepEqual(c.cachedRun(), c.uncached, "warm");
      assert.deepEqual(c.cachedRun(), c.uncached, "warm again");
    });

    it("are the same for a whole-tree input, where the cache would be an input and is not used", () => {
      const inside = path.join(c.tree, "node_modules", ".cache", "buildenv", "image-manifest.json");
      const expected = computeImageTag(c.tree, ["."]);
      assert.deepEqual(computeImageTag(c.tree, ["."], {}, { cacheFile: inside }), expected);
      assert.deepEqual(computeImageTag(c.tree, ["."], {}, { cacheFile: inside }), expected);
      assert.equal(fs.existsSync(path.join(c.tree, "node_modules")), false);
    });
  });

  describe("the cache file", () => {
    it("is JSON with the version, the root, the moment and each listed file's lstat and hash", () => {
      c.cachedRun();
      const cache = readCache(c.cacheFile);
      assert.deepEqual(Object.keys(cache).sort(), ["entries", "racyFromMs", "root", "version"]);
      assert.equal(cache.version, STAT_CACHE_VERSION);
      assert.equal(cache.version, 1);
      assert.equal(cache.root, c.tree);
      assert.equal(typeof cache.racyFromMs, "number");
      assert.ok(cache.racyFromMs > LONG_AGO.getTime(), `${cache.racyFromMs}`);
      assert.deepEqual(Object.keys(cache.entries).sort(), [...INPUT_FILES].sort());
      for (const file of INPUT_FILES) {
        const sha1 = c.uncached.entries.find((entry) => entry.path === file)?.sha1 ?? "missing";
        assert.deepEqual(cache.entries[file], entryOf(path.join(c.tree, file), sha1), file);
      }
      assert.equal(cache.entries["in/b/link"][5], gitBlobHash("c.txt"));
      // Nothing but the cache itself is left in its directory: the temporary file was renamed.
      assert.deepEqual(fs.readdirSync(path.dirname(c.cacheFile)), ["image-manifest.json"]);
    });

    it("is not rewritten by a run that found every file unchanged", () => {
      c.cachedRun();
      const written = fs.statSync(c.cacheFile);
      c.cachedRun();
      const after = fs.statSync(c.cacheFile);
      // The rename of a rewrite would have put a new inode in place.
      assert.deepEqual([after.ino, after.mtimeMs], [written.ino, written.mtimeMs]);
    });

    it("drops the entries of files no longer listed", () => {
      c.cachedRun();
      fs.rmSync(path.join(c.tree, "in", "b"), { recursive: true });
      const result = c.cachedRun();
      assert.deepEqual(result, computeImageTag(c.tree, ["in"], { V: "1" }));
      assert.deepEqual(Object.keys(readCache(c.cacheFile).entries).sort(), [
        "in/123",
        "in/__proto__",
        "in/a.txt",
        "in/café \u{1F600}.txt",
      ]);
    });
  });

  describe("a warm run", () => {
    it("reads no file contents, only the cache", () => {
      const cold = countingReads(c.tree, () => c.cachedRun());
      assert.deepEqual(cold.value, c.uncached);
      // The wrapper sees what the library does: every regular file opened, the link read.
      assert.deepEqual(
        cold.counts.opened.filter((file) => !file.startsWith("..")).sort(),
        [...REGULAR_FILES].sort(),
      );
      assert.deepEqual(cold.counts.linksRead, ["in/b/link"]);
      assert.ok(cold.counts.reads >= REGULAR_FILES.length, `${cold.counts.reads} reads`);

      const warm = countingReads(c.tree, () => c.cachedRun());
      assert.deepEqual(warm.value, c.uncached);
      assert.deepEqual(warm.counts, {
        opened: [],
        linksRead: [],
        reads: 0,
        readWhole: [path.relative(c.tree, c.cacheFile)],
      });
    });

    it("hashes only the files that changed", () => {
      c.cachedRun();
      fs.writeFileSync(path.join(c.tree, "in/a.txt"), "alpha, longer\n");
      const { value, counts } = countingReads(c.tree, () => c.cachedRun());
      assert.deepEqual(value, computeImageTag(c.tree, ["in"], { V: "1" }));
      assert.notEqual(value.tag, c.uncached.tag);
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
        const file = path.join(c.tree, "in/a.txt");
        if (before !== undefined) {
          before(file);
          fs.lutimesSync(file, LONG_AGO, LONG_AGO);
          c.uncached = computeImageTag(c.tree, ["in"], { V: "1" });
        }
        assert.deepEqual(c.cachedRun(), c.uncached);
        change(file);
        const result = c.cachedRun();
        assert.deepEqual(result, computeImageTag(c.tree, ["in"], { V: "1" }));
        assert.notEqual(result.tag, c.uncached.tag);
        assert.deepEqual(
          result.entries.find((listed) => listed.path === "in/a.txt"),
          { ...entry, path: "in/a.txt" },
        );
        assert.deepEqual(readCache(c.cacheFile).entries["in/a.txt"], entryOf(file, entry.sha1));
      });
    }
  });
});
