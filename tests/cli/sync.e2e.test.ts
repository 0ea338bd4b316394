/**
 * Incremental sync against a real Docker engine (issue 18): the volume's tree is read back with
 * `docker cp` and the system `tar` and `find`, never with the code under test. Runs when
 * BUILDENV_E2E_DOCKER_HOST and BUILDENV_E2E_IMAGE are set (`.ci/run` starts an engine).
 */
import * as assert from "assert/strict";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineApi } from "../../cli/workspace/engineApi";
import { SyncResult, holderName, syncTree } from "../../cli/workspace/sync";
import { skipWithoutEngine } from "../support/e2eEngine";
import {
  BASE_IMAGE,
  DOCKER_HOST,
  SyncedVolume,
  docker,
  setUpSuite,
  suiteNames,
  tearDownSuite,
  git,
  sha256,
  treeListing,
} from "../support/syncVolume";

const ID = `bsync-${process.pid}`;
const { image: IMAGE, volume: VOLUME } = suiteNames(ID);
const HOLDER = holderName(VOLUME);

describe("sync on a real Docker engine", function () {
  this.timeout(180_000);
  let work: string;
  let tree: string;
  let api: EngineApi;
  let volume: SyncedVolume;
  const logs = () => volume.logs;
  const inVolume = (script: string) => volume.run(script);
  const volumeTree = (dir: string) => volume.tree(dir);
  const sync = (clean = false, cacheDir = path.join(work, "cache")): Promise<SyncResult> =>
    volume.sync(tree, cacheDir, clean);

  before(function () {
    skipWithoutEngine(this);
    volume = setUpSuite(ID);
    api = volume.api;
    work = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-e2e-sync-"));
    tree = path.join(work, "tree");
    fs.mkdirSync(path.join(tree, "src", "deep"), { recursive: true });
    fs.writeFileSync(path.join(tree, "Makefile"), "all:\n");
    fs.writeFileSync(path.join(tree, "src", "main.c"), "int main(void) { return 0; }\n");
    fs.writeFileSync(path.join(tree, "src", "util.c"), "int util;\n");
    fs.writeFileSync(path.join(tree, "src", "deep", "a file.txt"), "spaces survive\n");
    fs.writeFileSync(path.join(tree, "build.sh"), "#!/bin/sh\n", { mode: 0o755 });
    fs.writeFileSync(path.join(tree, ".gitignore"), "*.o\nnode_modules/\n");
    fs.symlinkSync("src/main.c", path.join(tree, "link"));
    git(tree, "init", "-q");
  });

  after(function () {
    if (DOCKER_HOST && BASE_IMAGE) {
      tearDownSuite(ID, volume);
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it("first sync: the volume holds exactly the checkout's files, with their modes", async () => {
    const result = await sync();
    assert.deepEqual(result, {
      files: 7,
      sent: 7,
      // 5 + 29 + 10 + 15 + 10 + 18 bytes of the files, 10 of the link's text.
      bytes: 97,
      removed: 0,
      upToDate: false,
      repaired: false,
      looked: 7,
    });
    assert.equal(volumeTree(work), treeListing(tree));
    assert.equal(inVolume("readlink link"), "src/main.c");
    assert.equal(
      docker(["ps", "-a", "--filter", `name=${HOLDER}`, "--format", "{{.Names}} {{.State}}"]),
      `${HOLDER} created`,
    );
  });

  it("a second sync with nothing changed writes nothing", async () => {
    const before = inVolume("stat -c '%Y %i' .buildenv-sync/manifest");
    const result = await sync();
    assert.equal(result.upToDate, true);
    assert.equal(result.sent, 0);
    assert.equal(inVolume("stat -c '%Y %i' .buildenv-sync/manifest"), before);
  });

  it("a sync stopped by an error after its upload began leaves the holder to the next", async function () {
    // The upload holds the holder's lock (syncVolume.ts HolderUpload): left open, the next
    // sync's stats of the records would wait for it, and this test would time out.
    this.timeout(30_000);
    const bad = path.join(tree, "bad\nname.c");
    fs.writeFileSync(bad, "x\n");
    try {
      await assert.rejects(sync(), {
        message:
          'sync: cannot sync "bad\\nname.c": its name holds a newline; rename it or --exclude it',
      });
    } finally {
      fs.rmSync(bad);
    }
    const before = inVolume("stat -c '%Y %i' .buildenv-sync/manifest");
    assert.equal((await sync()).upToDate, true);
    assert.equal(inVolume("stat -c '%Y %i' .buildenv-sync/manifest"), before);
  });

  it("sync after edits sends only the changed files; build state and unchanged mtimes survive", async () => {
    inVolume("echo obj > src/main.o; mkdir -p node_modules/x; echo y > node_modules/x/y");
    const untouched = inVolume("stat -c '%Y' src/util.c 'src/deep/a file.txt'");
    fs.writeFileSync(path.join(tree, "src", "main.c"), "int main(void) { return 1; }\n");
    fs.writeFileSync(path.join(tree, "src", "new.c"), "int added;\n");
    fs.rmSync(path.join(tree, "Makefile"));
    fs.chmodSync(path.join(tree, "src", "util.c"), 0o755);
    const result = await sync();
    assert.deepEqual(
      { sent: result.sent, removed: result.removed, files: result.files },
      { sent: 3, removed: 1, files: 7 },
    );
    assert.equal(
      volumeTree(work),
      [
        treeListing(tree),
        "d 755 ./node_modules",
        "d 755 ./node_modules/x",
        `f 644 ./node_modules/x/y ${sha256("y\n")}`,
        `f 644 ./src/main.o ${sha256("obj\n")}`,
      ]
        .join("\n")
        .split("\n")
        .sort()
        .join("\n"),
    );
    // util.c was resent for its mode; a file nobody touched keeps its mtime.
    assert.equal(inVolume("stat -c '%Y' 'src/deep/a file.txt'"), untouched.split("\n")[1]);
  });

  it("--clean removes the build state and nothing the checkout lists", async () => {
    const result = await sync(true);
    assert.equal(result.sent, 0);
    assert.equal(volumeTree(work), treeListing(tree));
  });

  it("a sync killed mid-transfer (SIGKILL) is repaired by the next one", async () => {
    // 40 files of 4 MB: the upload takes long enough to be killed in the middle of it.
    fs.mkdirSync(path.join(tree, "big"));
    for (let i = 0; i < 40; i++) {
      fs.writeFileSync(path.join(tree, "big", `f${i}`), Buffer.alloc(4 << 20, i));
    }
    fs.writeFileSync(path.join(tree, "src", "main.c"), "int main(void) { return 2; }\n");
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(__dirname, "..", "support", "syncChild.ts")],
      {
        env: {
          ...process.env,
          BUILDENV_SYNC_CHILD: JSON.stringify({
            dockerHost: DOCKER_HOST,
            dir: tree,
            volume: VOLUME,
            image: IMAGE,
            cacheDir: path.join(work, "cache"),
          }),
        },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    const killed = new Promise<NodeJS.Signals | null>((resolve) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        // Killed once a quarter is read: more than the 8 MB an upload may queue ahead of the
        // engine (engineApi.ts STREAM_AHEAD), so the engine has begun to write (the journal first).
        const shares = [...stderr.matchAll(/env: sync \[[#-]+\]\s+(\d+)%/g)].map((m) =>
          Number(m[1]),
        );
        if (shares.some((share) => share >= 25) && child.exitCode === null) child.kill("SIGKILL");
      });
      child.on("exit", (_code, signal) => resolve(signal));
    });
    assert.equal(await killed, "SIGKILL", stderr);
    // The journal names a sync the manifest does not: the records say the last sync did not finish.
    const records = inVolume("cat .buildenv-sync/pending; head -n 1 .buildenv-sync/manifest");
    const pendingId = /"syncId":"([0-9a-f]+)"/.exec(records)![1];
    const manifestId = /sync ([0-9a-f]+)$/.exec(records)![1];
    assert.notEqual(pendingId, manifestId);

    const repaired = await sync();
    assert.equal(repaired.repaired, true);
    assert.equal(
      logs()[0],
      `the last sync into ${VOLUME} did not finish; writing its 41 paths again`,
    );
    assert.equal(volumeTree(work), treeListing(tree));
    assert.equal((await sync()).upToDate, true);
  });

  it("a sync from a second checkout's machine is seen by the first (the records are reread)", async () => {
    const other = path.join(work, "other-cache");
    fs.writeFileSync(path.join(tree, "src", "main.c"), "int main(void) { return 3; }\n");
    assert.equal((await sync(false, other)).sent, 1);
    // Back to what the first machine last sent: its copy of the records is stale, and noticed.
    fs.writeFileSync(path.join(tree, "src", "main.c"), "int main(void) { return 2; }\n");
    assert.equal((await sync()).sent, 1);
    assert.equal(volumeTree(work), treeListing(tree));
  });

  it("a volume that is not kept gets no holder left behind, so destroy can delete it", async () => {
    const volume = `${VOLUME}-unkept`;
    docker(["volume", "create", "--label", "buildenv.keep=false", volume]);
    try {
      const result = await syncTree(
        { dir: tree, exclude: [], clean: false },
        {
          api,
          dockerHost: DOCKER_HOST!,
          stack: "e2e",
          volume,
          image: IMAGE,
          cacheDir: path.join(work, "cache"),
          runScript: () => Promise.resolve({ code: 0, stderr: "" }),
          log: () => undefined,
          progress: { write: () => true },
        },
      );
      assert.equal(result.sent, result.files);
      assert.equal(
        docker(["ps", "-a", "--filter", `name=${holderName(volume)}`, "--format", "{{.Names}}"]),
        "",
      );
      assert.equal(
        docker(["run", "--rm", "-v", `${volume}:/v`, IMAGE, "cat", "/v/src/main.c"]),
        fs.readFileSync(path.join(tree, "src", "main.c"), "utf8").trim(),
      );
    } finally {
      // What `pulumi destroy` does to a volume that is not kept: fails while a container holds it.
      docker(["volume", "rm", volume]);
    }
  });
});
