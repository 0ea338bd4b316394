/**
 * The volume's side of `sync`: the holder container every sync of a volume copies through, and
 * the volume's records (`.buildenv-sync/manifest` and `pending`), read from this machine's copy
 * when the engine's stats of both files are those it recorded after its own last sync: then a sync
 * that changes nothing costs an inspect and two stats, and no download of a manifest of every file.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { writeFileAtomic } from "./atomicFile";
import { MOUNT_ROOT } from "./docker";
import { EngineApi, PathStat } from "./engineApi";
import { CliError } from "./process";
import { ProgressSink } from "./progress";
import { MANIFEST_FILE, PENDING_FILE, SYNC_DIR, VolumeState } from "./syncManifest";
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
export async function ensureHolder(target: SyncTarget): Promise<{ holder: string; kept: boolean }> {
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
  if (image === target.image) return { holder: name, kept };
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
  return { holder: name, kept };
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
export async function readVolumeState(target: SyncTarget, holder: string): Promise<VolumeState> {
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

export async function saveVolumeState(
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
