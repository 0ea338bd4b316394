import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  computeImageTag,
  gitBlobHash,
  ImageTag,
  STAT_CACHE_VERSION,
  StatCacheFile,
} from "../../../components/image/manifest";
import { runStack } from "../../support/stack";
import {
  FIXTURE,
  INPUT_FILES,
  makeTree,
  readCache,
  writeCache,
  entryOf,
} from "../../support/statCacheFixture";

describe("image/manifest stat cache, racy and unusable", () => {
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

  describe("racily clean entries", () => {
    /**
     * The racy case: the cache holds the stats an edited file has now (as when the edit came in
     * the same clock tick as the hashing, so neither mtime nor ctime moved) but the old hash. The
     * file's mtime is set to `mtimeFromRacy` milliseconds after the cache's recorded moment.
     */
    function editUnseen(mtimeFromRacy: number): string {
      cachedRun();
      const cache = readCache(cacheFile);
      const file = path.join(tree, "in/a.txt");
      const oldSha1 = cache.entries["in/a.txt"][5];
      fs.writeFileSync(file, "ALPHA\n");
      // Whole seconds, so the mtime is exactly what was asked for.
      const tick = Math.floor(cache.racyFromMs / 1000);
      fs.utimesSync(file, tick, tick + mtimeFromRacy / 1000);
      cache.racyFromMs = tick * 1000;
      cache.entries["in/a.txt"] = entryOf(file, oldSha1);
      writeCache(cacheFile, cache);
      assert.equal(fs.lstatSync(file).mtimeMs, cache.racyFromMs + mtimeFromRacy);
      return oldSha1;
    }

    it("are hashed again when the mtime equals the moment the cache was taken", () => {
      editUnseen(0);
      const result = cachedRun();
      assert.deepEqual(result, computeImageTag(tree, ["in"], { V: "1" }));
      assert.equal(
        result.entries.find((entry) => entry.path === "in/a.txt")?.sha1,
        gitBlobHash("ALPHA\n"),
      );
    });

    it("are hashed again when the mtime is after that moment", () => {
      editUnseen(1000);
      assert.equal(
        cachedRun().entries.find((entry) => entry.path === "in/a.txt")?.sha1,
        gitBlobHash("ALPHA\n"),
      );
    });

    it("are trusted once strictly older than the moment, which is why the check matters", () => {
      const oldSha1 = editUnseen(-1000);
      assert.equal(oldSha1, gitBlobHash("alpha\n"));
      assert.equal(cachedRun().entries.find((entry) => entry.path === "in/a.txt")?.sha1, oldSha1);
    });
  });

  describe("an unusable cache", () => {
    /** A cache that would give a wrong hash for in/a.txt if it were believed. */
    function lyingCache(): StatCacheFile {
      cachedRun();
      const cache = readCache(cacheFile);
      cache.entries["in/a.txt"][5] = "0".repeat(40);
      return cache;
    }

    it("is believed when it is well-formed (so the cases below test something)", () => {
      writeCache(cacheFile, lyingCache());
      assert.equal(
        cachedRun().entries.find((entry) => entry.path === "in/a.txt")?.sha1,
        "0".repeat(40),
      );
    });

    const cases: Array<[string, (cache: StatCacheFile) => unknown]> = [
      ["of another version", (cache) => ({ ...cache, version: STAT_CACHE_VERSION + 1 })],
      ["without a version", ({ version: _version, ...rest }) => rest],
      ["of another root", (cache) => ({ ...cache, root: path.join(tree, "elsewhere") })],
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
        writeCache(cacheFile, corrupt(lyingCache()));
        assert.deepEqual(cachedRun(), uncached);
        const rewritten = readCache(cacheFile);
        assert.equal(rewritten.version, STAT_CACHE_VERSION);
        assert.equal(rewritten.root, tree);
        assert.deepEqual(
          rewritten.entries["in/a.txt"],
          entryOf(path.join(tree, "in/a.txt"), gitBlobHash("alpha\n")),
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
        fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
        fs.writeFileSync(cacheFile, text);
        assert.deepEqual(cachedRun(), uncached);
        assert.equal(readCache(cacheFile).version, STAT_CACHE_VERSION);
      });
    }
  });

  describe("a cache that cannot be written", () => {
    it("does not fail when its directory cannot be created", () => {
      const blocked = path.join(tree, "out", "x.txt", "image-manifest.json");
      assert.deepEqual(cachedRun(blocked), uncached);
      assert.deepEqual(cachedRun(blocked), uncached);
      assert.equal(fs.existsSync(blocked), false);
    });

    it("does not fail, nor leave its temporary file, when a directory is in its place", () => {
      fs.mkdirSync(cacheFile, { recursive: true });
      assert.deepEqual(cachedRun(), uncached);
      assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), ["image-manifest.json"]);
      assert.equal(fs.statSync(cacheFile).isDirectory(), true);
    });

    it("does not fail in a read-only directory", function () {
      if (process.getuid?.() === 0) {
        // Permissions do not stop root; the cases above cover a failing write for root too.
        this.skip();
      }
      fs.mkdirSync(path.dirname(cacheFile));
      fs.chmodSync(path.dirname(cacheFile), 0o555);
      try {
        assert.deepEqual(cachedRun(), uncached);
        assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), []);
      } finally {
        fs.chmodSync(path.dirname(cacheFile), 0o755);
      }
    });
  });

  describe("the program", () => {
    it("keeps the cache in node_modules/.cache/buildenv under the root", async () => {
      fs.mkdirSync(path.join(tree, "images", "build"), { recursive: true });
      fs.writeFileSync(path.join(tree, "images", "build", "Dockerfile"), "FROM scratch\n");
      const expectedTag = computeImageTag(tree, ["images/build"]).tag;
      const config = { "buildenv:host": { kind: "local", dockerHost: "unix:///tmp/d.sock" } };
      const { outputs } = await runStack(config, { root: tree });
      assert.equal(outputs.buildImageTag, expectedTag);
      const cache = readCache(
        path.join(tree, "node_modules", ".cache", "buildenv", "image-manifest.json"),
      );
      assert.equal(cache.root, tree);
      assert.deepEqual(Object.keys(cache.entries), ["images/build/Dockerfile"]);
      assert.equal((await runStack(config, { root: tree })).outputs.buildImageTag, expectedTag);
    });
  });
});
