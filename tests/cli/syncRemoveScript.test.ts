/**
 * What `sync` removes on the volume: keepList's text, and REMOVE_SCRIPT run for real by the
 * system `sh` (and by busybox's applets, what a busybox- or Alpine-based build image runs) in a
 * temporary directory laid out like a source volume, the result read back with the system `find`.
 */
import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REMOVE_SCRIPT, keepList } from "../../cli/workspace/syncManifest";

/** A volume: `d` directories, `f` files (content = name), `l` symlinks to `target`. */
function makeVolume(remove: string, keep?: string, newlines = false): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "sync-remove-"));
  const files = [
    ".buildenv-sync/manifest",
    ".buildenv-sync/pending",
    "a/one.txt",
    "a/two.txt",
    "gone/deep/file",
    "fulldir/x",
    "with space/file name",
    "-dash",
    "-dashdir/-f",
    "keep.txt",
    "build/obj.o",
    "file.txt",
  ];
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), f);
  }
  fs.mkdirSync(path.join(root, "emptydir"));
  fs.symlinkSync("fulldir", path.join(root, "link"));
  if (newlines) {
    // Build state whose names find prints as two lines, the second a path to keep minus `./`.
    fs.writeFileSync(path.join(root, "x\nkeep.txt"), "x");
    fs.mkdirSync(path.join(root, "y\na"));
    fs.writeFileSync(path.join(root, "y\na", "two.txt"), "y");
  }
  fs.writeFileSync(path.join(root, ".buildenv-sync/remove"), remove);
  if (keep !== undefined) fs.writeFileSync(path.join(root, ".buildenv-sync/keep"), keep);
  return root;
}

/** The tree as the system find lists it: type letter and path, sorted by the path's bytes. */
function tree(root: string): string[] {
  const out = spawnSync("find", [".", "-mindepth", "1", "-printf", "%y %p\\0"], {
    cwd: root,
    encoding: "utf8",
  });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout
    .split("\0")
    .slice(0, -1)
    .sort((a, b) => Buffer.compare(Buffer.from(a.slice(2)), Buffer.from(b.slice(2))));
}

const REMOVE = [
  "a/one.txt",
  "gone/deep/file",
  "emptydir",
  "fulldir",
  "link",
  "with space/file name",
  "-dash",
  "-dashdir/-f",
  "missing/nothing",
  "",
].join("\n");

const KEEP = ["./.buildenv-sync", "./a", "./a/two.txt", "./keep.txt", ""].join("\n");

/** Runs the script as sync does (`sh -c REMOVE_SCRIPT sh [clean]`), with `shell`. */
function run(root: string, args: string[], shell: string[] = ["sh"], env = process.env) {
  return spawnSync(shell[0], [...shell.slice(1), "-c", REMOVE_SCRIPT, "sh", ...args], {
    cwd: root,
    encoding: "utf8",
    env,
  });
}

/** A PATH of busybox's rm, rmdir, find and grep, and busybox's sh; undefined without busybox. */
function busybox(): { shell: string[]; env: NodeJS.ProcessEnv } | undefined {
  const which = spawnSync("sh", ["-c", "command -v busybox"], { encoding: "utf8" });
  if (which.status !== 0) return undefined;
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "sync-busybox-"));
  for (const applet of ["sh", "rm", "rmdir", "find", "grep"]) {
    fs.symlinkSync(which.stdout.trim(), path.join(bin, applet));
  }
  return { shell: [path.join(bin, "sh")], env: { ...process.env, PATH: bin } };
}

/** What remains of makeVolume after REMOVE, without clean. */
const AFTER_REMOVE = [
  "d ./.buildenv-sync",
  "f ./.buildenv-sync/manifest",
  "f ./.buildenv-sync/pending",
  "d ./a",
  "f ./a/two.txt",
  "d ./build",
  "f ./build/obj.o",
  "f ./file.txt",
  "d ./fulldir",
  "f ./fulldir/x",
  "f ./keep.txt",
];

describe("cli/workspace/syncManifest removal", function () {
  const roots: string[] = [];
  const volume = (remove: string, keep?: string, newlines = false) => {
    const root = makeVolume(remove, keep, newlines);
    roots.push(root);
    return root;
  };
  after(function () {
    for (const root of roots) fs.rmSync(root, { recursive: true, force: true });
  });

  describe("keepList", function () {
    it("lists each path and its parents as `find .` prints them, sorted by bytes", function () {
      assert.equal(
        keepList(["z", "a/b/c", "a/b/d", "a-b", "é/x y", "-dash"]),
        [
          "./-dash",
          "./.buildenv-sync",
          "./a",
          "./a-b",
          "./a/b",
          "./a/b/c",
          "./a/b/d",
          "./z",
          "./é",
          "./é/x y",
          "",
        ].join("\n"),
      );
      assert.equal(keepList([]), "./.buildenv-sync\n");
    });
  });

  describe("REMOVE_SCRIPT", function () {
    it("removes listed files and links, empty listed directories and the parents left empty", function () {
      const root = volume(REMOVE);
      const result = run(root, []);
      assert.deepEqual([result.status, result.stderr], [0, ""]);
      assert.deepEqual(tree(root), AFTER_REMOVE);
    });

    it("with clean, also removes everything keep does not list, names with a newline too, but not .buildenv-sync", function () {
      const root = volume(REMOVE, KEEP, true);
      const result = run(root, ["clean"]);
      assert.deepEqual([result.status, result.stderr], [0, ""]);
      assert.deepEqual(tree(root), [
        "d ./.buildenv-sync",
        "f ./.buildenv-sync/manifest",
        "f ./.buildenv-sync/pending",
        "d ./a",
        "f ./a/two.txt",
        "f ./keep.txt",
      ]);
    });

    it("with clean and nothing listed to remove, removes only what keep does not list", function () {
      const keep = KEEP + ["./-dashdir", "./-dashdir/-f", "./with space", ""].join("\n");
      const root = volume("", keep);
      const result = run(root, ["clean"]);
      assert.deepEqual([result.status, result.stderr], [0, ""]);
      assert.deepEqual(tree(root), [
        "d ./-dashdir",
        "f ./-dashdir/-f",
        "d ./.buildenv-sync",
        "f ./.buildenv-sync/manifest",
        "f ./.buildenv-sync/pending",
        "d ./a",
        "f ./a/two.txt",
        "f ./keep.txt",
        "d ./with space",
      ]);
    });

    it("gets past a listed path below a file (an interrupted directory-to-file change)", function () {
      const root = volume(`${REMOVE}file.txt/child\n`);
      const result = run(root, []);
      assert.deepEqual([result.status, result.stderr], [0, ""]);
      assert.deepEqual(tree(root), AFTER_REMOVE);
    });

    it("does the same with busybox's sh, rm, rmdir, find and grep", function () {
      const bb = busybox();
      if (bb === undefined) {
        console.log("    skipped: no busybox on this machine");
        this.skip();
      }
      roots.push(path.dirname(bb.shell[0]));
      const plain = volume(`${REMOVE}file.txt/child\n`);
      const first = run(plain, [], bb.shell, bb.env);
      assert.deepEqual([first.status, first.stderr], [0, ""]);
      assert.deepEqual(tree(plain), AFTER_REMOVE);
      const clean = volume(REMOVE, KEEP, true);
      const second = run(clean, ["clean"], bb.shell, bb.env);
      assert.deepEqual([second.status, second.stderr], [0, ""]);
      assert.deepEqual(tree(clean), [
        "d ./.buildenv-sync",
        "f ./.buildenv-sync/manifest",
        "f ./.buildenv-sync/pending",
        "d ./a",
        "f ./a/two.txt",
        "f ./keep.txt",
      ]);
    });
  });
});
