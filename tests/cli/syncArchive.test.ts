/**
 * The archive a sync sends (cli/workspace/syncArchive.ts archiveOf), written straight into
 * large buffers: read back by the system tar (GNU tar checks every header's checksum) and
 * compared with the checkout, and its hashes with `git hash-object`.
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliError } from "../../cli/workspace/process";
import { Progress } from "../../cli/workspace/progress";
import { archiveOf, memoryEntry, scanCheckout } from "../../cli/workspace/syncArchive";
import { SyncIndex } from "../../cli/workspace/syncIndex";
import { LocalEntry } from "../../cli/workspace/syncManifest";

const gitHash = (file: string) =>
  execFileSync("git", ["hash-object", "--no-filters", file], { encoding: "utf8" }).trim();

/** The system tar's extraction (it warns of the mtimes sync rounds up past now: not shown). */
const extract = (archive: Buffer, dir: string) =>
  execFileSync("tar", ["-x", "-C", dir], {
    input: archive,
    maxBuffer: 1 << 26,
    stdio: ["pipe", "pipe", "pipe"],
  });

/** The system tar's verbose listing of `archive`, without the owner column. */
function tarListing(archive: Buffer): string[] {
  return execFileSync("tar", ["--full-time", "--numeric-owner", "-tvf", "-"], {
    input: archive,
    env: { ...process.env, TZ: "UTC" },
    encoding: "utf8",
    maxBuffer: 1 << 26,
  })
    .trim()
    .split("\n")
    .map((line) => line.replace(/^(\S+) \S+\s+/, "$1 "));
}

describe("cli/workspace/syncArchive archiveOf", function () {
  this.timeout(20_000);
  let root: string;
  let checkout: string;
  let index: SyncIndex;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-archive-"));
    checkout = path.join(root, "checkout");
    fs.mkdirSync(checkout);
    index = SyncIndex.open(path.join(root, "cache", "x.index"), undefined, undefined);
  });
  afterEach(() => {
    index.discard();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const write = (relative: string, data: Buffer | string, mtimeSec = 1_700_000_000) => {
    const file = path.join(checkout, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, data);
    fs.utimesSync(file, mtimeSec, mtimeSec);
  };

  /** The checkout's entries as a first sync sees them, with the lstats the archive reuses. */
  const scan = (files: string[]) => {
    const scanned = new Map<string, fs.BigIntStats>();
    const local: LocalEntry[] = scanCheckout(checkout, files, new Map(), index, scanned);
    return { local, scanned };
  };

  async function archive(
    { local, scanned }: ReturnType<typeof scan>,
    exactMtimes = false,
  ): Promise<{
    chunks: Buffer[];
    archive: Buffer;
    hashed: Map<string, { sha1: string; size: number }>;
  }> {
    const hashed = new Map<string, { sha1: string; size: number }>();
    const chunks: Buffer[] = [];
    const progress = new Progress({ write: () => true }, { label: "sync", now: () => 0 });
    for await (const chunk of archiveOf(
      checkout,
      local,
      new Set(),
      [memoryEntry(".buildenv-sync/pending", "journal\n")],
      () => [memoryEntry(".buildenv-sync/manifest", "last\n")],
      hashed,
      index,
      progress,
      exactMtimes,
      scanned,
    )) {
      chunks.push(chunk);
    }
    return { chunks, archive: Buffer.concat(chunks), hashed };
  }

  it("spans several buffers with headers, data and padding the system tar reads back", async () => {
    // 400 files of 5,000 bytes: two megabytes, so entries cross the 256 kB buffers' ends.
    const files: string[] = [];
    for (let i = 0; i < 400; i++) {
      const relative = `d${i % 7}/sub${i % 3}/f${i}.c`;
      write(relative, Buffer.alloc(5000, i % 251));
      files.push(relative);
    }
    write("empty", "");
    write("exactly-512", Buffer.alloc(512, 7));
    const long = `${"long-directory-name/".repeat(6)}file-with-a-name-past-ustar.txt`;
    write(long, "long name\n");
    fs.symlinkSync("d0/sub0/f0.c", path.join(checkout, "link"));
    files.push("empty", "exactly-512", long, "link");
    files.sort();
    const { chunks, archive: bytes, hashed } = await archive(scan(files));
    assert.ok(chunks.length >= 2, `${chunks.length} buffers`);

    const out = path.join(root, "out");
    fs.mkdirSync(out);
    extract(bytes, out);
    const tree = (dir: string) =>
      execFileSync("sh", ["-c", "find . -path ./.buildenv-sync -prune -o -print | sort"], {
        cwd: dir,
        encoding: "utf8",
      });
    assert.equal(tree(out), tree(checkout));
    for (const relative of files) {
      if (relative === "link") continue;
      assert.ok(
        fs
          .readFileSync(path.join(out, relative))
          .equals(fs.readFileSync(path.join(checkout, relative))),
        relative,
      );
    }
    assert.equal(fs.readlinkSync(path.join(out, "link")), "d0/sub0/f0.c");
    assert.equal(fs.readFileSync(path.join(out, ".buildenv-sync/pending"), "utf8"), "journal\n");
    assert.equal(fs.readFileSync(path.join(out, ".buildenv-sync/manifest"), "utf8"), "last\n");

    // Whole-second mtimes round up: these were set to whole seconds, so they stay.
    const listing = tarListing(bytes);
    assert.ok(listing.includes("-rw-r--r-- 5000 2023-11-14 22:13:20 d0/sub0/f0.c"), listing[3]);
    assert.ok(listing.includes("-rw-r--r-- 0 2023-11-14 22:13:20 empty"));
    // The files, their directories (d0-d6, 21 sub-directories, 6 long ones) and the two records.
    assert.equal(listing.length, files.length + 7 + 21 + 6 + 2);

    assert.equal(hashed.size, files.length);
    for (const relative of ["empty", "exactly-512", long, "d3/sub1/f10.c"]) {
      assert.deepEqual(hashed.get(relative), {
        sha1: gitHash(path.join(checkout, relative)),
        size: fs.statSync(path.join(checkout, relative)).size,
      });
    }
    // git's blob id of a symlink is that of its target's text.
    assert.equal(
      hashed.get("link")!.sha1,
      execFileSync("git", ["hash-object", "--stdin"], {
        input: "d0/sub0/f0.c",
        encoding: "utf8",
      }).trim(),
    );
  });

  for (const lead of [0, 512]) {
    it(`keeps every header whole where a buffer ends (a lead file of ${lead} bytes)`, async () => {
      // Entries of exactly 1,024 bytes (a new directory, then an empty file in it): some
      // directory header starts exactly where a 256 kB buffer ends, whichever the lead's size.
      write("0-lead", Buffer.alloc(lead, 1));
      const files = ["0-lead"];
      for (let i = 0; i < 1100; i++) {
        write(`d${String(i).padStart(4, "0")}/e`, "");
        files.push(`d${String(i).padStart(4, "0")}/e`);
      }
      const { chunks, archive: bytes } = await archive(scan(files));
      assert.ok(chunks.length >= 2, `${chunks.length} buffers`);
      const listing = tarListing(bytes);
      assert.equal(listing.length, 1 + 2 * 1100 + 2);
      assert.equal(listing.at(-2), "-rw-r--r-- 0 2023-11-14 22:13:20 d1099/e");
    });
  }

  it("writes exact mtimes as PAX records when asked", async () => {
    write("a.c", "int a;\n");
    const file = path.join(checkout, "a.c");
    fs.utimesSync(file, new Date(1_700_000_000_123), new Date(1_700_000_000_123));
    const { archive: bytes } = await archive(scan(["a.c"]), true);
    const out = path.join(root, "out");
    fs.mkdirSync(out);
    extract(bytes, out);
    assert.equal(
      fs.statSync(path.join(out, "a.c"), { bigint: true }).mtimeNs,
      fs.statSync(file, { bigint: true }).mtimeNs,
    );
  });

  it("sends a file larger than one read whole, hashed as git does", async () => {
    const data = Buffer.alloc((16 << 20) + 3000);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32BE(i, i);
    write("big.bin", data);
    write("after.txt", "after\n");
    const { archive: bytes, hashed } = await archive(scan(["after.txt", "big.bin"]));
    const out = path.join(root, "out");
    fs.mkdirSync(out);
    extract(bytes, out);
    assert.ok(fs.readFileSync(path.join(out, "big.bin")).equals(data));
    assert.equal(fs.readFileSync(path.join(out, "after.txt"), "utf8"), "after\n");
    assert.deepEqual(hashed.get("big.bin"), {
      sha1: gitHash(path.join(checkout, "big.bin")),
      size: data.length,
    });
  });

  it("sends what a file that shrank after its lstat still holds, and hashes that", async () => {
    write("a.txt", "0123456789\n");
    const scanned = scan(["a.txt"]);
    write("a.txt", "012\n");
    const { archive: bytes, hashed } = await archive(scanned);
    const out = path.join(root, "out");
    fs.mkdirSync(out);
    extract(bytes, out);
    assert.equal(fs.readFileSync(path.join(out, "a.txt"), "utf8"), "012\n");
    assert.deepEqual(hashed.get("a.txt"), { sha1: gitHash(path.join(checkout, "a.txt")), size: 4 });
    // The lstat no longer describes what was hashed: the index does not vouch for it.
    assert.equal(index.lookup("a.txt"), undefined);
  });

  it("stops with a message when a large file shrinks while it is read", async () => {
    write("big.bin", Buffer.alloc((16 << 20) + 1));
    const scanned = scan(["big.bin"]);
    write("big.bin", Buffer.alloc(1000));
    await assert.rejects(
      archive(scanned),
      (error: unknown) =>
        error instanceof CliError &&
        error.message === "sync: big.bin shrank while syncing; run sync again",
    );
  });

  it("names a file that disappeared after its lstat", async () => {
    write("gone.txt", "x\n");
    const scanned = scan(["gone.txt"]);
    fs.rmSync(path.join(checkout, "gone.txt"));
    await assert.rejects(
      archive(scanned),
      (error: unknown) =>
        error instanceof CliError &&
        error.message === "sync: gone.txt disappeared while syncing; run sync again",
    );
  });
});
