/**
 * The pieces of sync's fast route that need no engine: finding and rewriting manifest lines, the
 * checkout listing's digest, and the records' sub-second mtime as the system tar extracts it.
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TAR_END, listCheckout } from "../../cli/workspace/archive";
import { memoryEntry } from "../../cli/workspace/syncArchive";
import { rewriteManifest } from "../../cli/workspace/syncFast";
import {
  SyncEntry,
  findLine,
  formatManifest,
  manifestSyncId,
} from "../../cli/workspace/syncManifest";

const blob = (path: string, sha1: string, size: number, mode: SyncEntry["mode"] = "100644") => ({
  mode,
  sha1,
  size,
  path,
});
const ENTRIES: SyncEntry[] = [
  blob("a/b.c", "1".repeat(40), 5),
  blob("b.c", "2".repeat(40), 12345678),
  blob("tab\there", "3".repeat(40), 0),
  blob("é.txt", "4".repeat(40), 7, "100755"),
  { mode: "040000", sha1: "4b825dc642cb6eb9a060e54bf8d69288fbee4904", size: 0, path: "nested" },
];

describe("cli/workspace/syncFast", function () {
  const text = formatManifest("0123abcd", ENTRIES);

  it("finds the line of exactly the path asked for, quoted names too", () => {
    for (const entry of ENTRIES) {
      const found = findLine(text, entry.path)!;
      assert.deepEqual(found.entry, entry);
      assert.equal(text[found.start - 1], "\n");
      assert.equal(text[found.end - 1], "\n");
    }
    // `b.c` ends `a/b.c`'s line as well, and `c` ends both.
    assert.equal(findLine(text, "b.c")!.entry.sha1, "2".repeat(40));
    assert.equal(findLine(text, "c"), undefined);
    assert.equal(findLine(text, "a"), undefined);
  });

  it("names the sync that wrote a manifest, and nothing for what is not one", () => {
    assert.equal(manifestSyncId(text), "0123abcd");
    assert.equal(manifestSyncId("100644 blob ...\n"), undefined);
    assert.equal(manifestSyncId(""), undefined);
  });

  it("rewrites changed lines to what formatManifest writes for the new entries", () => {
    const changed = [blob("b.c", "5".repeat(40), 3), blob("é.txt", "6".repeat(40), 7, "100644")];
    const changes = changed.map((entry) => {
      const { start, end } = findLine(text, entry.path)!;
      // What the fast route planned; the archive's hashes of what it sent win.
      return { entry: { ...entry, sha1: "0".repeat(40) }, line: { start, end } };
    });
    const sent = new Map(changed.map((e) => [e.path, { sha1: e.sha1, size: e.size }]));
    const expected = formatManifest(
      "feedbeef",
      ENTRIES.map((e) => changed.find((c) => c.path === e.path) ?? e),
    );
    assert.equal(rewriteManifest(text, "feedbeef", changes.reverse(), sent), expected);
    assert.equal(
      rewriteManifest(text, "feedbeef", [], new Map()),
      formatManifest("feedbeef", ENTRIES),
    );
  });

  describe("listCheckout", function () {
    this.timeout(20_000);
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-listing-"));
      fs.writeFileSync(path.join(dir, "a.c"), "");
      fs.writeFileSync(path.join(dir, ".gitignore"), "*.o\n");
      fs.writeFileSync(path.join(dir, "a.o"), "");
      execFileSync("git", ["init", "-q"], { cwd: dir });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives the same digest for the same list, another for any change of what makes it", async () => {
      const first = await listCheckout(dir, []);
      assert.deepEqual(first.files(), [".gitignore", "a.c"]);
      assert.equal(first.mayHoldNewline, false);
      assert.equal((await listCheckout(dir, [])).digest, first.digest);
      // An edit of a listed file is not the listing's business.
      fs.writeFileSync(path.join(dir, "a.c"), "int a;\n");
      assert.equal((await listCheckout(dir, [])).digest, first.digest);
      const digests = new Set([first.digest]);
      digests.add((await listCheckout(dir, ["*.c"])).digest);
      fs.writeFileSync(path.join(dir, ".dockerignore"), "nothing\n");
      digests.add((await listCheckout(dir, [])).digest);
      fs.writeFileSync(path.join(dir, "b\nc"), "");
      const newline = await listCheckout(dir, []);
      digests.add(newline.digest);
      assert.equal(newline.mayHoldNewline, true);
      assert.equal(digests.size, 4);
    });

    it("still lists what git does not ignore where there is no sh on PATH", async () => {
      const bin = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-nosh-"));
      const git = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
      fs.symlinkSync(git, path.join(bin, "git"));
      const saved = process.env.PATH;
      process.env.PATH = bin;
      try {
        const listing = await listCheckout(dir, []);
        assert.deepEqual(listing.files(), [".gitignore", "a.c"]);
        assert.equal(typeof listing.digest, "string");
      } finally {
        process.env.PATH = saved;
        fs.rmSync(bin, { recursive: true, force: true });
      }
    });

    it("has no digest outside a git work tree (the list is walked)", async () => {
      fs.rmSync(path.join(dir, ".git"), { recursive: true });
      const listing = await listCheckout(dir, []);
      assert.equal(listing.digest, undefined);
      assert.deepEqual(listing.files(), [".gitignore", "a.c", "a.o"]);
    });
  });

  it("gives the records a sub-second mtime that the system tar extracts", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-pax-"));
    try {
      const archive = Buffer.concat([memoryEntry("records", "x\n", true), TAR_END]);
      execFileSync("tar", ["-x", "-C", dir], { input: archive });
      const nanos =
        fs.statSync(path.join(dir, "records"), { bigint: true }).mtimeNs % 1_000_000_000n;
      assert.notEqual(nanos, 0n);
      assert.equal(fs.readFileSync(path.join(dir, "records"), "utf8"), "x\n");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
