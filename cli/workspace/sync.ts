/**
 * `npm run env -- sync [dir] [--clean]`: brings the source volume to the checkout, sending only
 * what changed since the volume's last sync (see syncManifest.ts for what the volume records).
 *
 * Both host kinds go the same way, because a VCH has no bind mounts: a holder container that is
 * created once per volume and never started (the engine copies into a stopped container's
 * volumes) takes one tar stream through the engine's archive endpoint. A sync after a one-file
 * edit is then one inspect, two stats and one small upload; removals and `--clean` add one
 * throw-away container. Unchanged files keep their bytes and mtimes; files the checkout does not
 * list and no manifest listed (the build's objects, `node_modules`, generated code) are left,
 * unless `--clean`.
 *
 * Order, so that a sync killed at any point leaves what the records describe: the journal
 * (`pending`) is the first entry written, then removals, then the files, and the manifest is the
 * last entry of the last upload. The next sync trusts the manifest for every path the journal
 * does not name, and writes or removes the named ones again.
 */
import { createHash, randomBytes } from "crypto";
import * as path from "path";
import { StatCache } from "../../components/image/statCache";
import { TAR_END, selectFiles, tarHeader } from "./archive";
import { CliError, formatBytes, formatElapsed } from "./process";
import { Progress } from "./progress";
import { archiveOf, memoryEntry, parentsOf, scanCheckout } from "./syncArchive";
import {
  KEEP_FILE,
  MANIFEST_FILE,
  PENDING_FILE,
  REMOVE_FILE,
  REMOVE_SCRIPT,
  SYNC_DIR,
  SyncEntry,
  formatManifest,
  formatPending,
  keepList,
  planSync,
  volumeKnowledge,
} from "./syncManifest";
import { SyncTarget, WORKDIR, ensureHolder, readVolumeState, saveVolumeState } from "./syncVolume";

export type { SyncTarget } from "./syncVolume";
export { holderLabels, holderName } from "./syncVolume";

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
}

export async function syncTree(request: SyncRequest, target: SyncTarget): Promise<SyncResult> {
  const now = target.now ?? Date.now;
  const started = now();
  const files = selectFiles(request.dir, request.exclude);
  const newline = files.find((f) => f.includes("\n"));
  if (newline !== undefined) {
    throw new CliError(
      `sync: cannot sync ${JSON.stringify(newline)}: its name holds a newline; rename it or --exclude it`,
    );
  }
  const { holder, kept } = await ensureHolder(target);
  const state = await readVolumeState(target, holder);
  const knowledge = volumeKnowledge(state);
  const dirKey = createHash("sha256").update(request.dir).digest("hex").slice(0, 16);
  const cache = StatCache.load(path.join(target.cacheDir, `${dirKey}.stat.json`), request.dir);
  try {
    const local = scanCheckout(request.dir, files, knowledge.known, cache);
    const plan = planSync(local, knowledge, request.clean);
    if (knowledge.interrupted) {
      target.log(
        `the last sync into ${target.volume} did not finish; writing its ${knowledge.suspect.size} paths again`,
      );
    }
    if (plan.upToDate) {
      cache.save();
      await saveVolumeState(target, holder, state);
      target.log(
        `${target.volume} already holds the ${local.length} files of ${request.dir} (${formatElapsed(now() - started)})`,
      );
      return {
        files: local.length,
        sent: 0,
        bytes: 0,
        removed: 0,
        upToDate: true,
        repaired: false,
      };
    }
    const syncId = randomBytes(8).toString("hex");
    const pendingText = formatPending({
      syncId,
      write: plan.send.map((e) => e.path),
      remove: plan.remove,
    });
    const journal = [
      tarHeader({
        name: SYNC_DIR,
        type: "directory",
        mode: 0o755,
        mtime: Math.floor(Date.now() / 1000),
        size: 0,
      }),
      memoryEntry(PENDING_FILE, pendingText),
    ];
    const totalBytes = plan.send.reduce((sum, e) => sum + e.size, 0);
    const progress = new Progress(target.progress, {
      label: "sync",
      totalBytes,
      totalFiles: plan.send.length,
      now,
      ...(target.progressIntervalMs === undefined ? {} : { intervalMs: target.progressIntervalMs }),
    });
    target.log(
      `sending ${plan.send.length} of ${local.length} files (${formatBytes(totalBytes)})${plan.remove.length ? `, removing ${plan.remove.length}` : ""}${request.clean ? ", removing build state (--clean)" : ""} into ${target.volume}`,
    );
    const removing = plan.remove.length > 0 || request.clean;
    if (removing) {
      const lists = [memoryEntry(REMOVE_FILE, plan.remove.map((p) => `${p}\n`).join(""))];
      if (request.clean) lists.push(memoryEntry(KEEP_FILE, keepList(local.map((e) => e.path))));
      await target.api.putArchive(holder, WORKDIR, Buffer.concat([...journal, ...lists, TAR_END]));
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
      const entries: SyncEntry[] = local.map(
        (e) => ({ ...e, ...(hashed.get(e.path) ?? {}) }) as SyncEntry,
      );
      manifestText = formatManifest(syncId, entries);
      return [memoryEntry(MANIFEST_FILE, manifestText)];
    };
    const knownDirs = parentsOf(knowledge.known.keys());
    await target.api.putArchive(
      holder,
      WORKDIR,
      archiveOf(
        request.dir,
        plan.send,
        knownDirs,
        removing ? [] : journal,
        final,
        hashed,
        cache,
        progress,
      ),
    );
    progress.done();
    cache.save();
    await saveVolumeState(target, holder, { manifest: manifestText, pending: pendingText });
    target.log(
      `synced ${target.volume}: ${plan.send.length} files sent (${formatBytes(progress.sentBytes)}), ${plan.remove.length} removed, ${local.length - plan.send.length} unchanged, in ${formatElapsed(now() - started)}`,
    );
    return {
      files: local.length,
      sent: plan.send.length,
      bytes: progress.sentBytes,
      removed: plan.remove.length,
      upToDate: false,
      repaired: knowledge.interrupted,
    };
  } finally {
    cache.discard();
    if (!kept) {
      // Best effort: a holder left behind is removed by the next sync; the sync's own error wins.
      await target.api.removeContainer(holder).catch(() => undefined);
    }
  }
}
