/**
 * `output --push` and `output --from`: the output archive to and from the registry, as the single
 * layer of an image (outputImage.ts) in `<build image repository>-output`, tagged with the source
 * tree id (sourceTree.ts) or `--tag`. The archive is streamed from and to disk, never held in
 * memory. Pushing never moves a tag that holds another image (nothing in the registry is lost);
 * fetching verifies the layer's digest and size before the archive replaces the target, which
 * is written as atomicFile.ts writes (temporary file beside it, fsync, rename, fsync of the
 * directory), so a failed fetch leaves an existing file as it was.
 */
import { randomBytes, createHash } from "crypto";
import { once } from "events";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { errnoReason, syncDirectory } from "./atomicFile";
import {
  ArchiveDigests,
  OUTPUT_MANIFEST_ACCEPT,
  OCI_MANIFEST,
  OutputReference,
  formatReference,
  layerOf,
  outputImage,
  parseOutputReference,
  sha256Digest,
} from "./outputImage";
import { StackOutputs } from "./outputs";
import { CliError, formatBytes, formatElapsed } from "./process";
import { NO_PROGRESS, Progress, ProgressSink } from "./progress";
import { HttpFetch, RegistryClient, RegistryError } from "./registryClient";

/** Idle time a blob transfer may stall before it is aborted: generous, a slow link is not dead. */
export const TRANSFER_IDLE_MS = 120_000;

/** Chunks a blob is streamed in. */
const CHUNK = 1 << 20;

export interface OutputRegistryDeps {
  /** Default the global fetch. */
  fetch?: HttpFetch;
  now: () => Date;
  /** A result line on stderr (without the `env: ` prefix). */
  log: (line: string) => void;
  /** Where transfers show their progress (progress.ts); default nowhere. */
  progress?: ProgressSink;
  /** Between two plain progress lines; default Progress's. */
  progressIntervalMs?: number;
  /** The pushed reference, on stdout, for scripts. */
  print: (line: string) => void;
}

/** The progress of one blob of `totalBytes` moving to or from the registry. */
function transferProgress(deps: OutputRegistryDeps, label: string, totalBytes: number): Progress {
  return new Progress(deps.progress ?? NO_PROGRESS, {
    label,
    totalBytes,
    now: () => deps.now().getTime(),
    ...(deps.progressIntervalMs === undefined ? {} : { intervalMs: deps.progressIntervalMs }),
  });
}

/** Where the stack's outputs go in the registry, and with which login. */
export interface OutputRegistry {
  server: string;
  repository: string;
  credentials?: { username: string; password: string };
}

/**
 * The stack's output repository, or the one-line usage error (exit 2) of a stack without a
 * registry (a local stack without buildenv:registry, or one deployed before outputRepository).
 */
export function outputRegistryOf(outputs: StackOutputs, stack: string): OutputRegistry {
  if (outputs.outputRepository === undefined) {
    throw new CliError(
      `output --push: stack ${stack} has no registry (buildenv:registry) to push to; set buildenv:registry and run \`npm run up -- --stack ${stack}\`, or keep the archive with output --to`,
      2,
    );
  }
  return {
    ...outputs.outputRepository,
    ...(outputs.registryLogin ? { credentials: outputs.registryLogin } : {}),
  };
}

/** Size and digests of an archive, read once: sha256 of its bytes and of the tar they unzip to. */
export async function digestArchive(file: string): Promise<ArchiveDigests> {
  const gz = createHash("sha256");
  const tar = createHash("sha256");
  let size = 0;
  const gunzip = zlib.createGunzip();
  gunzip.on("data", (chunk: Buffer) => tar.update(chunk));
  const unzipped = once(gunzip, "end");
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK })) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      gz.update(bytes);
      if (!gunzip.write(bytes)) {
        // Rejects on gunzip's error: a file that is not gzip fails here, not by waiting forever.
        await once(gunzip, "drain");
      }
    }
    gunzip.end();
    await unzipped;
  } catch (error) {
    gunzip.destroy();
    unzipped.catch(() => undefined);
    // zlib's errors carry a code and a plain message ("incorrect header check"); a read error
    // (ENOENT) is told by errnoReason.
    const reason = (error as NodeJS.ErrnoException).code?.startsWith("Z_")
      ? (error as Error).message
      : errnoReason(error);
    throw new CliError(`output --push: ${file} is not a gzipped tar (${reason})`);
  }
  return { size, digest: `sha256:${gz.digest("hex")}`, diffId: `sha256:${tar.digest("hex")}` };
}

/** Uploads a blob unless the repository holds it; true when it was uploaded. */
async function pushBlob(
  client: RegistryClient,
  digest: string,
  size: number,
  body: () => Uint8Array | AsyncIterable<Uint8Array>,
): Promise<boolean> {
  const head = await client.request("HEAD", `blobs/${digest}`, { accept: [404] });
  head.timer.clear();
  if (head.response.status !== 404) {
    return false;
  }
  const started = await client.request("POST", "blobs/uploads/");
  started.timer.clear();
  const location = started.response.headers.get("location");
  if (!location) {
    throw new RegistryError(`POST ${client.url("blobs/uploads/")} answered without a Location`);
  }
  // The Location may be relative (distribution spec, "pushing blobs") and carries its own query.
  const upload = new URL(location, client.base).toString();
  const put = await client.request(
    "PUT",
    `${upload}${upload.includes("?") ? "&" : "?"}digest=${encodeURIComponent(digest)}`,
    {
      headers: { "Content-Type": "application/octet-stream", "Content-Length": String(size) },
      body,
      idleTimeoutMs: TRANSFER_IDLE_MS,
    },
  );
  put.timer.clear();
  return true;
}

/**
 * Pushes `archive` as `<repository>:<tag>` and prints the reference; a tag that already holds
 * this very image is left as it is, one that holds another image is refused.
 *
 * @param tag a TAG_PATTERN tag (the source tree id, or --tag).
 * @param title the manifest's title annotation.
 */
export async function pushOutput(
  archive: string,
  tag: string,
  registry: OutputRegistry,
  title: string,
  deps: OutputRegistryDeps,
): Promise<number> {
  const reference = `${registry.server}/${registry.repository}:${tag}`;
  const client = new RegistryClient(registry.server, registry.repository, {
    push: true,
    ...(registry.credentials ? { credentials: registry.credentials } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const digests = await digestArchive(archive);
  const image = outputImage(digests, tag, title);
  try {
    const existing = await client.request("HEAD", `manifests/${tag}`, {
      headers: { Accept: OUTPUT_MANIFEST_ACCEPT },
      accept: [404],
    });
    existing.timer.clear();
    if (existing.response.status !== 404) {
      const held = existing.response.headers.get("docker-content-digest");
      if (held === image.manifestDigest) {
        deps.log(`${reference} already holds this archive (${image.manifestDigest})`);
        deps.print(reference);
        return 0;
      }
      throw new CliError(
        `output --push: ${reference} already holds another image (${held ?? "no digest given"}); nothing was pushed. Push under another tag with --tag <tag>, or fetch that one with --from ${reference}`,
      );
    }
    const progress = transferProgress(deps, "push", digests.size);
    const uploaded = await pushBlob(client, digests.digest, digests.size, () =>
      counted(fs.createReadStream(archive, { highWaterMark: CHUNK }), (n) => progress.add(n)),
    );
    progress.done();
    await pushBlob(client, image.configDigest, image.config.length, () => image.config);
    const put = await client.request("PUT", `manifests/${tag}`, {
      headers: { "Content-Type": OCI_MANIFEST },
      body: () => image.manifest,
    });
    put.timer.clear();
    const stored = put.response.headers.get("docker-content-digest");
    if (stored !== null && stored !== image.manifestDigest) {
      throw new CliError(
        `output --push: the registry stored the manifest of ${reference} as ${stored}, not as ${image.manifestDigest}`,
      );
    }
    deps.log(
      `pushed ${archive} (${formatBytes(digests.size)}${uploaded ? "" : ", its layer already in the registry"}) as ${reference}@${image.manifestDigest} in ${formatElapsed(progress.elapsedMs)}`,
    );
  } catch (error) {
    if (error instanceof RegistryError) {
      throw new CliError(`output --push: ${reference}: ${error.message}; the tag is unchanged`);
    }
    throw error;
  }
  deps.print(reference);
  return 0;
}

async function* counted(
  chunks: AsyncIterable<unknown>,
  add: (bytes: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    add((chunk as Buffer).length);
    yield chunk as Buffer;
  }
}

/**
 * Fetches the output image `from` (a reference or a bare tag of the stack's output repository)
 * into `target`: the layer, byte for byte, once its digest and size match the manifest. The
 * stack's login goes only to the stack's own registry server.
 */
export async function fetchOutput(
  from: string,
  target: string,
  registry: OutputRegistry | undefined,
  deps: OutputRegistryDeps,
): Promise<number> {
  let ref: OutputReference;
  try {
    ref = parseOutputReference(from, registry);
  } catch (error) {
    throw new CliError(`output --from: ${(error as Error).message}`, 2);
  }
  if (!fs.existsSync(path.dirname(target))) {
    throw new CliError(`output --from: the directory of ${target} does not exist`);
  }
  const reference = formatReference(ref);
  const credentials = registry?.server === ref.server ? registry.credentials : undefined;
  const client = new RegistryClient(ref.server, ref.repository, {
    ...(credentials ? { credentials } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  try {
    const got = await client.request("GET", `manifests/${ref.digest ?? ref.tag}`, {
      headers: { Accept: OUTPUT_MANIFEST_ACCEPT },
    });
    const manifest = Buffer.from(await got.response.arrayBuffer());
    got.timer.clear();
    if (ref.digest !== undefined && sha256Digest(manifest) !== ref.digest) {
      throw new CliError(
        `output --from: the manifest of ${reference} has the digest ${sha256Digest(manifest)}; nothing was written`,
      );
    }
    let layer: { digest: string; size: number };
    try {
      layer = layerOf(manifest);
    } catch (error) {
      throw new CliError(
        `output --from: ${reference} is not an output image: ${(error as Error).message}`,
      );
    }
    const blob = await client.request("GET", `blobs/${layer.digest}`, {
      idleTimeoutMs: TRANSFER_IDLE_MS,
    });
    const progress = transferProgress(deps, "fetch", layer.size);
    const hash = createHash("sha256");
    let size = 0;
    const file = fs.createWriteStream(temp, { flags: "wx", mode: 0o644, flush: true });
    const written = new Promise<void>((resolve, reject) => {
      file.on("finish", resolve);
      file.on("error", reject);
    });
    try {
      for await (const chunk of blob.response.body ?? []) {
        blob.timer.touch();
        hash.update(chunk);
        size += chunk.length;
        progress.add(chunk.length);
        if (!file.write(chunk)) {
          await once(file, "drain"); // rejects on the stream's error
        }
      }
    } catch (error) {
      file.destroy();
      throw new RegistryError(
        `GET ${client.url(`blobs/${layer.digest}`)} broke off after ${formatBytes(size)} (${(error as Error).message})`,
      );
    } finally {
      blob.timer.clear();
      progress.done();
    }
    file.end();
    try {
      await written;
    } catch (error) {
      throw new CliError(
        `output --from: cannot write ${target}: ${errnoReason(error)}; nothing was written there`,
      );
    }
    const digest = `sha256:${hash.digest("hex")}`;
    if (digest !== layer.digest || size !== layer.size) {
      throw new CliError(
        `output --from: the layer of ${reference} is ${size} bytes with digest ${digest}, not the ${layer.size} bytes with digest ${layer.digest} its manifest names; nothing was written`,
      );
    }
    try {
      fs.renameSync(temp, target);
    } catch (error) {
      throw new CliError(`output --from: cannot write ${target}: ${errnoReason(error)}`);
    }
    syncDirectory(path.dirname(target));
    deps.log(
      `wrote ${target} (${formatBytes(size)}, ${layer.digest}) from ${reference} in ${formatElapsed(progress.elapsedMs)}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof RegistryError) {
      throw new CliError(`output --from: ${reference}: ${error.message}; nothing was written`);
    }
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
