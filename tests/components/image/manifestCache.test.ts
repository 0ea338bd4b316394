import * as assert from "assert";
import fsModule from "fs";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  computeImageTag,
  gitBlobHash,
  ImageTag,
  STAT_CACHE_VERSION,
  StatCacheEntry,
  StatCacheFile,
} from "../../../components/image/manifest";
import { Fixture, git, makeTree as makeFixtureTree } from "../../support/gitFixtures";
import { runStack } from "../../support/stack";

const FIXTURE: Fixture = {
  "in/a.txt": "alpha\n",
  "in/b/c.txt": "gamma\n",
  "in/b/run.sh": { content: "#!/bin/sh\necho run\n", mode: 0o755 },
  "in/b/link": { symlinkTo: "c.txt" },
  "in/café \u{1F600}.txt": "accent\n",
  "in/__proto__": "a name that is special to JavaScript objects\n",
  "in/123": "a name that looks like an array index\n",
  "out/x.txt": "not an input\n",
};
const INPUT_FILES = [
  "in/123",
  "in/__proto__",
  "in/a.txt",
  "in/b/c.txt",
  "in/b/link",
  "in/b/run.sh",
  "in/café \u{1F600}.txt",
];
const REGULAR_FILES = INPUT_FILES.filter((file) => file !== "in/b/link");

/** A moment long before any cache of these tests, so that no entry is racily clean by chance. */
const LONG_AGO = new Date("2020-01-02T03:04:05Z");

/**
 * Files dated long ago: a file written in the clock tick its cache is taken in is (rightly)
 * hashed again on the next run, which tests that count reads must rule out.
 */
function makeTree(files: Fixture): string {
  return makeFixtureTree(files, { prefix: "manifest-cache-test-", mtime: LONG_AGO });
}

function readCache(cacheFile: string): StatCacheFile {
  return JSON.parse(fs.readFileSync(cacheFile, "utf8")) as StatCacheFile;
}

/** Writes a cache: a string as it is, anything else as JSON. */
function writeCache(cacheFile: string, content: unknown): void {
  fs.writeFileSync(cacheFile, typeof content === "string" ? content : JSON.stringify(content));
}

/** The cache entry a file's current lstat gives, with this hash. */
function entryOf(file: string, sha1: string): StatCacheEntry {
  const stats = fs.lstatSync(file);
  return [stats.size, stats.mtimeMs, stats.ctimeMs, stats.ino, stats.mode, sha1];
}

interface ReadCounts {
  /** Files opened, other than the cache file and its temporary files. */
  opened: string[];
  /** Symlinks whose target was read. */
  linksRead: string[];
  /** fs.readSync calls, on any file. */
  reads: number;
  /** Files read whole with fs.readFileSync. */
  readWhole: string[];
}

/**
 * Runs the work with fs.openSync, readSync, readlinkSync and readFileSync wrapped to record what
 * they are asked for, and restores them afterwards. Paths are reported relative to `root`.
 */
function countingReads<T>(root: string, work: () => T): { value: T; counts: ReadCounts } {
  const counts: ReadCounts = { opened: [], linksRead: [], reads: 0, readWhole: [] };
  const relative = (file: fs.PathLike | number): string =>
    typeof file === "number" ? `fd ${file}` : path.relative(root, file.toString());
  const originals = {
    openSync: fsModule.openSync,
    readSync: fsModule.readSync,
    readlinkSync: fsModule.readlinkSync,
    readFileSync: fsModule.readFileSync,
  };
  fsModule.openSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    counts.opened.push(relative(file));
    return (originals.openSync as (...args: unknown[]) => number)(file, ...rest);
  }) as typeof fs.openSync;
  fsModule.readSync = ((...args: unknown[]) => {
    counts.reads++;
    return (originals.readSync as (...args: unknown[]) => number)(...args);
  }) as typeof fs.readSync;
  fsModule.readlinkSync = ((file: fs.PathLike, ...rest: unknown[]) => {
    counts.linksRead.push(relative(file));
    return (originals.readlinkSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readlinkSync;
  fsModule.readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
    counts.readWhole.push(relative(file as fs.PathLike | number));
    return (originals.readFileSync as (...args: unknown[]) => unknown)(file, ...rest);
  }) as typeof fs.readFileSync;
  try {
    return { value: work(), counts };
  } finally {
    Object.assign(fsModule, originals);
  }
}

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
