/**
 * The upload a sync begins before it knows what it sends (cli/workspace/syncVolume.ts
 * HolderUpload): the engine gets the records' directory at once, the rest when the sync gives
 * it, and an archive that is only the directory when the sync has nothing to send. Against a
 * stand-in for the engine that records the body as it reads it; the bytes are read back with
 * the system tar.
 */
import * as assert from "assert/strict";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EngineApi } from "../../cli/workspace/engineApi";
import { TAR_END } from "../../cli/workspace/archive";
import { memoryEntry } from "../../cli/workspace/syncArchive";
import { syncTree } from "../../cli/workspace/sync";
import { HolderUpload } from "../../cli/workspace/syncVolume";

/** An engine whose upload reads the body as it comes. */
function recordingEngine() {
  const calls: { container: string; path: string; chunks: Buffer[] }[] = [];
  const api = {
    async putArchive(container: string, path: string, body: AsyncIterable<Buffer>) {
      const call = { container, path, chunks: [] as Buffer[] };
      calls.push(call);
      for await (const chunk of body) call.chunks.push(chunk);
    },
  } as unknown as EngineApi;
  return { api, calls };
}

const tarList = (archive: Buffer) =>
  execFileSync("tar", ["-tf", "-"], { input: archive, encoding: "utf8" }).trim().split("\n");

/** Lets the body's generator run up to where it waits. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("cli/workspace/syncVolume HolderUpload", () => {
  it("sends the records' directory before the sync gives the rest, then the rest", async () => {
    const { api, calls } = recordingEngine();
    const upload = new HolderUpload(api, "vol-sync");
    await settle();
    assert.equal(calls.length, 1);
    assert.deepEqual([calls[0].container, calls[0].path], ["vol-sync", "/workspace/source"]);
    assert.equal(calls[0].chunks.length, 1);
    assert.deepEqual(tarList(Buffer.concat([...calls[0].chunks, TAR_END])), [".buildenv-sync/"]);

    await upload.send([
      memoryEntry(".buildenv-sync/pending", "{}\n"),
      memoryEntry("a.c", "x\n"),
      TAR_END,
    ]);
    assert.deepEqual(tarList(Buffer.concat(calls[0].chunks)), [
      ".buildenv-sync/",
      ".buildenv-sync/pending",
      "a.c",
    ]);
    assert.throws(() => upload.send([TAR_END]), /given its contents already/);
  });

  it("ends as the directory alone when the sync has nothing to send, once however often asked", async () => {
    const { api, calls } = recordingEngine();
    const upload = new HolderUpload(api, "vol-sync");
    await upload.end();
    await upload.end();
    assert.equal(calls.length, 1);
    assert.deepEqual(tarList(Buffer.concat(calls[0].chunks)), [".buildenv-sync/"]);
    assert.ok(Buffer.concat(calls[0].chunks).subarray(-1024).equals(TAR_END));
  });

  it("ends in the background as soon as the whole archive is sent, before the engine answers", async () => {
    const chunks: Buffer[] = [];
    let answered = false;
    const api = {
      async putArchive(_c: string, _p: string, body: AsyncIterable<Buffer>, sent: () => void) {
        for await (const chunk of body) chunks.push(chunk);
        sent();
        await new Promise((resolve) => setTimeout(resolve, 200));
        answered = true;
      },
    } as unknown as EngineApi;
    const upload = new HolderUpload(api, "vol-sync");
    await upload.endInBackground();
    assert.equal(answered, false);
    assert.equal(upload.inBackground, true);
    assert.deepEqual(tarList(Buffer.concat(chunks)), [".buildenv-sync/"]);
    await upload.done;
    assert.equal(answered, true);
  });

  it("keeps an engine's early failure for whoever gives the rest, without an unhandled rejection", async () => {
    // The engine refuses the upload at its first entry, before the sync knows what it sends.
    const api = {
      async putArchive(_container: string, _path: string, body: AsyncIterable<Buffer>) {
        for await (const chunk of body) {
          void chunk;
          throw new Error("copy into /workspace/source: read-only file system");
        }
      },
    } as unknown as EngineApi;
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const upload = new HolderUpload(api, "vol-sync");
      await settle();
      await settle();
      assert.deepEqual(unhandled, []);
      await assert.rejects(upload.send([TAR_END]), /read-only file system/);
      await assert.rejects(upload.end(), /read-only file system/);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("cli/workspace/sync syncTree and an engine that does not answer", () => {
  it("fails at once when the checkout cannot be listed, begins no upload, waits for no answer", async function () {
    // Waiting for the engine, it would never end.
    this.timeout(5_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-upload-"));
    const asked: string[] = [];
    // Every call is noted and never answered, as an engine behind a dead network.
    const api = new Proxy(
      {},
      {
        get: (_target, name) => () => {
          asked.push(String(name));
          return new Promise(() => undefined);
        },
      },
    ) as unknown as EngineApi;
    try {
      // `.dockerignore` a directory: reading it fails while the engine is still being asked.
      fs.mkdirSync(path.join(dir, ".dockerignore"));
      await assert.rejects(
        syncTree(
          { dir, exclude: [], clean: false },
          {
            api,
            dockerHost: "unix:///nowhere.sock",
            stack: "dev",
            volume: "vol",
            image: "build:1",
            cacheDir: path.join(dir, ".cache"),
            runScript: () => Promise.resolve({ code: 0, stderr: "" }),
            log: () => undefined,
            progress: { write: () => true },
          },
        ),
        { code: "EISDIR" },
      );
      assert.ok(!asked.includes("putArchive"), asked.join(" "));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
