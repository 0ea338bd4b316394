/**
 * Writing a file so that nothing is lost: the new content goes to a temporary file beside the
 * target, is flushed to the disk (fsync), and only then renamed over the target, so a reader
 * sees the old file or the new one, never a part; a full disk or any other failure leaves the
 * old file as it was and is reported in one line. `lockFile` serialises the commands that
 * read-modify-write one file (stack:extend, the stack-file restore of `npm run up`).
 *
 * rename(2) replaces the target atomically, within one file system only ("rename() guarantees
 * that if to already exists, an instance of to will always exist, even if the system should
 * crash", OpenBSD rename(2), as quoted on misc@openbsd.org msg86393; both "must reside on the
 * same file system"), which is why the temporary file lives in the target's own directory.
 * write(2) may write fewer bytes than asked ("The number of bytes written may be less than count
 * if, for example, there is insufficient space on the underlying physical medium", Linux
 * man-pages 5.11 write.2), so every write is looped until all bytes are down.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** A file could not be written or locked; the message is one line, and the old file is intact. */
export class FileWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FileWriteError";
  }
}

/** The file-system calls the writer makes; tests inject failures at each step. */
export interface WriteFs {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  linkSync(existing: string, link: string): void;
  unlinkSync(file: string): void;
}

export interface WriteOptions {
  /** Permission bits of a new file; default: the existing target's, else 0644 (less umask). */
  mode?: number;
  /** Refuse to replace an existing target (a new stack file, a new passphrase); default false. */
  exclusive?: boolean;
  /** The target as the message names it; default its path. */
  display?: string;
  /** Default: node's fs. */
  fs?: WriteFs;
  /**
   * Flush to the disk before the rename; default true. Only a cache that is checked when read
   * may skip it: after a crash it can be found empty, never half old and half new.
   */
  durable?: boolean;
}

/** `ENOSPC (no space left on device)`: the code and the reason, without the path repeated. */
export function errnoReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code === "string") {
    // Node's message reads "ENOSPC: no space left on device, write"; keep the middle part.
    const reason = /^[A-Z0-9]+: ([^,]+)/.exec(e.message ?? "")?.[1];
    return reason ? `${e.code} (${reason})` : e.code;
  }
  return (error instanceof Error ? error.message : String(error)).split("\n")[0];
}

/**
 * Writes `data` to `target` atomically: temporary file `.<name>.<pid>.<random>.tmp` beside it,
 * every byte written, fsync, close, then rename over the target (or, when `exclusive`, a hard
 * link that fails if the target exists), then fsync of the directory so the rename survives a
 * crash. The temporary file is removed whatever fails.
 *
 * @throws FileWriteError `cannot write <file>: <CODE> (<reason>); <file> is unchanged`, or for
 *   `exclusive` with an existing target, code EEXIST (see `existed`).
 */
export function writeFileAtomic(
  target: string,
  data: string | Uint8Array,
  options: WriteOptions = {},
): void {
  const ops = options.fs ?? fs;
  const display = options.display ?? target;
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  const dir = path.dirname(target);
  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`,
  );
  let mode = options.mode;
  if (mode === undefined) {
    try {
      mode = fs.statSync(target).mode & 0o7777;
    } catch {
      mode = 0o644;
    }
  }
  const unchanged = options.exclusive ? "nothing was written" : `${display} is unchanged`;
  let fd: number | undefined;
  let step = "create a temporary file beside it";
  try {
    fd = ops.openSync(temp, "wx", mode);
    step = "write it";
    for (let offset = 0; offset < bytes.length;) {
      const written = ops.writeSync(fd, bytes, offset, bytes.length - offset);
      if (written <= 0) {
        throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
          code: "ENOSPC",
        });
      }
      offset += written;
    }
    if (options.durable !== false) {
      step = "flush it to the disk";
      ops.fsyncSync(fd);
    }
    const closing = fd;
    fd = undefined;
    ops.closeSync(closing);
    if (options.exclusive) {
      step = "create it";
      ops.linkSync(temp, target);
      removeQuietly(ops, temp);
    } else {
      step = "replace it";
      ops.renameSync(temp, target);
    }
  } catch (error) {
    if (fd !== undefined) {
      try {
        ops.closeSync(fd);
      } catch {
        // Already failing; the write error is the one to report.
      }
    }
    removeQuietly(ops, temp);
    const code = (error as NodeJS.ErrnoException).code;
    if (options.exclusive && code === "EEXIST" && step === "create it") {
      throw Object.assign(new FileWriteError(`${display} already exists`), { code });
    }
    throw Object.assign(
      new FileWriteError(
        `cannot write ${display}: could not ${step}: ${errnoReason(error)}; ${unchanged}`,
      ),
      { code },
    );
  }
  syncDirectory(dir);
}

/** Whether a FileWriteError of an exclusive write means the target was already there. */
export function existed(error: unknown): boolean {
  return error instanceof FileWriteError && (error as { code?: string }).code === "EEXIST";
}

function removeQuietly(ops: WriteFs, file: string): void {
  try {
    ops.unlinkSync(file);
  } catch {
    // Gone already, or never created.
  }
}

/** Makes a rename in `dir` durable; some file systems refuse fsync on a directory, which is fine. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // EINVAL/EISDIR on file systems without directory fsync: the data itself is already synced.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface LockOptions {
  /** How long to wait for another holder; default 10 s. */
  timeoutMs?: number;
  /** The locked file as messages name it; default its path. */
  display?: string;
}

/**
 * Takes `<file>.lock`, waiting while another live process holds it; a lock whose process is gone
 * is taken over. Returns the release function.
 *
 * The lock is a symbolic link whose target is `<pid>:<token>`: symlink(2) creates it atomically
 * and fails with EEXIST when it exists, like O_EXCL, and the holder is written in the same call,
 * so there is no moment where the lock exists without its holder; and on a full tmpfs it is still
 * created (tests/cli/atomicFile.test.ts), so the write is what reports ENOSPC.
 *
 * @throws FileWriteError when another process still holds it after `timeoutMs`, or the lock
 *   cannot be created.
 */
export function lockFile(file: string, options: LockOptions = {}): () => void {
  const lock = `${file}.lock`;
  const display = options.display ?? file;
  const token = `${process.pid}:${crypto.randomBytes(8).toString("hex")}`;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      fs.symlinkSync(token, lock);
      return () => {
        try {
          if (fs.readlinkSync(lock) === token) fs.unlinkSync(lock);
        } catch {
          // Removed already.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new FileWriteError(
          `cannot lock ${display}: could not create ${path.basename(lock)}: ${errnoReason(error)}; ${display} is unchanged`,
        );
      }
    }
    const holder = readHolder(lock);
    if (holder !== undefined && !alive(holder.pid)) {
      takeOverStale(lock, holder.text);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new FileWriteError(
        `${display} is being changed by another command (process ${holder?.pid ?? "unknown"} holds ${path.basename(lock)}); ${display} is unchanged, run this again when it has finished`,
      );
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
  }
}

function readHolder(lock: string): { pid: number; text: string } | undefined {
  try {
    const text = fs.readlinkSync(lock);
    const pid = Number(text.split(":")[0]);
    return Number.isInteger(pid) && pid > 0 ? { pid, text } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes a dead holder's lock, unless another process replaced it meanwhile. */
function takeOverStale(lock: string, staleText: string): void {
  const aside = `${lock}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
  try {
    fs.renameSync(lock, aside);
  } catch {
    return;
  }
  try {
    const moved = fs.readlinkSync(aside);
    if (moved !== staleText) {
      // A live holder's lock was moved: put it back (it fails only if a third took the lock).
      fs.symlinkSync(moved, lock);
    }
  } catch {
    // Another process holds the lock now; it keeps it.
  } finally {
    fs.rmSync(aside, { force: true });
  }
}
