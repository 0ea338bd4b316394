/**
 * Composes a stack's build environment from its validated config. Kept apart from index.ts so
 * tests and the benchmark can run it for any config without re-importing the entry point.
 */
import * as pulumi from "@pulumi/pulumi";
import { CiSecrets } from "./components/ci/ciSecrets";
import { ComputeClass, DOCKER_CPU_SHARES, Priority } from "./components/compute/config";
import { BuildenvConfig } from "./components/config/load";
import { ContainerHost } from "./components/host/containerHost";
import { BuildImage } from "./components/image/buildImage";
import { ResolvedBuildImage, buildImageTag, resolveBuildImage } from "./components/image/resolve";
import { declareRegistryAccess } from "./components/registry/access";
import { outputRepositoryPath } from "./components/registry/outputRepository";
import { FarmPool } from "./components/vic/farmPool";
import { VsphereInventory, lookUpInventory } from "./components/vic/inventory";
import { BuildVolume } from "./components/volumes/buildVolume";
import { declareCacheVolumes } from "./components/volumes/cacheVolumes";

/** Where volumes are mounted in build containers: `/workspace/<volume>`. */
export const WORKSPACE = "/workspace";

export interface BuildEnvironmentOutputs {
  dockerHost: pulumi.Output<string>;
  volumes: Record<string, pulumi.Output<string>>;
  /** `buildenv:caches` by name: volume, mount path and variables (empty without caches). */
  caches: pulumi.Output<Record<string, CacheLine>>;
  buildImage: pulumi.Output<string>;
  buildImageManifest: string;
  buildImageTag: string;
  computeClass: ComputeClass;
  /** Every priority's class, for `npm run env -- run --priority`. */
  computeClasses: Record<Priority, ComputeClass>;
  expiresAt: string;
  /** The `docker run` line that runs a command in the environment: append the command. */
  buildCommand: pulumi.Output<string>;
  /** Public TLS material for clients of a VCH; undefined for the local engine. */
  tls?: {
    caCert: pulumi.Output<string>;
    clientCert: pulumi.Output<string>;
  };
  /**
   * The developer's TLS client key (secret), a top-level output of its own: pulumi/actions
   * copies outputs into step outputs and masks only top-level secrets, not secrets nested in a
   * plain object. Undefined for the local engine.
   */
  tlsClientKey?: pulumi.Output<string>;
  ciSecrets?: { secrets: string[]; variables: string[] };
  /**
   * Where `npm run env -- output --push` pushes: `<build image repository>-output` on the
   * registry's server. Undefined without a registry.
   */
  outputRepository?: { server: string; repository: string };
  /**
   * The login that pushes the build image (registry/access.ts `pushTo`), which also pushes and
   * fetches outputs; always a secret. Undefined for an anonymous registry or none.
   */
  registryLogin?: pulumi.Output<{ username: string; password: string }>;
}

export interface ProgramOptions {
  /** Directory the build image paths are relative to. Default: the working directory. */
  root?: string;
  /**
   * The image's tag and whether the registry holds it (resolveBuildImage, which index.ts awaits
   * first). Default: the tag computed here, and not in the registry (so built and pushed).
   */
  image?: ResolvedBuildImage;
  /**
   * For a VCH stack, what its host names in vSphere (stackInventory, which index.ts awaits
   * first); required then. Ignored for the local engine.
   */
  inventory?: VsphereInventory;
}

/**
 * Looks up what a VCH stack names in vSphere, before anything is registered; undefined for the
 * local engine. A developer stack also finds the farm pool (the shared stack declares it).
 */
export async function stackInventory(
  config: BuildenvConfig,
): Promise<VsphereInventory | undefined> {
  if (config.host.kind !== "vch") {
    return undefined;
  }
  const findsPool = !config.shared && (config.farm?.placeVch ?? false);
  return lookUpInventory(config.host, config.farm, findsPool);
}

/** One cache as the `caches` output and the docker run line have it. */
export interface CacheLine {
  volume: string;
  path: string;
  env: Record<string, string>;
}

/**
 * The docker run line that runs a command in the environment (append the command): volumes at
 * /workspace/<name>, caches at their paths with their variables (by cache name, variables by
 * name), the class's limits, the source volume as working directory. Every value is
 * one shell word: bare when it holds only characters no POSIX shell treats specially, else in
 * single quotes (config.ts limits today's names, but the line is copied into shells and CI steps,
 * so it must not depend on that).
 */
export function buildCommandLine(
  image: string,
  volumes: Record<string, string>,
  computeClass: ComputeClass,
  caches: Record<string, CacheLine> = {},
): string {
  const mounts = Object.keys(volumes)
    .sort()
    .map((volume) => `-v ${shellWord(`${volumes[volume]}:${WORKSPACE}/${volume}`)}`);
  for (const name of Object.keys(caches).sort()) {
    const { volume, path, env } = caches[name];
    mounts.push(`-v ${shellWord(`${volume}:${path}`)}`);
    mounts.push(
      ...Object.keys(env)
        .sort()
        .map((k) => `-e ${shellWord(`${k}=${env[k]}`)}`),
    );
  }
  const workdir = "source" in volumes ? `${WORKSPACE}/source` : WORKSPACE;
  return [
    "docker run --rm",
    `--memory ${shellWord(`${computeClass.memoryMB}m`)}`,
    `--cpu-shares ${shellWord(String(DOCKER_CPU_SHARES[computeClass.shares]))}`,
    ...mounts,
    `-w ${shellWord(workdir)}`,
    shellWord(image),
  ].join(" ");
}

/**
 * One POSIX shell word for `text`: as it is when made only of letters, digits and `_./:@+,-`
 * (none of the metacharacters a POSIX shell requires quoted, | & ; < > ( ) $ ` \ " ', space, tab,
 * newline, nor a glob, tilde, comment or assignment character), else single-quoted, inside which
 * every character is literal, an embedded ' written as '\'' (IBM AIX 7.2, "Quotation of
 * characters in the Korn shell or POSIX shell"). tests/program.test.ts reads the line back
 * through bash.
 */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:@+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * What index.ts runs: looks up the vSphere inventory a VCH stack names (stackInventory), asks the registry whether it holds the build image's content tag
 * (resolveBuildImage; a stack whose tag is there builds nothing), then declares the stack.
 *
 * @param lookup default a HEAD request to the registry (findImageDigest).
 */
export async function resolveAndBuildEnvironment(
  config: BuildenvConfig,
  options: ProgramOptions & { lookup?: Parameters<typeof resolveBuildImage>[3] } = {},
): Promise<BuildEnvironmentOutputs> {
  const { lookup, ...rest } = options;
  const root = options.root ?? process.cwd();
  // vSphere first: a misspelt datastore fails in a second, before the registry is asked.
  const inventory = await stackInventory(config);
  const image = await resolveBuildImage(config.buildImage, config.registry, root, lookup);
  return buildEnvironment(config, { ...rest, image, ...(inventory ? { inventory } : {}) });
}

/** Declares every resource of the stack. Throws before registering anything if the image inputs cannot be read. */
export function buildEnvironment(
  config: BuildenvConfig,
  options: ProgramOptions = {},
): BuildEnvironmentOutputs {
  const root = options.root ?? process.cwd();
  // Read the image inputs before any resource exists, so a broken input fails cleanly.
  const { imageTag, registryDigest } = options.image ?? {
    imageTag: buildImageTag(config.buildImage, root),
  };
  const { manifest, tag } = imageTag;
  const prefix = `buildenv-${config.stack}`;
  const volumeKeys = Object.keys(config.volumes);
  const ci = config.github !== undefined;

  // Who pushes and pulls: see registry/access.ts (on Harbor, robots of the shared stack).
  const access = config.registry
    ? declareRegistryAccess(`${prefix}-registry`, {
        registry: config.registry,
        shared: config.shared,
        stack: config.stack,
        ...(config.github ? { ciRepositories: config.github.repositories } : {}),
      })
    : undefined;

  // The shared stack owns the build farm's pool; every other VCH stack found it by lookup.
  const farmPool =
    config.host.kind === "vch" && config.shared && config.farm && options.inventory
      ? new FarmPool(`${prefix}-farm`, {
          farm: config.farm,
          parentResourcePoolId: options.inventory.clusterRootPoolId,
        })
      : undefined;
  const placed = config.farm?.placeVch ?? false;
  const farmPoolId = placed ? (farmPool?.poolId ?? options.inventory?.farmPoolId) : undefined;

  const host = new ContainerHost(prefix, {
    host: config.host,
    stack: config.stack,
    owner: config.owner,
    computeClass: config.computeClass,
    // A cache is a kept volume too (volumes/cacheVolumes.ts).
    volumesDisposable:
      volumeKeys.every((v) => !config.volumes[v].keep) && Object.keys(config.caches).length === 0,
    ...(access?.hostLogin ? { registryAuth: access.hostLogin } : {}),
    // A VCH pulls from a registry with a private CA only when told of it (--registry-ca).
    ...(config.registry?.ca && config.host.kind === "vch"
      ? { registryCa: config.registry.ca }
      : {}),
    ...(ci ? { extraClients: ["ci"] } : {}),
    ...(options.inventory
      ? {
          vsphere: {
            inventory: options.inventory,
            ...(config.farm ? { farm: config.farm } : {}),
            ...(farmPoolId !== undefined ? { farmPoolId } : {}),
          },
        }
      : {}),
  });

  const volumes: Record<string, pulumi.Output<string>> = {};
  for (const volume of volumeKeys) {
    volumes[volume] = new BuildVolume(`${prefix}-${volume}`, {
      host,
      stack: config.stack,
      volume,
      config: config.volumes[volume],
      owner: config.owner,
      priority: config.priority,
      ...(config.expiresAt ? { expiresAt: config.expiresAt } : {}),
      shared: config.shared,
    }).volumeName;
  }

  const cacheMounts = declareCacheVolumes(prefix, {
    host,
    stack: config.stack,
    caches: config.caches,
    owner: config.owner,
    priority: config.priority,
    ...(config.expiresAt ? { expiresAt: config.expiresAt } : {}),
    shared: config.shared,
  });
  const caches = pulumi.all(
    Object.fromEntries(
      Object.entries(cacheMounts).map(([name, c]) => [
        name,
        c.volume.apply((volume): CacheLine => ({ volume, path: c.path, env: c.env })),
      ]),
    ),
  );

  const image = new BuildImage(`${prefix}-image`, {
    config: config.buildImage,
    tag,
    manifest,
    entries: imageTag.entries,
    root,
    builderHost: config.builderHost,
    ...(access ? { registry: access.pushTo, pullWith: host.provider } : {}),
    ...(config.registry && registryDigest ? { registryDigest } : {}),
  });

  const outputs: BuildEnvironmentOutputs = {
    dockerHost: host.dockerHost,
    volumes,
    caches,
    buildImage: image.ref,
    buildImageManifest: manifest,
    buildImageTag: tag,
    computeClass: config.computeClass,
    computeClasses: config.computeClasses,
    expiresAt: config.expiresAt ?? "never",
    buildCommand: pulumi
      .all([image.ref, pulumi.all(volumes), caches])
      .apply(([ref, names, lines]) => buildCommandLine(ref, names, config.computeClass, lines)),
  };

  if (access) {
    const { server, repository, username, password } = access.pushTo;
    outputs.outputRepository = { server, repository: outputRepositoryPath(repository) };
    if (username !== undefined && password !== undefined) {
      outputs.registryLogin = pulumi.secret(
        pulumi.all([username, password]).apply(([u, p]) => ({ username: u, password: p })),
      );
    }
  }

  if (host.vch) {
    const developer = host.vch.clientCertificates["developer"];
    outputs.tls = { caCert: host.vch.caCertPem, clientCert: developer.certPem };
    outputs.tlsClientKey = pulumi.secret(developer.privateKeyPem);
  }

  if (config.github && host.vch && config.registry) {
    const ciClient = host.vch.clientCertificates["ci"];
    const secrets = new CiSecrets(`${prefix}-ci`, {
      github: config.github,
      dockerHost: host.dockerHost,
      caCertPem: host.vch.caCertPem,
      clientCertPem: ciClient.certPem,
      clientKeyPem: ciClient.privateKeyPem,
      registry: config.registry,
      ...(access?.ciLogins ? { registryCredentials: access.ciLogins } : {}),
      buildImage: image.ref,
      volumes,
    });
    outputs.ciSecrets = { secrets: secrets.secretNames, variables: secrets.variableNames };
  }
  return outputs;
}
