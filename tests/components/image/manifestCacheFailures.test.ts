import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import {
  computeImageTag,
  gitBlobHash,
  STAT_CACHE_VERSION,
  StatCacheFile,
} from "../../../components/image/manifest";
import { runStack } from "../../support/stack";
import {
  INPUT_FILES,
  readCache,
  writeCache,
  entryOf,
  useStatCacheTree,
} from "../../support/statCacheFixture";

describe("image/manifest stat cache, racy and unusable", () => {
  const c = useStatCacheTree();

  describe("racily clean entries", () => {
    /**
     * The racy case: the cache holds the stats an edited file has now (as when the edit came in
     * the same clock tick as the hashing, so neither mtime nor ctime moved) but the old hash. The
     * file's mtime is set to `mtimeFromRacy` milliseconds after the cache's recorded moment.
     */
    function editUnseen(mtimeFromRacy: number): string {
      c.cachedRun();
      const cache = readCache(c.cacheFile);
      const file = path.join(c.tree, "in/a.txt");
      const oldSha1 = cache.entries["in/a.txt"][5];
      fs.writeFileSync(file, "ALPHA\n");
      // Whole seconds, so the mtime is exactly what was asked for.
      const tick = Math.floor(cache.racyFromMs / 1000);
      fs.utimesSync(file, tick, tick + mtimeFromRacy / 1000);
      cache.racyFromMs = tick * 1000;
      cache.entries["in/a.txt"] = entryOf(file, oldSha1);
      writeCache(c.cacheFile, cache);
      assert.equal(fs.lstatSync(file).mtimeMs, cache.racyFromMs + mtimeFromRacy);
      return oldSha1;
    }

    it("are hashed again when the mtime equals the moment the cache was taken", () => {
      editUnseen(0);
      const result = c.cachedRun();
      assert.deepEqual(result, computeImageTag(c.tree, ["in"], { V: "1" }));
      assert.equal(
        result.entries.find((entry) => entry.path === "in/a.txt")?.sha1,
        gitBlobHash("ALPHA\n"),
      );
    });

    it("are hashed again when the mtime is after that moment", () => {
      editUnseen(1000);
      assert.equal(
        c.cachedRun().entries.find((entry) => entry.path === "in/a.txt")?.sha1,
        gitBlobHash("ALPHA\n"),
      );
    });

    it("are trusted once strictly older than the moment, which is why the check matters", () => {
      const oldSha1 = editUnseen(-1000);
      assert.equal(oldSha1, gitBlobHash("alpha\n"));
      assert.equal(c.cachedRun().entries.find((entry) => entry.path === "in/a.txt")?.sha1, oldSha1);
    });
  });

  describe("an unusable cache", () => {
    /** A cache that would give a wrong hash for in/a.txt if it were believed. */
    function lyingCache(): StatCacheFile {
      c.cachedRun();
      const cache = readCache(c.cacheFile);
      cache.entries["in/a.txt"][5] = "0".repeat(40);
      return cache;
    }

    it("is believed when it is well-formed (so the cases below test something)", () => {
      writeCache(c.cacheFile, lyingCache());
      assert.equal(
        c.cachedRun().entries.find((entry) => entry.path === "in/a.txt")?.sha1,
        "0".repeat(40),
      );
    });

    const cases: Array<[string, (cache: StatCacheFile) => unknown]> = [
      ["of another version", (cache) => ({ ...cache, version: STAT_CACHE_VERSION + 1 })],
      ["without a version", ({ version: _version, ...rest }) => rest],
      ["of another root", (cache) => ({ ...cache, root: path.join(c.tree, "elsewhere") })],
      ["with a moment that is not a number", (cache) => ({ ...cache, racyFromMs: "later" })],
      // JSON.parse reads 1e999 as Infinity, which would make every entry look old enough.
      [
        "with a moment beyond all numbers",
        (cache) => JSON.stringify(cache).replace(/"racyFromMs":[^,]+/, '"racyFromMs":1e999'),
      ],
      ["with entries that are not an object", (cache) => ({ ...cache, entries: [] })],
      [
        "with an entry of the wrong shape",
        (cache) => ({
          ...cache,
          entries: { ...cache.entries, "in/a.txt": { sha1: cache.entries["in/a.txt"][5] } },
        }),
      ],
      [
        "with an entry with one field too many",
        (cache) => ({
          ...cache,
          entries: { ...cache.entries, "in/a.txt": [...cache.entries["in/a.txt"], "extra"] },
        }),
      ],
      [
        "with an entry whose hash is not a sha1",
        (cache) => ({
          ...cache,
          entries: {
            ...cache.entries,
            "in/a.txt": [...cache.entries["in/a.txt"].slice(0, 5), "not a hash"],
          },
        }),
      ],
      ["that is null", () => null],
      ["that is an array", (cache) => [cache]],
    ];
    for (const [title, corrupt] of cases) {
      it(`is ignored and rewritten when ${title}`, () => {
        writeCache(c.cacheFile, corrupt(lyingCache()));
        assert.deepEqual(c.cachedRun(), c.uncached);
        const rewritten = readCache(c.cacheFile);
        assert.equal(rewritten.version, STAT_CACHE_VERSION);
        assert.equal(rewritten.root, c.tree);
        assert.deepEqual(
          rewritten.entries["in/a.txt"],
          entryOf(path.join(c.tree, "in/a.txt"), gitBlobHash("alpha\n")),
        );
        assert.deepEqual(Object.keys(rewritten.entries).sort(), [...INPUT_FILES].sort());
      });
    }

    for (const [title, text] of [
      ["not JSON", '{"version": 1, "root": '],
      ["empty", ""],
      ["binary", "\u0000\uFFFF\u0001"],
    ]) {
      it(`is ignored and rewritten when it is ${title}`, () => {
        fs.mkdirSync(path.dirname(c.cacheFile), { recursive: true });
        fs.writeFileSync(c.cacheFile, text);
        assert.deepEqual(c.cachedRun(), c.uncached);
        assert.equal(readCache(c.cacheFile).version, STAT_CACHE_VERSION);
      });
    }
  });

  describe("a cache that cannot be written", () => {
    it("does not fail when its directory cannot be created", () => {
      const blocked = path.join(c.tree, "out", "x.txt", "image-manifest.json");
      assert.deepEqual(c.cachedRun(blocked), c.uncached);
      assert.deepEqual(c.cachedRun(blocked), c.uncached);
      assert.equal(fs.existsSync(blocked), false);
    });

    it("does not fail, nor leave its temporary file, when a directory is in its place", () => {
      fs.mkdirSync(c.cacheFile, { recursive: true });
      assert.deepEqual(c.cachedRun(), c.uncached);
      assert.deepEqual(fs.readdirSync(path.dirname(c.cacheFile)), ["image-manifest.json"]);
      assert.equal(fs.statSync(c.cacheFile).isDirectory(), true);
    });

    it("does not fail in a read-only directory", function () {
      if (process.getuid?.() === 0) {
        // Permissions do not stop root; the cases above cover a failing write for root too.
        this.skip();
      }
      fs.mkdirSync(path.dirname(c.cacheFile));
      fs.chmodSync(path.dirname(c.cacheFile), 0o555);
      try {
        assert.deepEqual(c.cachedRun(), c.uncached);
        assert.deepEqual(fs.readdirSync(path.dirname(c.cacheFile)), []);
      } finally {
        fs.chmodSync(path.dirname(c.cacheFile), 0o755);
      }
    });
  });

  describe("the program", () => {
    it("keeps the cache in node_modules/.cache/buildenv under the root", async () => {
      fs.mkdirSync(path.join(c.tree, "images", "build"), { recursive: true });
      fs.writeFileSync(path.join(c.tree, "images", "build", "Dockerfile"), "FROM scratch\n");
      const expectedTag = computeImageTag(c.tree, ["images/build"]).tag;
      const config = { "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" } };
      const { outputs } = await runStack(config, { root: c.tree });
      assert.equal(outputs.buildImageTag, expectedTag);
      const cache = readCache(
        path.join(c.tree, "node_modules", ".cache", "buildenv", "image-manifest.json"),
      );
      assert.equal(cache.root, c.tree);
      assert.deepEqual(Object.keys(cache.entries), ["images/build/Dockerfile"]);
      assert.equal((await runStack(config, { root: c.tree })).outputs.buildImageTag, expectedTag);
    });
  });
});
