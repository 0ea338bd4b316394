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
import * as fs from "fs";
import * as path from "path";
import { hashOpenFile, gitBlobHash, compareUtf8 } from "../../components/image/gitFormat";
import { StatCache } from "../../components/image/statCache";
import { TarEntry, TAR_END, pad, selectFiles, tarHeader } from "./archive";
import { MOUNT_ROOT } from "./docker";
import { EngineApi, PathStat } from "./engineApi";
import { CliError, formatBytes, formatElapsed } from "./process";
import { Progress, ProgressSink } from "./progress";
import {
  EMPTY_TREE,
  KEEP_FILE,
  LocalEntry,
  MANIFEST_FILE,
  PENDING_FILE,
  REMOVE_FILE,
  REMOVE_SCRIPT,
  SYNC_DIR,
  SyncEntry,
  VolumeState,
  formatManifest,
  formatPending,
  keepList,
  planSync,
  volumeKnowledge,
} from "./syncManifest";
import { readTarFiles } from "./tarRead";
import { writeFileAtomic } from "./atomicFile";

export interface SyncRequest {
  /** The checkout, absolute. */
  dir: string;
  exclude: readonly string[];
  /** Also remove what the checkout does not list and no manifest did (build state). */
  clean: boolean;
}

export interface SyncTarget {
  api: EngineApi;
  /** The engine's address, to tell the caches of two engines apart. */
  dockerHost: string;
  stack: string;
  volume: string;
  /** The image the holder and the removal container are made from (the build image). */
  image: string;
  /** Where the stat cache and the copy of the volume's records live (`.buildenv/sync`). */
  cacheDir: string;
  /** Runs REMOVE_SCRIPT in a throw-away container with the volume; resolves to its exit code and stderr. */
  runScript(script: string, args: string[]): Promise<{ code: number; stderr: string }>;
  log(line: string): void;
  progress: ProgressSink;
  now?: () => number;
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

const WORKDIR = `${MOUNT_ROOT}/source`;

/** The holder's name: one per volume, so every sync of the volume reuses it. */
export function holderName(volume: string): string {
  return `${volume}-sync`;
}

/** Labels of the holder, so `npm run down` can find and remove it before the volume goes. */
export function holderLabels(stack: string): Record<string, string> {
  return { "buildenv.role": "sync-holder", "buildenv.stack": stack };
}

async function ensureHolder(target: SyncTarget): Promise<string> {
  const name = holderName(target.volume);
  const image = await target.api.containerImage(name);
  if (image === target.image) return name;
  if (image !== undefined) {
    // Made from an older build image: replaced, so the engine can let that image go.
    await target.api.removeContainer(name);
  }
  if (!(await target.api.volumeExists(target.volume))) {
    throw new CliError(
      `volume ${target.volume} of stack ${target.stack} does not exist on its engine; run \`npm run up -- --stack ${target.stack}\` to create it`,
    );
  }
  await target.api.createHolder(
    name,
    target.image,
    [`${target.volume}:${WORKDIR}`],
    holderLabels(target.stack),
  );
  return name;
}

interface RecordsCache {
  version: 1;
  manifest: { stat: string; text: string } | null;
  pending: { stat: string; text: string } | null;
}

function statKey(stat: PathStat | undefined): string | null {
  return stat === undefined ? null : `${stat.size} ${stat.mtime} ${stat.mode}`;
}

function recordsCacheFile(target: SyncTarget): string {
  const engine = createHash("sha256").update(target.dockerHost).digest("hex").slice(0, 12);
  return path.join(target.cacheDir, `${target.volume}@${engine}.records.json`);
}

/**
 * What `.buildenv-sync/` holds: from this machine's copy when the engine's stats of both files
 * equal those recorded after the last sync from here, else read from the volume.
 */
async function readVolumeState(target: SyncTarget, holder: string): Promise<VolumeState> {
  const [manifestStat, pendingStat] = await Promise.all([
    target.api.statPath(holder, `${WORKDIR}/${MANIFEST_FILE}`),
    target.api.statPath(holder, `${WORKDIR}/${PENDING_FILE}`),
  ]);
  let cached: RecordsCache | undefined;
  try {
    cached = JSON.parse(fs.readFileSync(recordsCacheFile(target), "utf8")) as RecordsCache;
  } catch {
    cached = undefined;
  }
  if (
    cached?.version === 1 &&
    (cached.manifest?.stat ?? null) === statKey(manifestStat) &&
    (cached.pending?.stat ?? null) === statKey(pendingStat)
  ) {
    return {
      ...(cached.manifest ? { manifest: cached.manifest.text } : {}),
      ...(cached.pending ? { pending: cached.pending.text } : {}),
    };
  }
  if (manifestStat === undefined && pendingStat === undefined) return {};
  const archive = await target.api.getArchive(holder, `${WORKDIR}/${SYNC_DIR}`);
  const files = archive === undefined ? new Map<string, Buffer>() : readTarFiles(archive);
  const manifest = files.get(MANIFEST_FILE)?.toString("utf8");
  const pending = files.get(PENDING_FILE)?.toString("utf8");
  return {
    ...(manifest !== undefined ? { manifest } : {}),
    ...(pending !== undefined ? { pending } : {}),
  };
}

async function saveVolumeState(
  target: SyncTarget,
  holder: string,
  state: VolumeState,
): Promise<void> {
  const [manifestStat, pendingStat] = await Promise.all([
    target.api.statPath(holder, `${WORKDIR}/${MANIFEST_FILE}`),
    target.api.statPath(holder, `${WORKDIR}/${PENDING_FILE}`),
  ]);
  const record = (stat: PathStat | undefined, text: string | undefined) =>
    stat === undefined || text === undefined ? null : { stat: statKey(stat)!, text };
  const cache: RecordsCache = {
    version: 1,
    manifest: record(manifestStat, state.manifest),
    pending: record(pendingStat, state.pending),
  };
  try {
    fs.mkdirSync(target.cacheDir, { recursive: true });
    writeFileAtomic(recordsCacheFile(target), JSON.stringify(cache));
  } catch {
    // Only a copy: without it the next sync reads the records from the volume.
  }
}

/**
 * The checkout's entries: from the stat cache where a file's lstat is unchanged; hashed now where
 * the volume has the path (to tell an edit from a touch); left unhashed where it is sent anyway.
 */
function scanCheckout(
  dir: string,
  files: readonly string[],
  known: ReadonlyMap<string, SyncEntry>,
  cache: StatCache,
): LocalEntry[] {
  const entries: LocalEntry[] = [];
  for (const relative of files) {
    const absolute = path.join(dir, relative);
    const hit = cache.lookup(absolute, relative);
    if (hit !== undefined) {
      entries.push({ ...hit, size: cache.sizeOf(relative)! });
      continue;
    }
    const stats = fs.lstatSync(absolute, { throwIfNoEntry: false });
    if (stats === undefined) continue;
    if (stats.isDirectory()) {
      entries.push({ mode: "040000", sha1: EMPTY_TREE, size: 0, path: relative });
      continue;
    }
    const mode = stats.isSymbolicLink()
      ? "120000"
      : (stats.mode & 0o100) !== 0
        ? "100755"
        : "100644";
    if (!stats.isSymbolicLink() && !stats.isFile()) continue;
    if (!known.has(relative)) {
      entries.push({ mode, size: stats.size, path: relative });
      continue;
    }
    cache.beforeHashing();
    let sha1: string;
    if (stats.isSymbolicLink()) {
      sha1 = gitBlobHash(fs.readlinkSync(absolute, "buffer"));
    } else {
      const fd = fs.openSync(absolute, "r");
      try {
        sha1 = hashOpenFile(fd, stats.size);
      } finally {
        fs.closeSync(fd);
      }
    }
    cache.remember(relative, stats, sha1);
    entries.push({ mode, sha1, size: stats.size, path: relative });
  }
  return entries;
}

function parentsOf(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) {
    for (let i = p.indexOf("/"); i !== -1; i = p.indexOf("/", i + 1)) dirs.add(p.slice(0, i));
  }
  return dirs;
}

/** Whole seconds, rounded up: a file never looks older on the volume than it is, so make rebuilds. */
function mtimeOf(stats: fs.Stats): number {
  return Math.ceil(stats.mtimeMs / 1000);
}

function memoryEntry(name: string, text: string): Buffer {
  const data = Buffer.from(text, "utf8");
  const header = tarHeader({
    name,
    type: "file",
    mode: 0o644,
    mtime: Math.floor(Date.now() / 1000),
    size: data.length,
  });
  return Buffer.concat([header, pad(data)]);
}

const CHUNK = 1 << 20;

/**
 * The archive of `send` (new directories first where needed), between the `before` entries and
 * what `after` returns once every file was read; hashes what it reads into `hashed`.
 */
async function* archiveOf(
  dir: string,
  send: readonly LocalEntry[],
  knownDirs: ReadonlySet<string>,
  before: Buffer[],
  after: () => Buffer[],
  hashed: Map<string, { sha1: string; size: number }>,
  cache: StatCache,
  progress: Progress,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [...before];
  let pendingBytes = 0;
  const madeDirs = new Set<string>();
  cache.beforeHashing();
  for (const entry of send) {
    for (const parent of parentsOf([entry.path])) {
      if (knownDirs.has(parent) || madeDirs.has(parent)) continue;
      madeDirs.add(parent);
      const stats = fs.statSync(path.join(dir, parent));
      pending.push(
        tarHeader({
          name: parent,
          type: "directory",
          mode: stats.mode,
          mtime: mtimeOf(stats),
          size: 0,
        }),
      );
    }
    const absolute = path.join(dir, entry.path);
    const stats = fs.lstatSync(absolute, { throwIfNoEntry: false });
    let header: TarEntry;
    let data: Buffer | undefined;
    if (stats === undefined) {
      throw new CliError(`sync: ${entry.path} disappeared while syncing; run sync again`);
    } else if (entry.mode === "040000") {
      header = {
        name: entry.path,
        type: "directory",
        mode: stats.mode,
        mtime: mtimeOf(stats),
        size: 0,
      };
    } else if (stats.isSymbolicLink()) {
      const link = fs.readlinkSync(absolute, "buffer");
      header = {
        name: entry.path,
        type: "symlink",
        mode: stats.mode,
        mtime: mtimeOf(stats),
        size: 0,
        linkname: link.toString("utf8"),
      };
      hashed.set(entry.path, { sha1: gitBlobHash(link), size: link.length });
      cache.remember(entry.path, stats, gitBlobHash(link));
    } else {
      data = fs.readFileSync(absolute);
      header = {
        name: entry.path,
        type: "file",
        mode: stats.mode,
        mtime: mtimeOf(stats),
        size: data.length,
      };
      const sha1 = gitBlobHash(data);
      hashed.set(entry.path, { sha1, size: data.length });
      if (data.length === stats.size) cache.remember(entry.path, stats, sha1);
    }
    pending.push(tarHeader(header));
    if (data !== undefined) pending.push(pad(data));
    pendingBytes += 512 + (data?.length ?? 0);
    progress.add(
      header.type === "symlink" ? Buffer.byteLength(header.linkname!) : (data?.length ?? 0),
      1,
    );
    if (pendingBytes >= CHUNK) {
      yield Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
    }
  }
  yield Buffer.concat([...pending, ...after(), TAR_END]);
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
  const holder = await ensureHolder(target);
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
  }
}

/** Sorted for stable messages. */
export function sortedPaths(paths: Iterable<string>): string[] {
  return [...paths].sort(compareUtf8);
}
