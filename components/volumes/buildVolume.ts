import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { Priority } from "../compute/config";
import { VolumeConfig } from "./config";
import { scriptInterpreter } from "../vic/vicMachine";
import { ensureVolumeScript } from "./adopt";
import { cacheVolumeName, volumeName } from "./names";

/**
 * A capacity in whole decimal MB as VIC's `Capacity` driver option: a bare number there is MiB
 * (lib/apiservers/engine/proxy/storage_proxy.go:650-687 keeps it as "MB", the port layer makes
 * a disk of that many × 1024 KB, storage_handlers.go:445-452), rounded up so the disk is never
 * smaller than asked: 10000 MB (10GB) → 9537.
 */
export function vicCapacityMiB(capacityMB: number): number {
  return Math.ceil((capacityMB * 1_000_000) / 2 ** 20);
}

/** What a volume needs from the engine it lives on; ContainerHost provides it. */
export interface VolumeHost {
  /** The Docker provider of the stack's host; the volume is created through it. */
  readonly provider: docker.Provider;
  /** `local` on a Docker engine, `vsphere` on a VCH. */
  readonly volumeDriver: string;
  /** Driver options for one volume, or undefined when the driver takes none. */
  volumeDriverOptions(volume: VolumeConfig): Record<string, string> | undefined;
  /**
   * Set on an engine that refuses to create a volume whose name exists (a VCH): each volume is
   * then made by volumes/adopt.ts's script, run with this (secret) environment after these
   * resources, and imported. Undefined on an engine whose create adopts (the local engine).
   */
  readonly volumeAdoption?: {
    environment: pulumi.Output<Record<string, string>>;
    dependsOn: pulumi.Resource[];
  };
}

export interface BuildVolumeArgs {
  /** The engine the volume lives on. */
  host: VolumeHost;
  /** The stack name; part of the physical name so two stacks never share a volume. */
  stack: string;
  /** The volume's key in `buildenv:volumes`, e.g. `source` (or in `buildenv:caches`, with `cache`). */
  volume: string;
  /**
   * Whether `volume` names a cache of `buildenv:caches`: then the physical name is
   * `buildenv-<stack>-cache-<name>` and the label `buildenv.cache` (not `buildenv.volume`) names
   * it. Default: false.
   */
  cache?: boolean;
  /** Capacity (whole MB), keep and store. */
  config: VolumeConfig;
  /** Recorded in labels so anyone (and the policy pack) can tell whose volume it is. */
  owner: string;
  priority: Priority;
  /** Canonical expiry, or undefined for stacks that do not expire (labelled `never`). */
  expiresAt?: string;
  shared: boolean;
}

/** The labels of a build volume, sorted by name so their order never changes between runs. */
export function volumeLabels(
  args: Omit<BuildVolumeArgs, "host">,
): { label: string; value: string }[] {
  const labels: Record<string, string> = {
    "buildenv.capacity-mb": String(args.config.capacityMB),
    "buildenv.expires-at": args.expiresAt ?? "never",
    "buildenv.keep": String(args.config.keep),
    "buildenv.owner": args.owner,
    "buildenv.priority": args.priority,
    "buildenv.shared": String(args.shared),
    "buildenv.stack": args.stack,
    [args.cache ? "buildenv.cache" : "buildenv.volume"]: args.volume,
  };
  return Object.keys(labels)
    .sort()
    .map((label) => ({ label, value: labels[label] }));
}

/**
 * Resource options of a build volume, and why:
 *
 * - `ignoreChanges: ["labels"]`: Docker cannot relabel a volume, so the provider replaces a
 *   volume whose labels change (`labels` is willReplaceOnChanges in the docker schema;
 *   terraform-provider-docker resource_docker_volume.go:48-54 ForceNew). The labels carry the
 *   expiry, priority and owner, which `stack:extend` and a priority change move; a replace would
 *   delete a `keep: false` volume's data and re-create a kept one over itself. So the labels are
 *   written when the volume is created and never diffed afterwards: the engine keeps the old
 *   inputs (pulumi step_generator.go processIgnoreChanges) and the bridged provider ignores the
 *   path in its own diff against the volume it read (pulumi-terraform-bridge
 *   pkg/tfbridge/provider.go:1184-1190). The expiry that counts is the stack file's.
 * - `retainOnDelete: keep`: `pulumi destroy` leaves a kept volume and its data in place. The
 *   next `pulumi up` adopts it without `pulumi import`: the provider's create is
 *   `VolumeCreate` (resource_docker_volume.go:278), which the Docker engine answers with the
 *   existing volume of that name and driver, data, labels and all (moby
 *   daemon/volume/service/store.go:596-607, checkConflict :523-568); the labels it reports
 *   differ from ours, and `ignoreChanges` keeps that from replacing it on the next run. (A VCH
 *   answers the same call with a conflict instead: vmware/vic
 *   lib/apiservers/engine/proxy/storage_proxy.go:120-121.)
 * - `protect: false`: a protected volume would make every `pulumi destroy`, and so the reaper,
 *   fail; kept volumes are kept by `retainOnDelete`, not by protection.
 * - With driver options (a VCH's `VolumeStore` and `Capacity`), `driverOpts` is ignored after
 *   creation too: the provider reads them back from the engine's `Options`
 *   (terraform-provider-docker resource_docker_volume.go:311), which VIC never fills in (vmware/vic
 *   lib/apiservers/engine/proxy/storage_proxy.go:445-452 NewVolumeModel), and `driverOpts` forces
 *   a replacement, so every `pulumi up --refresh` would otherwise replace every VCH volume. VIC
 *   cannot resize or move a volume anyway: capacity and store are fixed when it is created.
 *
 * @param keep the volume's `keep` setting.
 * @param hasDriverOptions whether the volume is created with driver options (a VCH's).
 */
export function volumeOptions(
  keep: boolean,
  hasDriverOptions = false,
): pulumi.CustomResourceOptions {
  return {
    retainOnDelete: keep,
    protect: false,
    ignoreChanges: hasDriverOptions ? ["labels", "driverOpts"] : ["labels"],
  };
}

/**
 * A named Docker volume holding source or build output. It outlives the compute that mounts it;
 * a `keep: true` volume also outlives `pulumi destroy` (the engine forgets it, the data stays)
 * and is adopted again by the next `pulumi up` (see {@link volumeOptions}).
 */
export class BuildVolume extends pulumi.ComponentResource {
  /** The physical volume name, `buildenv-<stack>-<volume>` (a cache's: `buildenv-<stack>-cache-<name>`). */
  readonly volumeName: pulumi.Output<string>;

  constructor(name: string, args: BuildVolumeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:storage:BuildVolume", name, {}, opts);

    const driverOpts = args.host.volumeDriverOptions(args.config);
    const physicalName = args.cache
      ? cacheVolumeName(args.stack, args.volume)
      : volumeName(args.stack, args.volume);
    const labels = volumeLabels(args);
    const adoption = args.host.volumeAdoption;
    const ensured = adoption
      ? new command.local.Command(
          `${name}-ensure`,
          {
            create: ensureVolumeScript({
              name: physicalName,
              driver: args.host.volumeDriver,
              driverOpts: driverOpts ?? {},
              labels,
            }),
            interpreter: scriptInterpreter(),
            environment: adoption.environment,
          },
          // The volume is made once: later label values (a new expiry) are not re-applied, as on
          // the docker.Volume itself. No delete: the docker.Volume's own delete (or retain)
          // decides what happens to the volume.
          { parent: this, dependsOn: adoption.dependsOn, ignoreChanges: ["create"] },
        )
      : undefined;
    const volume = new docker.Volume(
      name,
      {
        name: physicalName,
        driver: args.host.volumeDriver,
        ...(driverOpts ? { driverOpts } : {}),
        labels,
      },
      {
        parent: this,
        provider: args.host.provider,
        ...volumeOptions(args.config.keep, driverOpts !== undefined),
        // The engine imports only while the volume is not in the state with that id (pulumi
        // pkg/resource/deploy/step_generator.go:1113); from then on it is an ordinary resource.
        ...(ensured ? { import: physicalName, dependsOn: [ensured] } : {}),
      },
    );

    this.volumeName = volume.name;
    this.registerOutputs({ volumeName: this.volumeName });
  }
}
