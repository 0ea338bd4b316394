/**
 * The sync index against the system git: the index file byte for byte as `git update-index`
 * writes it, and what `git diff-files` reports against it (edits, touches, racily clean entries).
 */
import * as assert from "assert/strict";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  decodeEntry,
  encodeEntry,
  findEntry,
  formatIndex,
  indexEntryOf,
  indexablePath,
  readIndex,
} from "../../cli/workspace/gitIndexFile";
import { probeCheckout } from "../../cli/workspace/gitProbe";
import { SyncIndex } from "../../cli/workspace/syncIndex";

const PAST = new Date("2020-01-01T00:00:00Z");

function git(dir: string, args: string[], env: NodeJS.ProcessEnv = {}, input?: string): string {
  return execFileSync("git", args, {
    cwd: dir,
    env: { ...process.env, ...env },
    encoding: "utf8",
    input,
  });
}

/** The fixture git's own ls-files order checks: `-` and `.` sort before `/`, bytes not letters. */
const FILES: [string, string][] = [
  ["a.c", "1\n"],
  ["a/b.c", "2\n"],
  ["a-b.c", "3\n"],
  ["dir/sub/x", "4\n"],
  ["é.txt", "5\n"],
  ["exec.sh", "#!/bin/sh\n"],
];

describe("cli/workspace/gitIndexFile and syncIndex", function () {
  this.timeout(20_000);
  let dir: string;
  let work: string;

  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-syncindex-"));
    dir = path.join(work, "tree");
    for (const [name, text] of FILES) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
      fs.utimesSync(path.join(dir, name), PAST, PAST);
    }
    fs.chmodSync(path.join(dir, "exec.sh"), 0o755);
    fs.symlinkSync("a.c", path.join(dir, "link"));
    fs.lutimesSync(path.join(dir, "link"), PAST, PAST);
    git(dir, ["init", "-q"]);
  });

  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const names = () => [...FILES.map(([name]) => name), "link"];
  const blobOf = (name: string) =>
    name === "link"
      ? git(dir, ["hash-object", "--stdin"], {}, "a.c").trim()
      : git(dir, ["hash-object", name]).trim();
  const ourIndex = () =>
    formatIndex(
      new Map(
        names().map((name) => [
          name,
          encodeEntry(
            indexEntryOf(name, fs.lstatSync(path.join(dir, name), { bigint: true }), blobOf(name)),
          ),
        ]),
      ),
    );

  it("is byte for byte the index `git update-index --add` writes for the same files", () => {
    const theirs = path.join(work, "git.index");
    git(dir, ["update-index", "--add", "--", ...names()], { GIT_INDEX_FILE: theirs });
    assert.deepEqual(ourIndex(), fs.readFileSync(theirs));
  });

  it("is read by git: ls-files --stage lists its entries in git's order", () => {
    const ours = path.join(work, "ours.index");
    fs.writeFileSync(ours, ourIndex());
    assert.equal(
      git(dir, ["ls-files", "--stage"], { GIT_INDEX_FILE: ours }),
      [
        `100644 ${blobOf("a-b.c")} 0\ta-b.c`,
        `100644 ${blobOf("a.c")} 0\ta.c`,
        `100644 ${blobOf("a/b.c")} 0\ta/b.c`,
        `100644 ${blobOf("dir/sub/x")} 0\tdir/sub/x`,
        `100755 ${blobOf("exec.sh")} 0\texec.sh`,
        `120000 ${blobOf("link")} 0\tlink`,
        `100644 ${blobOf("é.txt")} 0\t"\\303\\251.txt"`,
        "",
      ].join("\n"),
    );
  });

  it("reads back what it wrote, and refuses a file that is not such an index", () => {
    const data = ourIndex();
    const read = readIndex(data)!;
    assert.deepEqual(
      [...read.starts.keys()],
      ["a-b.c", "a.c", "a/b.c", "dir/sub/x", "exec.sh", "link", "é.txt"],
    );
    const entry = decodeEntry(data, read.starts.get("exec.sh")!, "exec.sh");
    assert.deepEqual([entry.mode, entry.sha1, entry.size], [0o100755, blobOf("exec.sh"), 10]);
    const corrupt = Buffer.from(data);
    corrupt[100] ^= 1;
    const v3 = Buffer.from(data);
    v3.writeUInt32BE(3, 4);
    for (const bad of [corrupt, v3, data.subarray(0, 40), Buffer.from("DIRX"), Buffer.alloc(0)]) {
      assert.equal(readIndex(bad), undefined);
    }
  });

  it("finds an entry by its name only where that name is the whole name", () => {
    const data = ourIndex();
    const read = readIndex(data)!;
    // `b.c` is the tail of `a/b.c` and `a-b.c`, and not an entry.
    assert.equal(findEntry(data, "b.c"), undefined);
    assert.equal(findEntry(data, "a/b.c"), read.starts.get("a/b.c"));
    assert.equal(findEntry(data, "é.txt"), read.starts.get("é.txt"));
  });

  it("never caches a path git would refuse", () => {
    assert.deepEqual(
      ["a/.git/x", ".GIT", "a//b", "./a", "a/../b", "ok/.gitignore"].map(indexablePath),
      [false, false, false, false, false, true],
    );
  });

  /** The sync index in `file` as sync opens it: read, then git's diff-files against it. */
  async function openIndex(file: string, gitDir: string): Promise<SyncIndex> {
    const previous = SyncIndex.readPrevious(file);
    const { changed } = await probeCheckout(dir, previous && { file, gitDir });
    return SyncIndex.open(file, previous, changed);
  }

  /** The sync index of the fixture, through SyncIndex as sync writes it. */
  async function syncIndexOf(file: string, gitDir: string): Promise<void> {
    const index = await openIndex(file, gitDir);
    index.beforeHashing();
    for (const name of names()) {
      index.remember(name, fs.lstatSync(path.join(dir, name), { bigint: true }), blobOf(name));
    }
    index.save("hits");
  }

  it("git diff-files reports an edit, a mode change and a removal, not an untouched file", async () => {
    // The fixture's ctimes older than the index by more than its margin: none is smudged.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const file = path.join(work, "sync.index");
    await syncIndexOf(file, path.join(work, "git"));
    const data = fs.readFileSync(file);
    assert.equal(decodeEntry(data, readIndex(data)!.starts.get("a.c")!, "a.c").size, 2);
    // Same size, mtime put back: only the ctime tells.
    fs.writeFileSync(path.join(dir, "a.c"), "9\n");
    fs.utimesSync(path.join(dir, "a.c"), PAST, PAST);
    fs.chmodSync(path.join(dir, "a/b.c"), 0o755);
    fs.rmSync(path.join(dir, "dir/sub/x"));
    const changed = (await probeCheckout(dir, { file, gitDir: path.join(work, "git") })).changed;
    assert.deepEqual([...changed!].sort(), ["a.c", "a/b.c", "dir/sub/x"]);
  });

  it("smudges an entry changed in the second of the run (mtime or ctime), so git reports it", async () => {
    // Every fixture file's ctime is of this second (its mtime was set back): all smudged.
    const file = path.join(work, "sync.index");
    await syncIndexOf(file, path.join(work, "git"));
    const data = fs.readFileSync(file);
    const read = readIndex(data)!;
    assert.deepEqual(
      names().map((name) => decodeEntry(data, read.starts.get(name)!, name).size),
      names().map(() => 0),
    );
    const index = await openIndex(file, path.join(work, "git"));
    assert.deepEqual([...index.changed!].sort(), [...names()].sort());
    assert.equal(index.lookup("a.c"), undefined);
  });

  it("trusts an entry older than the run: git does not report it, lookup answers from it", async () => {
    const file = path.join(work, "sync.index");
    fs.writeFileSync(file, ourIndex());
    fs.writeFileSync(path.join(dir, "a-b.c"), "changed\n");
    const index = await openIndex(file, path.join(work, "git"));
    assert.deepEqual([...index.changed!], ["a-b.c"]);
    assert.equal(index.lookup("a-b.c"), undefined);
    assert.deepEqual(index.lookup("a.c"), { mode: "100644", sha1: blobOf("a.c"), size: 2 });
    assert.deepEqual(index.lookup("link"), { mode: "120000", sha1: blobOf("link"), size: 3 });
  });

  it("patches the previous index in place to the bytes a full write gives", async () => {
    const file = path.join(work, "sync.index");
    const gitDir = path.join(work, "git");
    fs.writeFileSync(file, ourIndex());
    fs.writeFileSync(path.join(dir, "a/b.c"), "edited\n");
    fs.utimesSync(path.join(dir, "a/b.c"), PAST, PAST);
    const edited = git(dir, ["hash-object", "a/b.c"]).trim();
    // Its ctime older than the run by more than the margin, so the entry is not smudged (git's
    // would not be).
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const index = await openIndex(file, gitDir);
    assert.deepEqual([...index.changed!], ["a/b.c"]);
    index.remember("a/b.c", fs.lstatSync(path.join(dir, "a/b.c"), { bigint: true }), edited);
    index.save("all");
    const theirs = path.join(work, "git.index");
    git(dir, ["update-index", "--add", "--", ...names()], { GIT_INDEX_FILE: theirs });
    assert.deepEqual(fs.readFileSync(file), fs.readFileSync(theirs));
    assert.equal(index.checksum, fs.readFileSync(theirs).toString("hex").slice(-40));
    assert.deepEqual([...(await openIndex(file, gitDir)).changed!], []);
  });
});

describe("cli/workspace/syncIndex in corner cases", function () {
  this.timeout(20_000);
  let work: string;
  let dir: string;
  const gitDir = () => path.join(work, "git");
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-syncindex-corner-"));
    dir = path.join(work, "tree");
    fs.mkdirSync(dir);
    git(dir, ["init", "-q"]);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const stat = (name: string) => fs.lstatSync(path.join(dir, name), { bigint: true });
  const hash = (name: string) => git(dir, ["hash-object", name]).trim();
  /** Writes the index of `names` (with their lstat and blob ids now) to `file`. */
  const writeIndexOf = (file: string, names: string[]) =>
    fs.writeFileSync(
      file,
      formatIndex(new Map(names.map((n) => [n, encodeEntry(indexEntryOf(n, stat(n), hash(n)))]))),
    );
  async function open(file: string): Promise<SyncIndex> {
    const previous = SyncIndex.readPrevious(file);
    const { changed } = await probeCheckout(dir, previous && { file, gitDir: gitDir() });
    return SyncIndex.open(file, previous, changed);
  }

  it("adds a path to the index in full when its name also stands in another entry's fields", async () => {
    for (const name of ["a", "b.c", "big.c"]) fs.writeFileSync(path.join(dir, name), `${name}\n`);
    const file = path.join(work, "sync.index");
    // big.c's inode field reads 00 01 61 00: a flags field of length 1, then "a" and a NUL, where
    // an entry of that name would start at an offset findEntry's alignment rule accepts.
    const entry = (name: string, ino: number) => ({
      ...indexEntryOf(name, stat(name), hash(name)),
      ino,
      mtimeSec: 1_000_000_000,
      ctimeSec: 1_000_000_000,
    });
    fs.writeFileSync(
      file,
      formatIndex(
        new Map([
          ["b.c", encodeEntry(entry("b.c", 7))],
          ["big.c", encodeEntry(entry("big.c", 0x00016100))],
        ]),
      ),
    );
    const index = await open(file);
    index.remember("a", stat("a"), hash("a"));
    index.save("all");
    assert.deepEqual(git(dir, ["ls-files"], { GIT_INDEX_FILE: file }).split("\n"), [
      "a",
      "b.c",
      "big.c",
      "",
    ]);
    assert.ok(readIndex(fs.readFileSync(file)));
  });

  it("smudges by the second the run began, in a later save of the run too", async () => {
    fs.writeFileSync(path.join(dir, "x.c"), "x\n");
    fs.writeFileSync(path.join(dir, "y.c"), "y\n");
    const file = path.join(work, "sync.index");
    const index = await open(file);
    index.beforeHashing();
    index.remember("x.c", stat("x.c"), hash("x.c"));
    index.save("all");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    index.remember("y.c", stat("y.c"), hash("y.c"));
    index.save("all");
    const data = fs.readFileSync(file);
    const starts = readIndex(data)!.starts;
    assert.deepEqual(
      ["x.c", "y.c"].map((name) => decodeEntry(data, starts.get(name)!, name).size),
      [0, 0],
    );
  });

  it("records a time before 1970 as git does, and saves", () => {
    fs.writeFileSync(path.join(dir, "old.c"), "old\n");
    execFileSync("touch", ["-d", "1969-12-31 12:00:00.5 UTC", path.join(dir, "old.c")]);
    const ours = path.join(work, "ours.index");
    const theirs = path.join(work, "git.index");
    git(dir, ["update-index", "--add", "old.c"], { GIT_INDEX_FILE: theirs });
    writeIndexOf(ours, ["old.c"]);
    assert.deepEqual(fs.readFileSync(ours), fs.readFileSync(theirs));
  });

  it("refuses a previous index whose bytes do not match its checksum (a write torn by a crash)", async () => {
    fs.writeFileSync(path.join(dir, "x.c"), "x\n");
    const file = path.join(work, "sync.index");
    writeIndexOf(file, ["x.c"]);
    const torn = fs.readFileSync(file);
    torn.fill(0, 12, 40);
    fs.writeFileSync(file, torn);
    const index = await open(file);
    assert.equal(index.changed, undefined);
    assert.equal(index.lookup("x.c"), undefined);
    assert.equal(index.checksum, undefined);
  });

  it("removes the temporary files killed syncs left, not those of a sync under way", () => {
    const file = path.join(work, "sync.index");
    // A pid no process has any more: that of a child that has exited.
    const gone = spawnSync("true").pid;
    const running = process.pid;
    const old = `${file}.${running}.abcdef.tmp`;
    const killed = `${file}.${gone}.fedcba.tmp`;
    const fresh = `${file}.${running}.012345.tmp`;
    const other = path.join(work, `other.index.${gone}.2.tmp`);
    for (const name of [old, killed, fresh, other]) fs.writeFileSync(name, "");
    const longAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(old, longAgo, longAgo);
    fs.utimesSync(other, longAgo, longAgo);
    assert.equal(SyncIndex.readPrevious(file), undefined);
    assert.deepEqual(
      [old, killed, fresh, other].map((name) => fs.existsSync(name)),
      [false, false, true, true],
    );
  });

  it("names no checksum when the index could not be written", async () => {
    fs.writeFileSync(path.join(dir, "x.c"), "x\n");
    fs.writeFileSync(path.join(work, "not-a-dir"), "");
    const index = await open(path.join(work, "not-a-dir", "sync.index"));
    index.remember("x.c", stat("x.c"), hash("x.c"));
    index.save("hits");
    assert.equal(index.checksum, undefined);
  });

  it("makes its private repository SHA-1 and alone, whatever the user's git environment", async () => {
    fs.writeFileSync(path.join(dir, "x.c"), "x\n");
    const file = path.join(work, "sync.index");
    writeIndexOf(file, ["x.c"]);
    const saved = { ...process.env };
    Object.assign(process.env, { GIT_DEFAULT_HASH: "sha256", GIT_WORK_TREE: "/nonexistent" });
    try {
      assert.deepEqual([...(await probeCheckout(dir, { file, gitDir: gitDir() })).changed!], []);
    } finally {
      delete process.env.GIT_DEFAULT_HASH;
      delete process.env.GIT_WORK_TREE;
      Object.assign(process.env, saved);
    }
    assert.equal(
      git(work, ["--git-dir", gitDir(), "rev-parse", "--show-object-format"]).trim(),
      "sha1",
    );
  });
});
