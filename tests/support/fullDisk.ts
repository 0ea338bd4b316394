/**
 * A real, small tmpfs for the tests that fill a disk (issue 20): mounted on a fresh directory
 * with `mount -t tmpfs -o size=64k`, which needs root; `undefined` (with the reason printed) when
 * mounting is not permitted, so the caller skips.
 */
import * as assert from "assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** Mounts a 64 KiB tmpfs; returns its path, or undefined after printing why it cannot. */
export function mountSmallTmpfs(): string | undefined {
  const mountpoint = fs.mkdtempSync(path.join(os.tmpdir(), "buildenv-full-"));
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mountpoint], {
    encoding: "utf8",
  });
  if (mounted.status !== 0) {
    const why = (mounted.stderr || mounted.error?.message || "").trim().split("\n")[0];
    console.log(`      skipped: cannot mount a 64k tmpfs (${why}); needs root`);
    fs.rmSync(mountpoint, { recursive: true, force: true });
    return undefined;
  }
  return mountpoint;
}

/** Unmounts and removes what mountSmallTmpfs made. */
export function unmountSmallTmpfs(mountpoint: string | undefined): void {
  if (mountpoint !== undefined) {
    spawnSync("umount", [mountpoint]);
    fs.rmSync(mountpoint, { recursive: true, force: true });
  }
}

/** Fills the file system holding `dir` with one file, `filler`, until a write fails with ENOSPC. */
export function fillDisk(dir: string): void {
  const fd = fs.openSync(path.join(dir, "filler"), "w");
  try {
    for (;;) fs.writeSync(fd, Buffer.alloc(4096, 1));
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, "ENOSPC");
  } finally {
    fs.closeSync(fd);
  }
}
