/**
 * `npm run env -- sync [dir] [--clean]`: brings the source volume to the checkout, sending only
 * what changed since the volume's last sync (see syncManifest.ts for what the volume records).
 *
 * Both host kinds go the same way, because a VCH has no bind mounts: a holder container that is
 * created once per volume and never started (the engine copies into a stopped container's
 * volumes) takes one tar stream through the engine's archive endpoint. A sync after a one-file
 * edit is then one inspect, two stats and one small upload (begun before git has answered, see
 * syncVolume.ts HolderUpload); removals and `--clean` add one throw-away container. Unchanged
 * files keep their bytes and mtimes; files the checkout does not list and no manifest listed
 * (the build's objects, `node_modules`, generated code) are left, unless `--clean`.
 *
 * Order, so that a sync killed at any point leaves what the records describe: the journal
 * (`pending`) is the first file written (after the records' directory), then removals, then the
 * files, and the manifest is the last entry of the last upload. The next sync trusts the
 * manifest for every path the journal does not name, and writes or removes the named ones again.
 */
import { createHash, randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { TAR_END, listCheckout } from "./archive";
import { CliError, formatBytes, formatElapsed } from "./process";
import { Progress } from "./progress";
import { FastChange, fastChanges, rewriteManifest } from "./syncFast";
import { probeCheckout } from "./gitProbe";
import { SyncIndex } from "./syncIndex";
import { archiveOf, memoryEntry, parentsOf, scanCheckout } from "./syncArchive";
import {
  KEEP_FILE,
  MANIFEST_FILE,
  PENDING_FILE,
  REMOVE_FILE,
  REMOVE_SCRIPT,
  SyncEntry,
  formatManifest,
  LocalEntry,
  findLine,
  formatPending,
  keepList,
  manifestSyncId,
  parsePending,
  planSync,
  volumeKnowledge,
} from "./syncManifest";
import {
  HolderUpload,
  RecordsCopy,
  SyncTarget,
  WORKDIR,
  openVolume,
  saveVolumeState,
} from "./syncVolume";

export type { SyncTarget } from "./syncVolume";
export { holderLabels, holderName } from "./syncVolume";

/** Sends of up to this many files carry exact mtimes (syncArchive.ts mtimeOf says why). */
const EXACT_MTIMES_UP_TO = 1000;

export interface SyncRequest {
  /** The checkout, absolute. */
  dir: string;
  exclude: readonly string[];
  /** Also remove what the checkout does not list and no manifest did (build state). */
  clean: boolean;
}

export interface SyncResult {
  files: number;
  sent: number;
  bytes: number;
  removed: number;
  upToDate: boolean;
  /** The last sync had not finished: its paths were written or removed again. */
  repaired: boolean;
  /**
   * Paths this sync looked at itself: those git found changed since this machine's last sync
   * into the volume when that sync's listing and records still hold, else every listed path.
   */
  looked: number;
}

/** What a sync is to do, from the fast sync or the full one. */
interface Work {
  send: LocalEntry[];
  remove: string[];
  upToDate: boolean;
  /** The checkout's entries (for the log and the result). */
  files: number;
  /** Paths this sync looked at itself (SyncResult.looked). */
  looked: number;
  interrupted: boolean;
  /** Paths an interrupted sync may have left in any state. */
  suspect: number;
  /** Directories the volume has already, so the archive need not make them. */
  knownDirs: ReadonlySet<string>;
  /** `--clean`'s keep list. */
  keep?: () => string;
  /** Lstats already taken of paths to send (archiveOf). */
  scanned?: ReadonlyMap<string, fs.BigIntStats>;
  /** The new manifest, once the archive has hashed what it sent. */
  manifest(syncId: string, sent: ReadonlyMap<string, { sha1: string; size: number }>): string;
  /** How the index is to be written (SyncIndex.save). */
  keepInIndex: "hits" | "all";
  /** Listed paths the written index does not vouch for, against the new manifest. */
  unchecked(): string[];
}

function countLines(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return count;
}

/**
 * The fast sync's work (syncFast.ts) when this machine synced the volume last, from the same
 * listing, with the index it wrote then; undefined when the full sync is needed.
 */
function fastWork(
  request: SyncRequest,
  digest: string | undefined,
  state: { manifest?: string; pending?: string },
  copy: RecordsCopy | undefined,
  index: SyncIndex,
): Work | undefined {
  const text = state.manifest;
  if (
    request.clean ||
    copy === undefined ||
    text === undefined ||
    digest === undefined ||
    copy.listing !== digest ||
    copy.index === undefined ||
    copy.index !== index.checksum ||
    index.changed === undefined ||
    state.pending === undefined ||
    parsePending(state.pending)?.syncId !== manifestSyncId(text)
  ) {
    return undefined;
  }
  const candidates = new Set([...index.changed, ...copy.unchecked]);
  const changes = fastChanges(request.dir, candidates, text, index);
  if (changes === undefined) return undefined;
  let written = "";
  return {
    send: changes.map((c: FastChange) => c.entry),
    remove: [],
    upToDate: changes.length === 0,
    files: countLines(text) - 1,
    looked: candidates.size,
    interrupted: false,
    suspect: 0,
    knownDirs: parentsOf(changes.map((c) => c.entry.path)),
    manifest(syncId, sent) {
      written = rewriteManifest(text, syncId, changes, sent);
      return written;
    },
    keepInIndex: "all",
    unchecked() {
      const vouched = (p: string) => {
        const sha1 = index.sha1Of(p);
        return sha1 !== undefined && findLine(written || text, p)?.entry.sha1 === sha1;
      };
      const sent = changes.map((c) => c.entry.path);
      return [...new Set([...copy.unchecked, ...sent])].filter((p) => !vouched(p)).sort();
    },
  };
}

/** The full sync's work: every listed path through the index, planned against the manifest. */
function fullWork(
  request: SyncRequest,
  files: readonly string[],
  state: { manifest?: string; pending?: string },
  index: SyncIndex,
): Work {
  const knowledge = volumeKnowledge(state);
  const scanned = new Map<string, fs.BigIntStats>();
  const local = scanCheckout(request.dir, files, knowledge.known, index, scanned);
  const plan = planSync(local, knowledge, request.clean);
  let written: Map<string, SyncEntry> | undefined;
  return {
    send: plan.send,
    remove: plan.remove,
    upToDate: plan.upToDate,
    files: local.length,
    looked: files.length,
    interrupted: knowledge.interrupted,
    suspect: knowledge.suspect.size,
    knownDirs: parentsOf(knowledge.known.keys()),
    keep: () => keepList(local.map((e) => e.path)),
    scanned,
    manifest(syncId, sent) {
      const entries = local.map((e) => ({ ...e, ...sent.get(e.path) }) as SyncEntry);
      written = new Map(entries.map((e) => [e.path, e]));
      return formatManifest(syncId, entries);
    },
    keepInIndex: "hits",
    unchecked() {
      const entries = written ?? new Map(local.map((e) => [e.path, e as SyncEntry]));
      return files.filter((p) => {
        const entry = entries.get(p);
        return entry === undefined || entry.mode === "040000" || index.sha1Of(p) !== entry.sha1;
      });
    },
  };
}

export async function syncTree(request: SyncRequest, target: SyncTarget): Promise<SyncResult> {
  const now = target.now ?? Date.now;
  const started = now();
  const dirKey = createHash("sha256").update(request.dir).digest("hex").slice(0, 16);
  // git lists the checkout and compares it with the last run's index while the engine is asked
  // for the holder and the volume's records.
  const indexFile = path.join(target.cacheDir, `${dirKey}.index`);
  const previousIndex = SyncIndex.readPrevious(indexFile);
  const probe = probeCheckout(
    request.dir,
    previousIndex && { file: indexFile, gitDir: path.join(target.cacheDir, "git") },
  );
  // The upload begins once the holder is known, while git still compares (HolderUpload); not
  // when the sync failed first (then nothing waits for the engine).
  let begun: HolderUpload | undefined;
  let failed = false;
  let removeHolder: string | undefined;
  const opening = openVolume(target).then((opened) => {
    if (!opened.kept) removeHolder = opened.holder;
    if (!failed) begun = new HolderUpload(target.api, opened.holder);
    return { ...opened, upload: begun };
  });
  let openedIndex: SyncIndex | undefined;
  try {
    const [checkout, { holder, kept, state, copy, upload: begunUpload }] = await Promise.all([
      listCheckout(request.dir, request.exclude, probe),
      opening,
    ]);
    const upload = begunUpload!;
    const index = SyncIndex.open(indexFile, previousIndex, (await probe).changed);
    openedIndex = index;
    const digest = checkout.digest;
    const newline = checkout.mayHoldNewline
      ? checkout.files().find((f) => f.includes("\n"))
      : undefined;
    if (newline !== undefined) {
      throw new CliError(
        `sync: cannot sync ${JSON.stringify(newline)}: its name holds a newline; rename it or --exclude it`,
      );
    }
    const work =
      fastWork(request, digest, state, copy, index) ??
      fullWork(request, checkout.files(), state, index);
    const records = (): RecordsCopy => ({
      ...(digest === undefined ? {} : { listing: digest }),
      ...(index.checksum === undefined ? {} : { index: index.checksum }),
      unchecked: work.unchecked(),
    });
    if (work.interrupted) {
      target.log(
        `the last sync into ${target.volume} did not finish; writing its ${work.suspect} paths again`,
      );
    }
    if (work.upToDate) {
      index.save(work.keepInIndex);
      const next = records();
      // Nothing to write. The holder of a volume that is not kept is removed below, once the
      // engine is done with the upload; otherwise the sync does not wait for the engine.
      if (kept) await upload.endInBackground();
      else await upload.end().catch(() => undefined);
      if (JSON.stringify(copy) !== JSON.stringify(next)) {
        await saveVolumeState(target, holder, state, next);
      }
      target.log(
        `${target.volume} already holds the ${work.files} files of ${request.dir} (${formatElapsed(now() - started)})`,
      );
      return {
        files: work.files,
        sent: 0,
        bytes: 0,
        removed: 0,
        upToDate: true,
        repaired: false,
        looked: work.looked,
      };
    }
    const syncId = randomBytes(8).toString("hex");
    const pendingText = formatPending({
      syncId,
      write: work.send.map((e) => e.path),
      remove: work.remove,
    });
    // After the records' directory, which the upload began with.
    const journal = [memoryEntry(PENDING_FILE, pendingText, true)];
    const totalBytes = work.send.reduce((sum, e) => sum + e.size, 0);
    const progress = new Progress(target.progress, {
      label: "sync",
      totalBytes,
      totalFiles: work.send.length,
      now,
      ...(target.progressIntervalMs === undefined ? {} : { intervalMs: target.progressIntervalMs }),
    });
    target.log(
      `sending ${work.send.length} of ${work.files} files (${formatBytes(totalBytes)})${work.remove.length ? `, removing ${work.remove.length}` : ""}${request.clean ? ", removing build state (--clean)" : ""} into ${target.volume}`,
    );
    const removing = work.remove.length > 0 || request.clean;
    if (removing) {
      const lists = [memoryEntry(REMOVE_FILE, work.remove.map((p) => `${p}\n`).join(""))];
      if (request.clean) lists.push(memoryEntry(KEEP_FILE, work.keep!()));
      await upload.send([...journal, ...lists, TAR_END]);
      const result = await target.runScript(REMOVE_SCRIPT, request.clean ? ["clean"] : []);
      if (result.code !== 0) {
        throw new CliError(
          `sync: removing files from ${target.volume} failed (${result.stderr.trim().split("\n")[0] || `exit ${result.code}`}); run sync again`,
        );
      }
    }
    const hashed = new Map<string, { sha1: string; size: number }>();
    let manifestText = "";
    const final = (): Buffer[] => {
      manifestText = work.manifest(syncId, hashed);
      return [memoryEntry(MANIFEST_FILE, manifestText, true)];
    };
    const archive = archiveOf(
      request.dir,
      work.send,
      work.knownDirs,
      removing ? [] : journal,
      final,
      hashed,
      index,
      progress,
      work.send.length <= EXACT_MTIMES_UP_TO,
      work.scanned,
    );
    // After removals the upload that began is over: the files go in a second one.
    const putting = removing
      ? target.api.putArchive(holder, WORKDIR, archive)
      : upload.send(archive);
    // The fast route hashed what it sends before the upload, and the archive reads the same
    // files again: the index is written while the engine extracts (again after, if it changed).
    if (work.keepInIndex === "all") {
      // After the request's first write has gone out (it waits for a later turn of the loop).
      await new Promise((resolve) => setImmediate(resolve));
      index.save("all");
    }
    await putting;
    progress.done();
    index.save(work.keepInIndex);
    await saveVolumeState(
      target,
      holder,
      { manifest: manifestText, pending: pendingText },
      records(),
    );
    target.log(
      `synced ${target.volume}: ${work.send.length} files sent (${formatBytes(progress.sentBytes)}), ${work.remove.length} removed, ${work.files - work.send.length} unchanged, in ${formatElapsed(now() - started)}`,
    );
    return {
      files: work.files,
      sent: work.send.length,
      bytes: progress.sentBytes,
      removed: work.remove.length,
      upToDate: false,
      repaired: work.interrupted,
      looked: work.looked,
    };
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // The upload holds the holder's lock: it ends, with what it was given, before the holder goes.
    if (begun?.inBackground === false) await begun.end().catch(() => undefined);
    openedIndex?.discard();
    if (removeHolder !== undefined) {
      // Best effort: a holder left behind is removed by the next sync; the sync's own error wins.
      await target.api.removeContainer(removeHolder).catch(() => undefined);
    }
  }
}
