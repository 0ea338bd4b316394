/**
 * readTarFiles (cli/workspace/tarRead.ts) on archives the system GNU tar writes: ustar (a long
 * name split into prefix and name), pax (a name over 100 bytes and a non-ASCII one, carried in
 * `path` records behind mtime/atime/ctime records), directories and a symlink left out.
 */
import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readTarFiles } from "../../cli/workspace/tarRead";

const LONG = `${"d".repeat(60)}/${"f".repeat(70)}.txt`;
const LONG_UTF8 = `日本/${"é".repeat(60)}.txt`;

/** The files of the tree, the names as in the archive (`-C root .` makes them `./...`). */
const FILES: Record<string, Buffer> = {
  ".buildenv-sync/manifest": Buffer.from("# manifest\n"),
  ".buildenv-sync/pending": Buffer.from('{"version":1}\n'),
  empty: Buffer.alloc(0),
  block: Buffer.alloc(512, "b"),
  "block+1": Buffer.alloc(513, "c"),
  "with space/é.txt": Buffer.from("café\n"),
  [LONG]: Buffer.from("long\n"),
};

function tar(root: string, args: string[]): Buffer {
  const result = spawnSync("tar", ["-c", ...args], { cwd: root, maxBuffer: 1 << 24 });
  assert.equal(result.status, 0, result.stderr.toString());
  return result.stdout;
}

describe("cli/workspace/tarRead", function () {
  let root: string;

  before(function () {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "tar-read-"));
    for (const [name, content] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
      fs.writeFileSync(path.join(root, name), content);
    }
    fs.mkdirSync(path.join(root, "empty dir"));
    fs.symlinkSync(".buildenv-sync/manifest", path.join(root, "link"));
  });

  after(function () {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it("reads the regular files of a ustar archive, a long name from prefix and name", function () {
    const archive = tar(root, ["--format=ustar", "-f", "-", "."]);
    // GNU tar split the long name: its name field holds only the last part.
    assert.equal(archive.includes(Buffer.from(LONG)), false);
    assert.deepEqual(readTarFiles(archive), new Map(Object.entries(FILES)));
  });

  it("reads a pax archive's `path` records", function () {
    fs.mkdirSync(path.join(root, path.dirname(LONG_UTF8)), { recursive: true });
    fs.writeFileSync(path.join(root, LONG_UTF8), "utf8\n");
    try {
      const archive = tar(root, ["--format=pax", "-f", "-", "."]);
      assert.ok(archive.includes(Buffer.from(`path=./${LONG}\n`)));
      assert.ok(archive.includes(Buffer.from(`path=./${LONG_UTF8}\n`)));
      assert.ok(archive.includes(Buffer.from(" atime=")));
      assert.deepEqual(
        readTarFiles(archive),
        new Map([...Object.entries(FILES), [LONG_UTF8, Buffer.from("utf8\n")]]),
      );
    } finally {
      fs.rmSync(path.join(root, "日本"), { recursive: true });
    }
  });

  it("reads the names as the archive has them, without `./`, directories and links left out", function () {
    const archive = tar(root, ["--format=pax", "-f", "-", ".buildenv-sync", "link", "empty dir"]);
    assert.deepEqual(
      readTarFiles(archive),
      new Map([
        [".buildenv-sync/manifest", Buffer.from("# manifest\n")],
        [".buildenv-sync/pending", Buffer.from('{"version":1}\n')],
      ]),
    );
  });

  it("reads nothing from an empty archive or an empty buffer", function () {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "tar-read-empty-"));
    try {
      const archive = tar(empty, ["--format=ustar", "-f", "-", "--files-from", "/dev/null"]);
      assert.equal(archive.length, 10240);
      assert.deepEqual(readTarFiles(archive), new Map());
      assert.deepEqual(readTarFiles(Buffer.alloc(0)), new Map());
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });
});
