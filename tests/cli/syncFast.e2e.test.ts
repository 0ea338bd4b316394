/**
 * The fast route of sync (syncFast.ts) against a real Docker engine: after a sync from this
 * machine, only what git's diff-files reports is looked at, and the volume ends exactly as the
 * full route would leave it (read back with `docker cp`, `tar`, `find` and `sha256sum`). Every
 * change that is not an edit in place takes the full route, and says so by `looked`.
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { skipWithoutEngine } from "../support/e2eEngine";
import {
  BASE_IMAGE,
  DOCKER_HOST,
  SyncedVolume,
  setUpSuite,
  tearDownSuite,
  git,
  treeListing,
} from "../support/syncVolume";

const ID = `bfast-${process.pid}`;
/** Files of the generated checkout: enough that a full-route sync is told apart by `looked`. */
const FILES = 40;
/**
 * Files get mtimes in the past, as a checkout's files have: the sync index marks a file changed in
 * the second it was synced as "racily clean" (git's rule), and looks at it once more next time.
 */
const EARLIER = new Date(Date.now() - 3600_000);
/**
 * A change's ctime is the second it happened in: waited out, with the index's margin
 * (RACY_MARGIN_SEC), the index no longer smudges it.
 */
const pastTheMargin = () => new Promise((resolve) => setTimeout(resolve, 2100));
const LATER = new Date(Date.now() - 1800_000);

describe("sync's fast route on a real Docker engine", function () {
  this.timeout(180_000);
  let work: string;
  let tree: string;
  let cache: string;
  let volume: SyncedVolume;
  const sync = () => volume.sync(tree, cache);
  const file = (name: string) => path.join(tree, name);

  before(async function () {
    skipWithoutEngine(this);
    volume = setUpSuite(ID);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-fast-"));
    tree = path.join(work, "tree");
    cache = path.join(work, "cache");
    fs.mkdirSync(path.join(tree, "src"), { recursive: true });
    for (let i = 0; i < FILES - 2; i++) {
      fs.writeFileSync(file(`src/f${i}.c`), `int f${i};\n`);
    }
    fs.writeFileSync(file("build.sh"), "#!/bin/sh\n", { mode: 0o755 });
    fs.symlinkSync("src/f0.c", file("link"));
    for (const name of fs.readdirSync(path.join(tree, "src"))) {
      fs.utimesSync(file(`src/${name}`), EARLIER, EARLIER);
    }
    fs.utimesSync(file("build.sh"), EARLIER, EARLIER);
    fs.lutimesSync(file("link"), EARLIER, EARLIER);
    git(tree, "init", "-q");
    git(tree, "add", ".");
    git(tree, "commit", "-qm", "fixture");
    await pastTheMargin();
    const first = await sync();
    assert.deepEqual([first.sent, first.looked], [FILES, FILES]);
  });

  after(function () {
    if (DOCKER_HOST && BASE_IMAGE) {
      tearDownSuite(ID, volume);
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("with nothing changed: looks at nothing and writes nothing", async () => {
    const before = volume.run("stat -c '%Y %i' .buildenv-sync/manifest");
    const result = await sync();
    assert.deepEqual([result.upToDate, result.looked, result.files], [true, 0, FILES]);
    assert.equal(volume.run("stat -c '%Y %i' .buildenv-sync/manifest"), before);
  });

  it("an edit of one file looks at that file only, sends it, and the manifest is git's", async () => {
    fs.appendFileSync(file("src/f7.c"), "int more;\n");
    const result = await sync();
    assert.deepEqual([result.sent, result.looked, result.upToDate], [1, 1, false]);
    assert.equal(volume.tree(work), treeListing(tree));
    // Sent with its exact mtime: an object built right after the sync is newer than its source.
    assert.equal(
      volume.run("stat -c %y src/f7.c"),
      execFileSync("stat", ["-c", "%y", file("src/f7.c")], { encoding: "utf8" }).trim(),
    );
    // The rewritten manifest is, after its header, what git itself lists for the checkout.
    git(tree, "add", "-A");
    git(tree, "commit", "-qm", "edit");
    assert.equal(
      volume.run("tail -n +2 .buildenv-sync/manifest"),
      git(tree, "ls-tree", "-r", "-l", "HEAD").trim(),
    );
  });

  it("a rewrite of the same size with its mtime put back is still seen", async () => {
    const { mtime } = fs.statSync(file("src/f7.c"));
    const text = fs.readFileSync(file("src/f7.c"), "utf8");
    fs.writeFileSync(file("src/f7.c"), text.replace("more", "MORE"));
    fs.utimesSync(file("src/f7.c"), mtime, mtime);
    const result = await sync();
    assert.deepEqual([result.sent, result.looked], [1, 1]);
    assert.equal(volume.run("cat src/f7.c"), text.replace("more", "MORE").trim());
  });

  it("touched files are looked at once, send nothing, and are not looked at again", async () => {
    fs.utimesSync(file("src/f3.c"), LATER, LATER);
    fs.utimesSync(file("src/f7.c"), LATER, LATER);
    await pastTheMargin();
    const touched = await sync();
    assert.deepEqual([touched.upToDate, touched.looked], [true, 2]);
    assert.equal((await sync()).looked, 0);
  });

  it("a mode change and a retargeted symlink go the fast route", async () => {
    fs.chmodSync(file("src/f1.c"), 0o755);
    fs.rmSync(file("link"));
    fs.symlinkSync("src/f2.c", file("link"));
    fs.lutimesSync(file("link"), LATER, LATER);
    const result = await sync();
    assert.deepEqual([result.sent, result.looked], [2, 2]);
    assert.equal(volume.tree(work), treeListing(tree));
    assert.equal(volume.run("readlink link"), "src/f2.c");
  });

  it("an added file, a removed one and a deleted tracked one take the full route", async () => {
    await pastTheMargin();
    fs.writeFileSync(file("src/new.c"), "int added;\n");
    const added = await sync();
    assert.deepEqual([added.sent, added.looked], [1, FILES + 1]);
    fs.rmSync(file("src/new.c"));
    const removed = await sync();
    assert.deepEqual([removed.removed, removed.looked], [1, FILES]);
    // Still in git's index, gone from the work tree: listed the same, yet removed from the volume.
    fs.rmSync(file("src/f9.c"));
    const deleted = await sync();
    assert.deepEqual([deleted.removed, deleted.looked], [1, FILES]);
    assert.equal(volume.tree(work), treeListing(tree));
    // The fast route again, which looks at the edit and at f9.c, listed and gone, every time.
    fs.appendFileSync(file("src/f8.c"), "int again;\n");
    fs.utimesSync(file("src/f8.c"), LATER, LATER);
    await pastTheMargin();
    const again = await sync();
    assert.deepEqual([again.sent, again.looked], [1, 2]);
    assert.equal(volume.tree(work), treeListing(tree));
  });

  it("a listing that changes but gives the same files: the full route once, then the fast one", async () => {
    fs.writeFileSync(file(".dockerignore"), "*.log\n");
    fs.utimesSync(file(".dockerignore"), LATER, LATER);
    await pastTheMargin();
    assert.deepEqual([(await sync()).sent], [1]);
    // git lists build.log, .dockerignore drops it: the same files from another listing.
    fs.writeFileSync(file("build.log"), "noise\n");
    const relisted = await sync();
    assert.deepEqual([relisted.upToDate, relisted.looked], [true, FILES + 1]);
    const again = await sync();
    assert.deepEqual([again.upToDate, again.looked], [true, 1]);
  });

  it("a sync from another machine in between sends this machine the full route", async () => {
    fs.appendFileSync(file("src/f4.c"), "int other;\n");
    assert.equal((await volume.sync(tree, path.join(work, "other-cache"))).sent, 1);
    fs.appendFileSync(file("src/f5.c"), "int back;\n");
    const result = await sync();
    // The volume's records are not this machine's copy: every listed path is looked at, and
    // f4.c, which the other machine's manifest has, is not sent again.
    // (.dockerignore is listed now; f9.c, gone, still is.)
    assert.deepEqual([result.sent, result.looked], [1, FILES + 1]);
    assert.equal(volume.tree(work), treeListing(tree, ["build.log"]));
  });
});
