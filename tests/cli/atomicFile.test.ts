/**
 * Nothing lost when a file is rewritten: every step of writeFileAtomic failing in turn, a real
 * full tmpfs under stack:extend and stack:new, and eight stack:extend processes on one file.
 */
import * as assert from "assert/strict";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument } from "yaml";
import { CliOutput, main } from "../../cli/stack";
import {
  FileWriteError,
  existed,
  lockFile,
  writeFileAtomic,
  type WriteFs,
} from "../../cli/workspace/atomicFile";
import { fillDisk, mountSmallTmpfs, unmountSmallTmpfs } from "../support/fullDisk";
import { REPO_ROOT } from "../support/stack";
import { LOCAL_TEMPLATE } from "../support/stackTemplates";
import { renderStackFile } from "../../cli/lifecycle/stackFileEdit";

/** Alice's stack file as stack:new writes it (the input; the tools under test rewrite it). */
const aliceFile = () =>
  renderStackFile(LOCAL_TEMPLATE, {
    owner: "alice",
    priority: "normal",
    expiresAt: new Date("2026-12-01T00:00:00Z"),
  });

const errno = (code: string, text: string, call: string) =>
  Object.assign(new Error(`${code}: ${text}, ${call}`), { code });

/** Node's fs, with `fail` replacing one call. */
function faulty(fail: Partial<WriteFs>): WriteFs & { writes: number[] } {
  const writes: number[] = [];
  return {
    writes,
    openSync: (f, flags, mode) => fs.openSync(f, flags, mode),
    writeSync: (fd, buffer, offset, length) => {
      writes.push(length);
      return fs.writeSync(fd, buffer, offset, length);
    },
    fsyncSync: (fd) => fs.fsyncSync(fd),
    closeSync: (fd) => fs.closeSync(fd),
    renameSync: (a, b) => fs.renameSync(a, b),
    linkSync: (a, b) => fs.linkSync(a, b),
    unlinkSync: (f) => fs.unlinkSync(f),
    ...fail,
  };
}

function recorder(): { out: CliOutput; stdout: () => string; stderr: () => string } {
  let stdout = "";
  let stderr = "";
  return {
    out: {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
    },
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

describe("atomic file writes", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-atomic-"));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const target = () => path.join(dir, "Pulumi.alice.yaml");

  const failures: [string, Partial<WriteFs>, string][] = [
    [
      "create",
      { openSync: () => { throw errno("EACCES", "permission denied", "open"); } }, // prettier-ignore
      "cannot write Pulumi.alice.yaml: could not create a temporary file beside it: EACCES (permission denied); Pulumi.alice.yaml is unchanged",
    ],
    [
      "write",
      { writeSync: () => { throw errno("ENOSPC", "no space left on device", "write"); } }, // prettier-ignore
      "cannot write Pulumi.alice.yaml: could not write it: ENOSPC (no space left on device); Pulumi.alice.yaml is unchanged",
    ],
    [
      "a write of zero bytes",
      { writeSync: () => 0 },
      "cannot write Pulumi.alice.yaml: could not write it: ENOSPC (no space left on device); Pulumi.alice.yaml is unchanged",
    ],
    [
      "fsync",
      { fsyncSync: () => { throw errno("EIO", "i/o error", "fsync"); } }, // prettier-ignore
      "cannot write Pulumi.alice.yaml: could not flush it to the disk: EIO (i/o error); Pulumi.alice.yaml is unchanged",
    ],
    [
      "rename",
      { renameSync: () => { throw errno("EXDEV", "cross-device link not permitted", "rename"); } }, // prettier-ignore
      "cannot write Pulumi.alice.yaml: could not replace it: EXDEV (cross-device link not permitted); Pulumi.alice.yaml is unchanged",
    ],
  ];
  for (const [step, fail, message] of failures) {
    it(`fails in one line when ${step} fails, leaving the file and no temporary file`, () => {
      fs.writeFileSync(target(), "old\n");
      assert.throws(
        () =>
          writeFileAtomic(target(), "new content\n", {
            display: "Pulumi.alice.yaml",
            fs: faulty(fail),
          }),
        (error: Error) => error instanceof FileWriteError && error.message === message,
      );
      assert.equal(fs.readFileSync(target(), "utf8"), "old\n");
      assert.deepEqual(fs.readdirSync(dir), ["Pulumi.alice.yaml"]);
    });
  }

  it("goes on after a short write until every byte is down", () => {
    const ops = faulty({
      writeSync: (fd, buffer, offset, length) => {
        ops.writes.push(length);
        return fs.writeSync(fd, buffer, offset, Math.min(length, 3));
      },
    });
    writeFileAtomic(target(), "0123456789", { fs: ops });
    assert.equal(fs.readFileSync(target(), "utf8"), "0123456789");
    assert.deepEqual(ops.writes, [10, 7, 4, 1]);
  });

  it("keeps the mode of the file it replaces, and refuses an existing file when exclusive", () => {
    fs.writeFileSync(target(), "old\n", { mode: 0o600 });
    fs.chmodSync(target(), 0o600);
    writeFileAtomic(target(), "new\n");
    assert.equal(fs.statSync(target()).mode & 0o777, 0o600);
    assert.throws(
      () => writeFileAtomic(target(), "other\n", { exclusive: true, display: "x" }),
      (error: Error) => existed(error) && error.message === "x already exists",
    );
    assert.equal(fs.readFileSync(target(), "utf8"), "new\n");
    assert.deepEqual(fs.readdirSync(dir), ["Pulumi.alice.yaml"]);
  });

  it("a lock held by a live process makes the next one wait, then fail in one line", () => {
    const release = lockFile(target(), { display: "Pulumi.alice.yaml" });
    assert.equal(fs.readlinkSync(`${target()}.lock`).split(":")[0], String(process.pid));
    assert.throws(
      () => lockFile(target(), { display: "Pulumi.alice.yaml", timeoutMs: 50 }),
      (error: Error) =>
        error.message ===
        `Pulumi.alice.yaml is being changed by another command (process ${process.pid} holds Pulumi.alice.yaml.lock); Pulumi.alice.yaml is unchanged, run this again when it has finished`,
    );
    release();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("takes over the lock of a process that is gone", () => {
    // A pid that has exited: the child's, after it is reaped.
    const gone = spawnSync(process.execPath, ["-e", ""]).pid!;
    fs.symlinkSync(`${gone}:deadbeef`, `${target()}.lock`);
    const release = lockFile(target(), { timeoutMs: 50 });
    assert.equal(fs.readlinkSync(`${target()}.lock`).split(":")[0], String(process.pid));
    release();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  describe("on a full tmpfs", () => {
    let mountpoint: string | undefined;
    before(function () {
      mountpoint = mountSmallTmpfs();
      if (mountpoint === undefined) this.skip();
    });
    after(() => unmountSmallTmpfs(mountpoint));
    const fill = fillDisk;

    it("stack:extend fails in one line and leaves the 4096-byte file as it was", () => {
      const file = path.join(mountpoint!, "Pulumi.alice.yaml");
      const base = aliceFile();
      const original = base + "#".repeat(4095 - base.length) + "\n";
      assert.equal(Buffer.byteLength(original), 4096);
      fs.writeFileSync(file, original);
      fill(mountpoint!);
      const rec = recorder();
      const code = main(
        ["extend", "alice", "--now", "2026-12-01T00:00:00Z", "--dir", mountpoint!],
        rec.out,
        { PATH: "/nonexistent" },
      );
      assert.equal(code, 1);
      assert.equal(
        rec.stderr(),
        "stack: cannot write Pulumi.alice.yaml: could not write it: ENOSPC (no space left on device); Pulumi.alice.yaml is unchanged\n",
      );
      assert.equal(rec.stdout(), "");
      assert.equal(fs.readFileSync(file, "utf8"), original);
      assert.deepEqual(fs.readdirSync(mountpoint!).sort(), ["Pulumi.alice.yaml", "filler"]);
      fs.rmSync(path.join(mountpoint!, "filler"));
      fs.rmSync(file);
    });

    it("stack:new fails in one line and leaves no file", () => {
      fill(mountpoint!);
      const rec = recorder();
      const code = main(["new", "bob", "--dir", mountpoint!], rec.out, { PATH: "/nonexistent" });
      assert.equal(code, 1);
      assert.equal(
        rec.stderr(),
        "stack: cannot write Pulumi.bob.yaml: could not write it: ENOSPC (no space left on device); nothing was written\n",
      );
      assert.deepEqual(fs.readdirSync(mountpoint!), ["filler"]);
      fs.rmSync(path.join(mountpoint!, "filler"));
    });
  });

  it("eight stack:extend processes on one file take turns and leave a valid file", async function () {
    this.timeout(60_000);
    fs.writeFileSync(target(), aliceFile());
    const before = fs.readFileSync(target(), "utf8");
    let reads = 0;
    const torn: string[] = [];
    const reader = setInterval(() => {
      const text = fs.readFileSync(target(), "utf8");
      reads++;
      if (text.length < before.length - 30 || parseDocument(text).errors.length > 0) {
        torn.push(text);
      }
    }, 1);
    const runs = Array.from({ length: 8 }, (_, i) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          path.join(REPO_ROOT, "cli", "stack.ts"),
          "extend",
          "alice",
          "--now",
          `2026-12-0${i + 1}T00:00:00Z`,
          "--dir",
          dir,
        ],
        { cwd: REPO_ROOT, env: { ...process.env, PATH: "/nonexistent" } },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      return new Promise<{ code: number | null; stderr: string }>((resolve) =>
        child.on("close", (code) => resolve({ code, stderr })),
      );
    });
    const results = await Promise.all(runs);
    clearInterval(reader);
    assert.deepEqual(
      results,
      Array.from({ length: 8 }, () => ({ code: 0, stderr: "" })),
    );
    assert.deepEqual(torn, []);
    assert.ok(reads > 0);
    const after = fs.readFileSync(target(), "utf8");
    const expiry = parseDocument(after).toJS().config["buildenv:expiresAt"] as string;
    const expected = Array.from(
      { length: 8 },
      (_, i) => `2026-12-${String(i + 8).padStart(2, "0")}T00:00:00Z`,
    );
    assert.ok(expected.includes(expiry), expiry);
    assert.equal(
      after,
      before.replace(/buildenv:expiresAt: .*/, `buildenv:expiresAt: "${expiry}"`),
    );
    assert.deepEqual(fs.readdirSync(dir), ["Pulumi.alice.yaml"]);
  });
});
