import * as docker from "@pulumi/docker";
import * as dockerbuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { RegistryConfig } from "../registry/config";
import { BuildImageConfig } from "./config";

/** Repository name of the build image when it only lives in the local engine. */
export const LOCAL_IMAGE_REPOSITORY = "buildenv-build";

export interface BuildImageArgs {
  /** Context, Dockerfile and build arguments, paths relative to the project directory. */
  config: BuildImageConfig;
  /** The content tag (`git hash-object` of the manifest); computed before any resource exists. */
  tag: string;
  /** The manifest the tag is the hash of; exported so anyone can check what is in the image. */
  manifest: string;
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
 * so that the tag (and so the build) changes only when an input does. Never built on preview.
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
  readonly image: dockerbuild.Image;
  readonly pulled?: docker.RemoteImage;

  constructor(name: string, args: BuildImageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:image:BuildImage", name, {}, opts);

    const repository = imageRepository(args.registry);
    this.tag = args.tag;
    this.manifest = args.manifest;
    this.taggedRef = `${repository}:${args.tag}`;

    const builder = new dockerbuild.Provider(
      `${name}-builder`,
      { host: args.builderHost },
      { parent: this },
    );
    const common: dockerbuild.ImageArgs = {
      tags: [this.taggedRef],
      context: { location: args.config.context },
      dockerfile: { location: args.config.dockerfile },
      buildArgs: args.config.buildArgs,
      // A preview must not spend minutes building; the tag already tells whether inputs changed.
      buildOnPreview: false,
      push: false,
    };

    if (args.registry) {
      const registry = args.registry;
      const cacheRef = `${repository}:cache`;
      const credentials =
        registry.username && registry.password
          ? [{ address: registry.server, username: registry.username, password: registry.password }]
          : undefined;
      this.image = new dockerbuild.Image(
        name,
        {
          ...common,
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
        },
        { parent: this, provider: builder },
      );
      if (!args.pullWith) {
        throw new Error(
          "BuildImage: a registry image needs the host provider to pull it with (pullWith)",
        );
      }
      this.pulled = new docker.RemoteImage(
        `${name}-pull`,
        {
          // Pull by digest: what was just pushed, not whatever the tag points at later.
          name: pulumi.interpolate`${repository}@${this.image.digest}`,
          // Keep the image when the stack lets go of it: other stacks on the engine may use it.
          keepLocally: true,
        },
        { parent: this, provider: args.pullWith },
      );
      this.ref = this.pulled.repoDigest;
    } else {
      this.image = new dockerbuild.Image(
        name,
        { ...common, load: true },
        { parent: this, provider: builder },
      );
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
