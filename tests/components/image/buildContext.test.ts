/**
 * The content tag is the only thing that decides a rebuild: the staged build context docker-build
 * is given depends on the manifest alone, so the provider's context hash (re-implemented from its
 * source in dockerBuildContextHash.ts) is the same for the same commit in any checkout.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  STAGED_MTIME,
  stageBuildContext,
  stagedContextPaths,
} from "../../../components/image/context";
import { computeImageTag } from "../../../components/image/manifest";
import { dockerBuildContextHash, goFileModeString } from "../../support/dockerBuildContextHash";
import { GIT_ENV, git, makeTree } from "../../support/gitFixtures";
import { mocks } from "../../support/harness";
import { runStack } from "../../support/stack";

const CONFIG = { context: "images/build", dockerfile: "images/build/Dockerfile" };
const FILES = {
  "images/build/Dockerfile": "FROM buildenv-e2e:busybox\nCOPY tool.sh /usr/local/bin/tool\n",
  "images/build/tool.sh": { content: "#!/bin/sh\necho tool\n", mode: 0o755 },
  "images/build/requirements.txt": "golang.org/x/tools/cmd/goimports@v0.24.0\n",
  "images/build/sub/data.txt": "data\n",
  "README.md": "not an input\n",
};

/** Clones `source` into a new directory with the given umask, as a checkout on that machine would. */
function cloneWithUmask(source: string, umask: string): string {
  const target = fs.mkdtempSync(path.join(os.tmpdir(), `build-context-umask${umask}-`));
  fs.rmdirSync(target);
  execFileSync("sh", ["-c", `umask ${umask} && git clone -q "$0" "$1"`, source, target], {
    env: GIT_ENV,
  });
  return target;
}

function modeOf(file: string): number {
  return fs.lstatSync(file).mode & 0o7777;
}

describe("the staged build context", function () {
  this.timeout(60_000);
  let source = "";
  let laptop = ""; // umask 002: group-writable files, as many desktop distributions default to
  let runner = ""; // umask 022, as a CI runner
  const temporaries: string[] = [];

  before(() => {
    source = makeTree(FILES, { prefix: "build-context-src-" });
    git(source, ["init", "-q"]);
    git(source, ["add", "-A"]);
    git(source, ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "image"]);
    laptop = cloneWithUmask(source, "002");
    runner = cloneWithUmask(source, "022");
    temporaries.push(source, laptop, runner);
  });

  after(() => {
    for (const dir of temporaries) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts from checkouts whose permission bits differ", () => {
    assert.strictEqual(modeOf(path.join(laptop, "images/build/requirements.txt")), 0o664);
    assert.strictEqual(modeOf(path.join(runner, "images/build/requirements.txt")), 0o644);
    assert.strictEqual(modeOf(path.join(laptop, "images/build/tool.sh")), 0o775);
    assert.strictEqual(modeOf(path.join(runner, "images/build/tool.sh")), 0o755);
  });

  it("re-implements Go's FileMode.String for the modes that occur", () => {
    assert.strictEqual(goFileModeString(0o100664), "-rw-rw-r--");
    assert.strictEqual(goFileModeString(0o100644), "-rw-r--r--");
    assert.strictEqual(goFileModeString(0o100755), "-rwxr-xr-x");
    assert.strictEqual(goFileModeString(0o120777), "Lrwxrwxrwx");
    assert.strictEqual(goFileModeString(0o104755), "urwxr-xr-x");
    assert.strictEqual(goFileModeString(0o102644), "grw-r--r--");
  });

  it("the provider's hash of the checkout itself differs between them: the rebuild upstream issue #222 describes", () => {
    const raw = (root: string) =>
      dockerBuildContextHash(
        path.join(root, "images/build"),
        path.join(root, "images/build/Dockerfile"),
      );
    assert.notStrictEqual(raw(laptop), raw(runner));
  });

  it("gives the same tag, the same staged paths and the same provider hash in both checkouts", () => {
    const stage = (root: string) => {
      const { tag, entries } = computeImageTag(root, ["images/build"]);
      const staged = stageBuildContext(root, entries, CONFIG, tag);
      return {
        tag,
        staged,
        hash: dockerBuildContextHash(
          path.join(root, staged.context),
          path.join(root, staged.dockerfile),
        ),
      };
    };
    const onLaptop = stage(laptop);
    const onRunner = stage(runner);
    const gitTag = git(
      runner,
      ["hash-object", "--stdin"],
      git(runner, ["ls-tree", "-r", "--full-tree", "HEAD", "--", "images/build"]),
    )
      .toString()
      .trim();
    assert.strictEqual(onLaptop.tag, gitTag);
    assert.deepStrictEqual(onLaptop, onRunner);
    assert.deepStrictEqual(onRunner.staged, {
      directory: `node_modules/.cache/buildenv/image-context/v1-${gitTag}`,
      context: `node_modules/.cache/buildenv/image-context/v1-${gitTag}/images/build`,
      dockerfile: `node_modules/.cache/buildenv/image-context/v1-${gitTag}/images/build/Dockerfile`,
    });
  });

  it("registers identical docker-build inputs for both checkouts", async () => {
    const inputsFor = async (root: string) => {
      mocks.reset();
      await runStack({}, { root });
      return mocks.one("docker-build:index:Image").inputs;
    };
    const tag = computeImageTag(runner, ["images/build"]).tag;
    const onRunner = await inputsFor(runner);
    assert.deepStrictEqual(await inputsFor(laptop), onRunner);
    assert.deepStrictEqual(onRunner.context, {
      location: `node_modules/.cache/buildenv/image-context/v1-${tag}/images/build`,
    });
  });

  it("holds exactly the manifest's files, modes 0644/0755, every mtime fixed", () => {
    const { tag, entries } = computeImageTag(laptop, ["images/build"]);
    const staged = stageBuildContext(laptop, entries, CONFIG, tag);
    const listing: string[] = [];
    const walk = (dir: string, relative: string) => {
      for (const name of fs.readdirSync(dir).sort()) {
        const file = path.join(dir, name);
        const stats = fs.lstatSync(file);
        const rel = relative ? `${relative}/${name}` : name;
        listing.push(
          `${rel} ${(stats.mode & 0o7777).toString(8)} ${stats.mtime.toISOString()}${stats.isDirectory() ? "/" : ""}`,
        );
        if (stats.isDirectory()) walk(file, rel);
      }
    };
    walk(path.join(laptop, staged.directory), "");
    assert.deepStrictEqual(listing, [
      "images 755 2000-01-01T00:00:00.000Z/",
      "images/build 755 2000-01-01T00:00:00.000Z/",
      "images/build/Dockerfile 644 2000-01-01T00:00:00.000Z",
      "images/build/requirements.txt 644 2000-01-01T00:00:00.000Z",
      "images/build/sub 755 2000-01-01T00:00:00.000Z/",
      "images/build/sub/data.txt 644 2000-01-01T00:00:00.000Z",
      "images/build/tool.sh 755 2000-01-01T00:00:00.000Z",
    ]);
    assert.strictEqual(STAGED_MTIME.toISOString(), "2000-01-01T00:00:00.000Z");
  });

  it("leaves out files in the context that are not inputs, so the build cannot depend on them", () => {
    const root = makeTree({
      "images/build/Dockerfile": "FROM scratch\n",
      "images/build/keep.txt": "in\n",
      "images/build/scratch.log": "not an input\n",
    });
    temporaries.push(root);
    const { tag, entries } = computeImageTag(root, [
      "images/build/Dockerfile",
      "images/build/keep.txt",
    ]);
    const staged = stageBuildContext(root, entries, CONFIG, tag);
    assert.deepStrictEqual(fs.readdirSync(path.join(root, staged.context)).sort(), [
      "Dockerfile",
      "keep.txt",
    ]);
  });

  it("an edited input changes the tag, the staged paths and the provider hash", () => {
    const edited = cloneWithUmask(source, "022");
    temporaries.push(edited);
    fs.appendFileSync(path.join(edited, "images/build/requirements.txt"), "extra\n");
    const hashOf = (root: string) => {
      const { tag, entries } = computeImageTag(root, ["images/build"]);
      const staged = stageBuildContext(root, entries, CONFIG, tag);
      return {
        tag,
        context: staged.context,
        hash: dockerBuildContextHash(
          path.join(root, staged.context),
          path.join(root, staged.dockerfile),
        ),
      };
    };
    const before = hashOf(runner);
    const after = hashOf(edited);
    assert.notStrictEqual(after.tag, before.tag);
    assert.notStrictEqual(after.context, before.context);
    assert.notStrictEqual(after.hash, before.hash);
    // A mode change git records (the executable bit) is an edit too.
    const chmodded = cloneWithUmask(source, "022");
    temporaries.push(chmodded);
    fs.chmodSync(path.join(chmodded, "images/build/requirements.txt"), 0o755);
    const modeChanged = hashOf(chmodded);
    assert.notStrictEqual(modeChanged.tag, before.tag);
    assert.notStrictEqual(modeChanged.hash, before.hash);
  });

  it("refuses to stage a file that changed since the tag was computed", () => {
    const root = makeTree({ "images/build/Dockerfile": "FROM scratch\n" });
    temporaries.push(root);
    const { tag, entries } = computeImageTag(root, ["images/build"]);
    fs.writeFileSync(path.join(root, "images/build/Dockerfile"), "FROM busybox\n");
    assert.throws(() => stageBuildContext(root, entries, CONFIG, tag), {
      message:
        'build image input "images/build/Dockerfile" changed while its build context was staged; run again',
    });
    assert.strictEqual(
      fs.existsSync(path.join(root, stagedContextPaths(CONFIG, tag).directory)),
      false,
    );
  });

  it("keeps a symlink as a symlink", () => {
    const root = makeTree({
      "images/build/Dockerfile": "FROM scratch\n",
      "images/build/current": { symlinkTo: "Dockerfile" },
    });
    temporaries.push(root);
    const { tag, entries } = computeImageTag(root, ["images/build"]);
    const staged = stageBuildContext(root, entries, CONFIG, tag);
    assert.strictEqual(fs.readlinkSync(path.join(root, staged.context, "current")), "Dockerfile");
  });
});

describe("the re-implemented provider context hash agrees with upstream's own tests", () => {
  const roots: string[] = [];
  const tree = (files: Parameters<typeof makeTree>[0]) => {
    const root = makeTree(files, { prefix: "context-hash-" });
    roots.push(root);
    return root;
  };
  const hashOf = (root: string, dockerfile = "Dockerfile") =>
    dockerBuildContextHash(root, path.join(root, dockerfile));
  after(() => roots.forEach((r) => fs.rmSync(r, { recursive: true, force: true })));

  it("hashes the Dockerfile's content, then per file its content, path and Go mode string", () => {
    const root = tree({
      Dockerfile: "FROM scratch\n",
      "b.sh": { content: "echo b\n", mode: 0o755 },
      "a/x.txt": "x\n",
    });
    // context.go:202-254 and :164-196, written out by hand: Dockerfile, then a/x.txt, b.sh, and
    // the Dockerfile itself as a file of the context, in WalkDir's order.
    const expected = crypto
      .createHash("sha256")
      .update("FROM scratch\n")
      .update("FROM scratch\nDockerfile-rw-r--r--")
      .update("x\na/x.txt-rw-r--r--")
      .update("echo b\nb.sh-rwxr-xr-x")
      .digest("hex");
    assert.strictEqual(hashOf(root), expected);
  });

  it("writes Go's FileMode.String() of bare permission bits", () => {
    assert.strictEqual(goFileModeString(0o644), "-rw-r--r--");
    assert.strictEqual(goFileModeString(0o664), "-rw-rw-r--");
    assert.strictEqual(goFileModeString(0o755), "-rwxr-xr-x");
  });

  describe("against the same byte stream written by the shell (sha256sum)", () => {
    let dir = "";
    beforeEach(() => {
      dir = tree({ Dockerfile: "FROM scratch\n", "a.txt": "alpha\n", "sub/b.txt": "beta\n" });
      for (const f of ["Dockerfile", "a.txt", "sub/b.txt"]) fs.chmodSync(path.join(dir, f), 0o644);
    });

    /** context.go's stream, by the shell: Dockerfile, then per file content, path, mode. */
    function shellHash(mode: string): string {
      const script = [
        "cat Dockerfile",
        `cat Dockerfile; printf '%s' Dockerfile '${mode}'`,
        `cat a.txt; printf '%s' a.txt '${mode}'`,
        `cat sub/b.txt; printf '%s' sub/b.txt '${mode}'`,
      ].join("; ");
      return execFileSync("sh", ["-c", `(${script}) | sha256sum`], {
        cwd: dir,
        encoding: "utf8",
      }).split(" ")[0];
    }

    it("hashes the Dockerfile, then each file's content, path and mode, in lexical order", () => {
      assert.strictEqual(hashOf(dir), shellHash("-rw-r--r--"));
    });

    it("changes with group-writable modes, which is why a umask 002 checkout rebuilds", () => {
      const before = hashOf(dir);
      for (const f of ["Dockerfile", "a.txt", "sub/b.txt"]) fs.chmodSync(path.join(dir, f), 0o664);
      const after = hashOf(dir);
      assert.notStrictEqual(after, before);
      assert.strictEqual(after, shellHash("-rw-rw-r--"));
    });

    it("refuses a context with a .dockerignore, which it does not re-implement", () => {
      fs.writeFileSync(path.join(dir, ".dockerignore"), "*.txt\n");
      assert.throws(() => hashOf(dir), {
        message: `${path.join(dir, ".dockerignore")}: .dockerignore patterns are not re-implemented here`,
      });
    });
  });

  it("TestHashFilemodeMatters: chmod +x changes it", () => {
    const files = { Dockerfile: "FROM scratch\nCOPY foo.sh .\n", "foo.sh": "echo foo\n" };
    const step2 = tree({ ...files, "foo.sh": { content: "echo foo\n", mode: 0o755 } });
    assert.notStrictEqual(hashOf(tree(files)), hashOf(step2));
  });

  it("TestHashRenamingMatters: renaming a file changes it", () => {
    const step1 = tree({ Dockerfile: "FROM scratch\n", "foo.a.txt": "foo\n" });
    const step2 = tree({ Dockerfile: "FROM scratch\n", "foo.b.txt": "foo\n" });
    assert.notStrictEqual(hashOf(step1), hashOf(step2));
  });

  it("TestHashIgnoresDockerfileOutsideDirMove: a Dockerfile outside the context counts by content only", () => {
    const root = tree({
      "app/foo.sh": "echo foo\n",
      "step1.Dockerfile": "FROM scratch\n",
      "step2.Dockerfile": "FROM scratch\n",
    });
    const app = path.join(root, "app");
    assert.strictEqual(
      dockerBuildContextHash(app, path.join(root, "step1.Dockerfile")),
      dockerBuildContextHash(app, path.join(root, "step2.Dockerfile")),
    );
  });

  it("TestIgnoreIrregularFiles and TestHashDeepSymlinks: a FIFO is skipped, a link to a directory too", () => {
    const root = tree({ Dockerfile: "", "sub/dir/file.txt": "deep\n" });
    const before = hashOf(root);
    execFileSync("mkfifo", [path.join(root, "pipe")]);
    fs.symlinkSync("sub/dir", path.join(root, "proxy"));
    assert.strictEqual(hashOf(root), before);
  });
});
