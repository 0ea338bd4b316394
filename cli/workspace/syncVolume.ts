/**
 * The volume's side of `sync`: the holder container every sync of a volume copies through, and
 * the volume's records (`.buildenv-sync/manifest` and `pending`), read from this machine's copy
 * when the engine's stats of both files are those it recorded after its own last sync: then a sync
 * that changes nothing costs an inspect and two stats, and no download of a manifest of every file.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { TAR_END, tarHeader } from "./archive";
import { writeFileAtomic } from "./atomicFile";
import { MOUNT_ROOT } from "./docker";
import { EngineApi, PathStat } from "./engineApi";
import { CliError } from "./process";
import { ProgressSink } from "./progress";
import { MANIFEST_FILE, PENDING_FILE, SYNC_DIR, VolumeState, manifestSyncId } from "./syncManifest";
import { readTarFiles } from "./tarRead";

/** Where the source volume is mounted in the holder and in build containers. */
export const WORKDIR = `${MOUNT_ROOT}/source`;

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
  /** Between two plain progress lines; default Progress's. */
  progressIntervalMs?: number;
  now?: () => number;
}

/** The holder's name: one per volume, so every sync of the volume reuses it. */
export function holderName(volume: string): string {
  return `${volume}-sync`;
}

/** Labels of the holder, so `npm run down` can find and remove it before the volume goes. */
export function holderLabels(stack: string): Record<string, string> {
  return { "buildenv.role": "sync-holder", "buildenv.stack": stack };
}

/**
 * The volume's holder, made when missing or of another image, and whether it may stay: only for
 * a volume labelled `buildenv.keep=true` (components/volumes/buildVolume.ts). `pulumi destroy`
 * cannot delete a volume a container still holds, so the holder of any other volume is removed
 * after each sync (syncTree), which costs that volume a container create per sync.
 */
export async function ensureHolder(
  target: SyncTarget,
): Promise<{ holder: string; kept: boolean; created: boolean }> {
  const name = holderName(target.volume);
  const [image, labels] = await Promise.all([
    target.api.containerImage(name),
    target.api.volumeLabels(target.volume),
  ]);
  if (labels === undefined) {
    throw new CliError(
      `volume ${target.volume} of stack ${target.stack} does not exist on its engine; run \`npm run up -- --stack ${target.stack}\` to create it`,
    );
  }
  const kept = labels["buildenv.keep"] === "true";
  if (image === target.image) return { holder: name, kept, created: false };
  if (image !== undefined) {
    // Made from an older build image: replaced, so the engine can let that image go.
    await target.api.removeContainer(name);
  }
  await target.api.createHolder(
    name,
    target.image,
    [`${target.volume}:${WORKDIR}`],
    holderLabels(target.stack),
  );
  return { holder: name, kept, created: true };
}

/**
 * This machine's copy of the volume's records after its own last sync into it, with what that
 * sync knew of the checkout, which lets the next sync skip reading what did not change.
 */
export interface RecordsCopy {
  /** The checkout's listing digest (listCheckout), when it was a git checkout. */
  listing?: string;
  /** The sync index's checksum (SyncIndex.checksum) after the sync. */
  index?: string;
  /** Listed paths the index does not vouch for (new, gone, directories): looked at every time. */
  unchecked: string[];
}

/** The copy's file: the stats and the journal; the manifest beside it, as it is on the volume. */
interface RecordsFile extends RecordsCopy {
  version: 2;
  manifest: { stat: string; length: number; syncId: string } | null;
  pending: { stat: string; text: string } | null;
}

function statKey(stat: PathStat | undefined): string | null {
  return stat === undefined ? null : `${stat.size} ${stat.mtime} ${stat.mode}`;
}

function recordsFiles(target: SyncTarget): { records: string; manifest: string } {
  const engine = createHash("sha256").update(target.dockerHost).digest("hex").slice(0, 12);
  const base = path.join(target.cacheDir, `${target.volume}@${engine}`);
  return { records: `${base}.records.json`, manifest: `${base}.manifest` };
}

function readCopy(target: SyncTarget): { file: RecordsFile; manifest?: string } | undefined {
  const files = recordsFiles(target);
  try {
    const file = JSON.parse(fs.readFileSync(files.records, "utf8")) as RecordsFile;
    if (file.version !== 2 || !Array.isArray(file.unchecked)) return undefined;
    if (file.manifest === null) return { file };
    const manifest = fs.readFileSync(files.manifest, "utf8");
    // Written before the records file: a crash between the two leaves another sync's manifest.
    const matches =
      manifest.length === file.manifest.length && manifestSyncId(manifest) === file.manifest.syncId;
    return matches ? { file, manifest } : undefined;
  } catch {
    return undefined;
  }
}

/** The engine's stats of the manifest and the journal in the holder `holder`. */
export function statRecords(
  target: SyncTarget,
  holder: string,
): Promise<[PathStat | undefined, PathStat | undefined]> {
  return Promise.all([
    target.api.statPath(holder, `${WORKDIR}/${MANIFEST_FILE}`),
    target.api.statPath(holder, `${WORKDIR}/${PENDING_FILE}`),
  ]);
}

/**
 * The holder (ensureHolder) and what `.buildenv-sync/` holds: from this machine's copy when the
 * engine's stats of both files equal those recorded after the last sync from here (then `copy`
 * says what that sync knew), else read from the volume. The stats are asked for while the holder
 * is looked up, and asked again if it had to be made.
 */
export async function openVolume(target: SyncTarget): Promise<{
  holder: string;
  kept: boolean;
  state: VolumeState;
  copy?: RecordsCopy;
}> {
  const early = statRecords(target, holderName(target.volume)).catch(() => undefined);
  const { holder, kept, created } = await ensureHolder(target);
  const earlyStats = await early;
  const [manifestStat, pendingStat] =
    !created && earlyStats !== undefined ? earlyStats : await statRecords(target, holder);
  const cached = readCopy(target);
  if (
    cached !== undefined &&
    (cached.file.manifest?.stat ?? null) === statKey(manifestStat) &&
    (cached.file.pending?.stat ?? null) === statKey(pendingStat)
  ) {
    const { listing, index, unchecked } = cached.file;
    return {
      holder,
      kept,
      state: {
        ...(cached.manifest !== undefined ? { manifest: cached.manifest } : {}),
        ...(cached.file.pending ? { pending: cached.file.pending.text } : {}),
      },
      copy: { ...(listing ? { listing } : {}), ...(index ? { index } : {}), unchecked },
    };
  }
  if (manifestStat === undefined && pendingStat === undefined) return { holder, kept, state: {} };
  const archive = await target.api.getArchive(holder, `${WORKDIR}/${SYNC_DIR}`);
  const files = archive === undefined ? new Map<string, Buffer>() : readTarFiles(archive);
  const manifest = files.get(MANIFEST_FILE)?.toString("utf8");
  const pending = files.get(PENDING_FILE)?.toString("utf8");
  return {
    holder,
    kept,
    state: {
      ...(manifest !== undefined ? { manifest } : {}),
      ...(pending !== undefined ? { pending } : {}),
    },
  };
}

/** Keeps a copy of the records the volume holds now, and what this sync knew of the checkout. */
export async function saveVolumeState(
  target: SyncTarget,
  holder: string,
  state: VolumeState,
  copy: RecordsCopy,
): Promise<void> {
  const [manifestStat, pendingStat] = await statRecords(target, holder);
  const manifestId = state.manifest === undefined ? undefined : manifestSyncId(state.manifest);
  const file: RecordsFile = {
    version: 2,
    // A manifest of another size is another sync's (one into this volume at the same time).
    manifest:
      manifestStat === undefined ||
      state.manifest === undefined ||
      manifestId === undefined ||
      manifestStat.size !== Buffer.byteLength(state.manifest)
        ? null
        : { stat: statKey(manifestStat)!, length: state.manifest.length, syncId: manifestId },
    pending:
      pendingStat === undefined || state.pending === undefined
        ? null
        : { stat: statKey(pendingStat)!, text: state.pending },
    ...copy,
  };
  const files = recordsFiles(target);
  try {
    fs.mkdirSync(target.cacheDir, { recursive: true });
    // Both only copies, checked when read: no flush to the disk.
    if (file.manifest !== null) {
      writeFileAtomic(files.manifest, state.manifest!, { durable: false });
    }
    writeFileAtomic(files.records, JSON.stringify(file), { durable: false });
  } catch {
    // Only a copy: without it the next sync reads the records from the volume.
  }
}

/**
 * A sync's first upload into the holder, begun as soon as the holder is known, with the entry
 * every sync's archive starts with (the records' directory), before the sync knows what else it
 * sends. The engine starts extracting only once the body's first bytes have come: docker 20.10
 * peeks 10 bytes to tell the compression (moby v20.10.24 pkg/chrootarchive/archive.go:92 →
 * pkg/archive/archive.go:184-187) before it re-execs itself as docker-untar
 * (pkg/chrootarchive/archive_unix.go:90-98). Those ~40 ms now pass while git still compares the
 * checkout: an edit's upload costs the engine 7-17 ms after its contents instead of about 50.
 * Nothing times out a slow body (api/server/server.go:60-62; VIC's vendored server the same,
 * vmware/vic 9489f63e, which reads the body as a stream: backends/archive.go:142-190).
 *
 * The engine holds the container's lock for the whole upload, from before it reads the body
 * (daemon/archive.go:273-274; a HEAD of the same container takes it too, :152-154): nothing else
 * may be asked of the engine about the holder until `done` settles.
 */
export class HolderUpload {
  private give!: (rest: AsyncIterable<Buffer> | undefined) => void;
  private given = false;
  /** Settles when the engine has answered the upload. */
  readonly done: Promise<void>;
  /** Resolves once the whole request is with the operating system (never, if it failed first). */
  private readonly sent: Promise<void>;

  constructor(api: EngineApi, holder: string) {
    const rest = new Promise<AsyncIterable<Buffer> | undefined>((resolve) => {
      this.give = resolve;
    });
    async function* body(): AsyncGenerator<Buffer> {
      yield tarHeader({
        name: SYNC_DIR,
        type: "directory",
        mode: 0o755,
        mtime: Math.floor(Date.now() / 1000),
        size: 0,
      });
      const more = await rest;
      if (more === undefined) yield TAR_END;
      else yield* more;
    }
    let sent!: () => void;
    this.sent = new Promise((resolve) => (sent = resolve));
    this.done = api.putArchive(holder, WORKDIR, body(), sent);
    // Awaited through send or end; until then a failure is kept, not thrown.
    this.done.catch(() => undefined);
  }

  /** The rest of the archive, after the directory's entry; resolves once it is extracted. */
  send(rest: AsyncIterable<Buffer> | Buffer[]): Promise<void> {
    if (this.given) throw new Error("the holder's upload was given its contents already");
    this.given = true;
    this.give(Array.isArray(rest) ? arrayStream(rest) : rest);
    return this.done;
  }

  /** Ends the archive after what it was given (the directory alone); resolves once answered. */
  end(): Promise<void> {
    if (!this.given) {
      this.given = true;
      this.give(undefined);
    }
    return this.done;
  }

  /**
   * Ends the archive after the directory's entry without waiting for the engine's answer (the
   * extraction of one directory, some 40 ms, would double the time of a sync with nothing to
   * write); resolves once the request is complete on the wire, so that the engine extracts a
   * whole archive even if the process ends at once, or once the upload failed.
   */
  endInBackground(): Promise<void> {
    this.inBackground = true;
    return Promise.race([this.sent, this.end().catch(() => undefined)]);
  }

  /** Whether endInBackground was asked: then the sync is not to wait for `done`. */
  inBackground = false;
}

async function* arrayStream(buffers: Buffer[]): AsyncGenerator<Buffer> {
  yield* buffers;
}
