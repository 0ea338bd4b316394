/**
 * What the program needs to know about the build image before it declares anything: the
 * manifest and content tag of the configured inputs, and (with a registry) whether the registry
 * already holds that tag, in which case the stack builds nothing and only pulls.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "../registry/config";
import { BuildImageConfig } from "./config";
import { ImageTag, computeImageTag } from "./manifest";
import { RegistryCredentials, findImageDigest, harborProjectExists } from "./registryLookup";

/** Where the manifest's stat cache is kept, relative to the project directory. */
export const MANIFEST_CACHE = "node_modules/.cache/buildenv/image-manifest.json";

/** The manifest and tag of the configured inputs, build arguments and platform. */
export function buildImageTag(config: BuildImageConfig, root: string): ImageTag {
  return computeImageTag(
    root,
    config.inputs,
    config.buildArgs,
    { cacheFile: path.join(root, MANIFEST_CACHE) },
    config.platform,
  );
}

/** The image of this checkout and, when the registry holds its tag already, its digest. */
export interface ResolvedBuildImage {
  imageTag: ImageTag;
  /** `sha256:…` of `<server>/<repository>:<tag>` in the registry; undefined: it must be built. */
  registryDigest?: string;
}

/**
 * Computes the tag and asks the registry for it (no registry: nothing to ask). Runs on preview
 * and up alike, so a preview shows what the up will do.
 *
 * @throws pulumi.RunError when the registry cannot say whether it holds the tag.
 * @param lookup default findImageDigest, a HEAD request to the registry.
 * @param projectLookup default harborProjectExists; asked only when Harbor could not answer.
 */
export async function resolveBuildImage(
  config: BuildImageConfig,
  registry: RegistryConfig | undefined,
  root: string,
  lookup: typeof findImageDigest = findImageDigest,
  projectLookup: typeof harborProjectExists = harborProjectExists,
): Promise<ResolvedBuildImage> {
  const imageTag = buildImageTag(config, root);
  if (!registry) {
    return { imageTag };
  }
  // A generic registry's user comes from config as text. Harbor's robots exist only once the
  // shared stack has run, so Harbor is asked with the provider's account (harbor:username and
  // harbor:password, required by config: the project is private).
  const account = registry.harborAccount ?? {
    username: typeof registry.username === "string" ? registry.username : undefined,
    password: registry.password,
  };
  let credentials: RegistryCredentials | undefined;
  if (account.username !== undefined && account.password) {
    const username = account.username;
    // A config secret is known at once, on preview too; it only ever goes into a request header.
    const password = await new Promise<string>((resolve) => account.password!.apply(resolve));
    credentials = { username, password };
  }
  let registryDigest: string | undefined;
  try {
    registryDigest = await lookup(registry.server, registry.repository, imageTag.tag, credentials);
  } catch (error) {
    // The shared stack's first run asks about the project it is about to create, which Harbor
    // may refuse rather than answer 404; a project that does not exist yet holds no tag.
    if (registry.harbor && credentials) {
      const exists = await projectLookup(
        registry.server,
        registry.harbor.project,
        credentials,
      ).catch(() => true);
      if (!exists) {
        return { imageTag };
      }
    }
    // Guessing either way would flip the stack between building and pulling from run to run.
    throw new pulumi.RunError(
      `${(error as Error).message}; buildenv builds the image only when the registry lacks its content tag, so it must be able to ask (check buildenv:registry and the network)`,
    );
  }
  return registryDigest ? { imageTag, registryDigest } : { imageTag };
}
