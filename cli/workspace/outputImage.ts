/**
 * The output archive as an image (pure: no I/O): a `FROM scratch` OCI image whose single layer is
 * the archive's bytes exactly, so `docker pull` of it works and fetching its layer back gives the
 * very file `output` wrote. Also the references `output --from` takes.
 *
 * What a registry checks: distribution refuses an OCI manifest whose `mediaType` is set and not
 * the OCI manifest type (manifest/ocischema/manifest.go:114-117 at 0d6b721), a schemaVersion
 * other than 2 (registry/storage/ocimanifesthandler.go:68-70), and any layer or config blob the
 * repository does not hold (ocimanifesthandler.go:83-136); so both blobs are uploaded first.
 */
import * as crypto from "crypto";

export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/** What `output --from` asks a registry for: the two single-image manifest types. */
export const OUTPUT_MANIFEST_ACCEPT = `${OCI_MANIFEST}, ${DOCKER_MANIFEST}`;

/**
 * A tag: `[\w][\w.-]{0,127}`, distribution/reference regexp.go:68 (vendored in
 * distribution/distribution at 0d6b721).
 */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** One path component of a repository name (distribution/reference regexp.go, `pathComponent`). */
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/**
 * The platform the config names. The layer is files, not programs, but Docker wants a platform;
 * fixed (not this machine's) so that the same archive is the same image everywhere.
 */
export const OUTPUT_PLATFORM = { architecture: "amd64", os: "linux" } as const;

export function sha256Digest(bytes: Uint8Array): string {
  return `sha256:${crypto.createHash("sha256").update(bytes).digest("hex")}`;
}

/** The archive as the image describes it. */
export interface ArchiveDigests {
  /** Bytes of the .tar.gz. */
  size: number;
  /** sha256 of the .tar.gz: the layer's digest. */
  digest: string;
  /** sha256 of the uncompressed tar: the layer's diff_id, which `docker pull` verifies. */
  diffId: string;
}

export interface OutputImage {
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
}

/**
 * The config and manifest of the image of an archive: compact JSON in a fixed key order and no
 * timestamp, so the same archive, revision and title always give the same manifest digest.
 *
 * @param revision the source tree id (or the `--tag`), annotated as
 *   `org.opencontainers.image.revision`.
 * @param title annotated as `org.opencontainers.image.title`, e.g. `buildenv output of stack dev`.
 */
export function outputImage(archive: ArchiveDigests, revision: string, title: string): OutputImage {
  const config = Buffer.from(
    JSON.stringify({
      ...OUTPUT_PLATFORM,
      config: {},
      rootfs: { type: "layers", diff_ids: [archive.diffId] },
    }),
  );
  const configDigest = sha256Digest(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: archive.digest, size: archive.size }],
      annotations: {
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.title": title,
      },
    }),
  );
  return { config, configDigest, manifest, manifestDigest: sha256Digest(manifest) };
}

/** A reference `output --from` fetches. */
export interface OutputReference {
  server: string;
  repository: string;
  /** Set unless `digest` is. */
  tag?: string;
  digest?: string;
}

export function formatReference(ref: OutputReference): string {
  return `${ref.server}/${ref.repository}${ref.digest ? `@${ref.digest}` : `:${ref.tag}`}`;
}

/**
 * Parses `<host[:port]>/<repository>:<tag>`, `<host[:port]>/<repository>@sha256:<hex>`, or a
 * bare tag, which names a tag of `fallback` (the stack's output repository).
 *
 * @throws Error saying what is wrong with `text` (the caller adds the option's name).
 */
export function parseOutputReference(
  text: string,
  fallback: { server: string; repository: string } | undefined,
): OutputReference {
  if (!text.includes("/")) {
    if (!TAG_PATTERN.test(text)) {
      throw new Error(
        `"${text}" is neither a tag (up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-') nor <host>/<repository>:<tag>`,
      );
    }
    if (fallback === undefined) {
      throw new Error(
        `"${text}" is a bare tag, but the stack has no registry (buildenv:registry) to find it in; give <host>/<repository>:<tag>`,
      );
    }
    return { ...fallback, tag: text };
  }
  const slash = text.indexOf("/");
  const server = text.slice(0, slash);
  let rest = text.slice(slash + 1);
  let tag: string | undefined;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      throw new Error(`"${text}" names the digest "${digest}"; use sha256: and 64 hex digits`);
    }
  } else {
    const colon = rest.lastIndexOf(":");
    if (colon < 0) {
      throw new Error(`"${text}" names neither a tag (:<tag>) nor a digest (@sha256:<hex>)`);
    }
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_PATTERN.test(tag)) {
      throw new Error(
        `"${text}" has the tag "${tag}"; a tag is up to 128 letters, digits, '_', '.', '-', not starting with '.' or '-'`,
      );
    }
  }
  if (!/^[A-Za-z0-9.-]+(?::\d{1,5})?$/.test(server)) {
    throw new Error(`"${text}" starts with "${server}", which is not a registry host[:port]`);
  }
  if (rest === "" || !rest.split("/").every((part) => PATH_COMPONENT.test(part))) {
    throw new Error(
      `"${text}" has the repository "${rest}"; use lower-case path components of letters and digits separated by '.', '_', '__' or '-', joined by '/'`,
    );
  }
  return { server, repository: rest, ...(digest ? { digest } : { tag: tag! }) };
}

/**
 * The layer of a fetched manifest: an image manifest (OCI or Docker v2) with exactly one gzipped
 * layer, as `output --push` writes it.
 *
 * @throws Error saying why the manifest is not an output image.
 */
export function layerOf(manifest: Buffer): { digest: string; size: number } {
  let parsed: {
    schemaVersion?: unknown;
    mediaType?: unknown;
    layers?: { mediaType?: unknown; digest?: unknown; size?: unknown }[];
  };
  try {
    parsed = JSON.parse(manifest.toString("utf8")) as typeof parsed;
  } catch {
    throw new Error("its manifest is not JSON");
  }
  if (parsed.schemaVersion !== 2 || !Array.isArray(parsed.layers)) {
    throw new Error("its manifest is not an image manifest (schemaVersion 2 with layers)");
  }
  if (parsed.layers.length !== 1) {
    throw new Error(
      `it has ${parsed.layers.length} layers, not the one layer of an output image (npm run env -- output --push)`,
    );
  }
  const layer = parsed.layers[0];
  if (layer.mediaType !== OCI_LAYER_GZIP && layer.mediaType !== DOCKER_LAYER_GZIP) {
    throw new Error(`its layer is ${String(layer.mediaType)}, not a gzipped tar`);
  }
  if (typeof layer.digest !== "string" || !DIGEST.test(layer.digest)) {
    throw new Error("its layer has no sha256 digest");
  }
  if (typeof layer.size !== "number" || !Number.isSafeInteger(layer.size) || layer.size < 0) {
    throw new Error("its layer has no size");
  }
  return { digest: layer.digest, size: layer.size };
}
