/**
 * The sync of a checkout whose listing did not change since this machine's last sync into the
 * volume, and whose volume no one else touched since (the records copy's stats say so): then
 * only the paths git's diff-files reports against the sync index, and the few the index does not
 * vouch for, are looked at, and the manifest is the last one with their lines rewritten. Nothing
 * here is O(files) in JavaScript, so a one-file edit costs about the same at 2,000 files as at
 * 20,000. Anything it does not handle (an added or removed path, a file turned into a directory)
 * hands over to the full sync (sync.ts), which gives the same result.
 */
import * as fs from "fs";
import * as path from "path";
import { gitBlobHash, hashOpenFile } from "../../components/image/gitFormat";
import { SyncIndex } from "./syncIndex";
import { SyncEntry, findLine, manifestHeader, manifestLine } from "./syncManifest";

/** A path the fast sync sends: its entry now and where its line is in the last manifest. */
export interface FastChange {
  entry: SyncEntry;
  line: { start: number; end: number };
}

/**
 * The changes of the paths in `candidates` against the last manifest `text`, or undefined when
 * one of them is not an edit in place (then the full sync decides). Hashes what it reads into
 * `index`.
 */
export function fastChanges(
  dir: string,
  candidates: Iterable<string>,
  text: string,
  index: SyncIndex,
): FastChange[] | undefined {
  const changes: FastChange[] = [];
  for (const relative of candidates) {
    const old = findLine(text, relative);
    index.beforeHashing();
    const absolute = path.join(dir, relative);
    const stats = fs.lstatSync(absolute, { bigint: true, throwIfNoEntry: false });
    const kind =
      stats === undefined
        ? "gone"
        : stats.isDirectory()
          ? "directory"
          : stats.isFile() || stats.isSymbolicLink()
            ? "file"
            : "gone";
    if (kind === "gone" || old === undefined) {
      // Still gone (listed by git, not in the work tree) is no change; anything else adds or removes.
      if (kind === "gone" && old === undefined) continue;
      return undefined;
    }
    if ((kind === "directory") !== (old.entry.mode === "040000")) return undefined;
    if (kind === "directory") continue;
    const mode = stats!.isSymbolicLink()
      ? "120000"
      : (stats!.mode & 0o100n) !== 0n
        ? "100755"
        : "100644";
    let sha1: string;
    if (stats!.isSymbolicLink()) {
      sha1 = gitBlobHash(fs.readlinkSync(absolute, "buffer"));
    } else {
      const fd = fs.openSync(absolute, "r");
      try {
        sha1 = hashOpenFile(fd, Number(stats!.size));
      } finally {
        fs.closeSync(fd);
      }
    }
    index.remember(relative, stats!, sha1);
    if (mode === old.entry.mode && sha1 === old.entry.sha1) continue;
    changes.push({
      entry: { mode, sha1, size: Number(stats!.size), path: relative },
      line: { start: old.start, end: old.end },
    });
  }
  return changes;
}

/** The last manifest `text` as written by sync `syncId`, with the lines of `changes` rewritten. */
export function rewriteManifest(
  text: string,
  syncId: string,
  changes: readonly FastChange[],
  sent: ReadonlyMap<string, { sha1: string; size: number }>,
): string {
  const parts = [manifestHeader(syncId)];
  let at = text.indexOf("\n") + 1;
  for (const { entry, line } of [...changes].sort((a, b) => a.line.start - b.line.start)) {
    parts.push(text.slice(at, line.start), manifestLine({ ...entry, ...sent.get(entry.path) }));
    at = line.end;
  }
  parts.push(text.slice(at));
  return parts.join("");
}
