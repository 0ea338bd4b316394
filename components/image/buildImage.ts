import * as docker from "@pulumi/docker";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "../registry/config";
import { BuildImageConfig } from "./config";
import { StagedContext, stageBuildContext } from "./context";
import { ManifestEntry } from "./manifest";

/** Repository name of the build image when it only lives in the local engine. */
export const LOCAL_IMAGE_REPOSITORY = "buildenv-build";

export interface BuildImageArgs {
  /** Context, Dockerfile, build arguments and platform, paths relative to the project directory. */
  config: BuildImageConfig;
  /** The content tag (`git hash-object` of the manifest); computed before any resource exists. */
  tag: string;
  /** The manifest the tag is the hash of; exported so anyone can check what is in the image. */
  manifest: string;
  /** The manifest's files: exactly what the build context is staged from. */
  entries: readonly ManifestEntry[];
  /** The project directory the entries and the staged context are relative to. */
  root: string;
  /**
   * The Docker engine that builds: the local engine or a CI runner's, never a VCH (which can
   * neither build nor push).
   */
  builderHost: string;
  /**
   * Where the image is pushed. Without one the image is only loaded into the builder's engine,
   * which is then also the engine that runs it. Default: none.
   */
  registry?: RegistryConfig;
  /**
   * The digest under which the registry already holds `<repository>:<tag>` (resolveBuildImage):
   * then nothing is built or pushed, the host only pulls it. Default: none, the image is built
   * and pushed. Only with a registry.
   */
  registryDigest?: string;
  /**
   * The engine that runs builds, when the image comes from the registry: the image is pulled
   * there (with the registry auth configured on that provider). Default: none.
   */
  pullWith?: docker.Provider;
}

/** `<server>/<repository>`, or the local repository name without a registry. */
export function imageRepository(registry: RegistryConfig | undefined): string {
  return registry ? `${registry.server}/${registry.repository}` : LOCAL_IMAGE_REPOSITORY;
}

/**
 * The build image: every toolchain and dependency baked in, tagged with the hash of its inputs
 * so that the tag (and so the build) changes only when an input does. Built from a staged copy
 * of exactly the manifest's files (image/context.ts), never on preview, and not at all when the
 * registry already holds the tag. Never deleted by the stack: other stacks pull the same tag.
 */
export class BuildImage extends pulumi.ComponentResource {
  /** `<repository>:<tag>`. */
  readonly taggedRef: string;
  /**
   * What hosts run: digest-pinned (`<repository>@sha256:…`) when pulled from a registry, else
   * the tagged reference of the locally loaded image.
   */
  readonly ref: pulumi.Output<string>;
  readonly tag: string;
  readonly manifest: string;
  /** The paths docker-build builds from. */
  readonly staged: StagedContext;
  /** The build; undefined when the registry already holds the tag. */
  readonly image?: dockerbuild.Image;
  readonly pulled?: docker.RemoteImage;

  constructor(name: string, args: BuildImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:image:BuildImage", name, {}, opts);

    const repository = imageRepository(args.registry);
    this.tag = args.tag;
    this.manifest = args.manifest;
    this.taggedRef = `${repository}:${args.tag}`;
    // Staged on preview too: the provider's Diff hashes the context then as well.
    this.staged = stageBuildContext(args.root, args.entries, args.config, args.tag);

    const build = (extra: Partial<dockerbuild.ImageArgs>): dockerbuild.Image => {
      const builder = new dockerbuild.Provider(
        `${name}-builder`,
        { host: args.builderHost },
        { parent: this },
      );
      return new dockerbuild.Image(
        name,
        {
          tags: [this.taggedRef],
          context: { location: this.staged.context },
          dockerfile: { location: this.staged.dockerfile },
          buildArgs: args.config.buildArgs,
          platforms: [args.config.platform as dockerbuild.Platform],
          // A preview must not spend minutes building; the tag already tells whether inputs changed.
          buildOnPreview: false,
          push: false,
          ...extra,
        },
        {
          parent: this,
          provider: builder,
          // The provider's Delete removes the pushed manifest from the registry (and the loaded
          // image from the engine): pulumi-docker-build v0.0.22 provider/internal/image.go:898-921
          // and client.go:430-449 (ManifestDelete). Other stacks pull that very tag, so
          // destroying or reaping a stack must leave it; the registry's retention cleans up.
          retainOnDelete: true,
        },
      );
    };

    if (args.registry) {
      const registry = args.registry;
      if (!args.pullWith) {
        throw new Error(
          "BuildImage: a registry image needs the host provider to pull it with (pullWith)",
        );
      }
      let digest: pulumi.Input<string>;
      if (args.registryDigest) {
        // Build-as-cache: the tag is in the registry, so this stack builds and pushes nothing.
        digest = args.registryDigest;
      } else {
        const cacheRef = `${repository}:cache`;
        const credentials =
          registry.username && registry.password
            ? [
                {
                  address: registry.server,
                  username: registry.username,
                  password: registry.password,
                },
              ]
            : undefined;
        this.image = build({
          push: true,
          cacheFrom: [{ registry: { ref: cacheRef } }],
          cacheTo: [
            {
              registry: {
                ref: cacheRef,
                mode: dockerbuild.CacheMode.Max,
                imageManifest: true,
                ociMediaTypes: true,
              },
            },
          ],
          ...(credentials ? { registries: credentials } : {}),
        });
        digest = this.image.digest;
      }
      this.pulled = new docker.RemoteImage(
        `${name}-pull`,
        {
          // Pull by digest: what was pushed, not whatever the tag points at later.
          name: pulumi.interpolate`${repository}@${digest}`,
          // Keep the image when the stack lets go of it: other stacks on the engine may use it.
          keepLocally: true,
        },
        { parent: this, provider: args.pullWith },
      );
      this.ref = this.pulled.repoDigest;
    } else {
      this.image = build({ load: true });
      this.ref = pulumi.output(this.taggedRef);
    }

    this.registerOutputs({
      ref: this.ref,
      tag: this.tag,
      taggedRef: this.taggedRef,
      manifest: this.manifest,
    });
  }
}
