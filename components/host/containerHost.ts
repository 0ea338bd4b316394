import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { ComputeClass } from "../compute/config";
import { VolumeConfig } from "../volumes/config";
import { HostConfig } from "./config";
import { ENSURE_ENV } from "../volumes/adopt";
import { VolumeHost, vicCapacityMiB } from "../volumes/buildVolume";
import { FarmConfig } from "../vic/farm";
import { VsphereInventory } from "../vic/inventory";
import { VirtualContainerHost } from "../vic/virtualContainerHost";

/**
 * Registry credentials an engine pulls with. Without username and password the Docker provider
 * reads the registry's login from the Docker CLI's config (`docker login`; its `configFile`
 * defaults to `~/.docker/config.json`).
 */
export interface RegistryAuth {
  address: string;
  username?: pulumi.Input<string>;
  password?: pulumi.Input<string>;
}

export interface ContainerHostArgs {
  /** `kind: local` (the local Docker engine) or `kind: vch` (a VCH made for this stack). */
  host: HostConfig;
  stack: string;
  owner: string;
  /** Sizes a VCH's resource pool and limits; unused by the local engine itself. */
  computeClass: ComputeClass;
  /**
   * Whether every volume of the stack is disposable (`keep: false`). Only then may deleting a
   * VCH also delete its volume stores. Default: false.
   */
  volumesDisposable?: boolean;
  /** Credentials for pulling the build image from a private registry. Default: none. */
  registryAuth?: RegistryAuth;
  /**
   * Client certificates to issue for a VCH besides the developer's, e.g. `ci`. Ignored for
   * the local engine, which has no TLS. Default: none.
   */
  extraClients?: string[];
  /**
   * PEM of the registry's private CA, given to a VCH as `--registry-ca`. Ignored for the local
   * engine. Default: none.
   */
  registryCa?: pulumi.Input<string>;
  /**
   * For a VCH: the inventory found in vSphere (required), the farm pool and its id. Ignored for
   * the local engine.
   */
  vsphere?: {
    inventory: VsphereInventory;
    farm?: FarmConfig;
    farmPoolId?: pulumi.Input<string>;
  };
}

/**
 * The Docker engine a stack's volumes and containers go to, behind one explicit provider so
 * nothing of the stack silently lands on whatever `DOCKER_HOST` the caller happens to have.
 * Callers see the same surface for both kinds; only this component knows the difference.
 */
export class ContainerHost extends pulumi.ComponentResource implements VolumeHost {
  readonly provider: docker.Provider;
  /** Address of the engine, e.g. `unix:///var/run/docker.sock` or `tcp://10.0.0.5:2376`. */
  readonly dockerHost: pulumi.Output<string>;
  readonly kind: HostConfig["kind"];
  readonly volumeDriver: string;
  /** The VCH and its TLS material; undefined for the local engine. */
  readonly vch?: VirtualContainerHost;
  readonly volumeAdoption?: VolumeHost["volumeAdoption"];

  private readonly volumeStoreLabels: ReadonlySet<string>;

  constructor(name: string, args: ContainerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:host:ContainerHost", name, {}, opts);
    this.kind = args.host.kind;
    const registryAuth = args.registryAuth ? [args.registryAuth] : undefined;

    if (args.host.kind === "local") {
      this.volumeDriver = "local";
      this.volumeStoreLabels = new Set();
      this.dockerHost = pulumi.output(args.host.dockerHost);
      this.provider = new docker.Provider(
        `${name}-docker`,
        { host: args.host.dockerHost, ...(registryAuth ? { registryAuth } : {}) },
        { parent: this },
      );
    } else {
      this.volumeDriver = "vsphere";
      this.volumeStoreLabels = new Set(args.host.volumeStores.map((store) => store.label));
      if (!args.vsphere) {
        throw new Error("ContainerHost: a VCH needs the vSphere inventory (lookUpInventory) first");
      }
      this.vch = new VirtualContainerHost(
        name,
        {
          host: args.host,
          stack: args.stack,
          owner: args.owner,
          computeClass: args.computeClass,
          volumesDisposable: args.volumesDisposable ?? false,
          clients: ["developer", ...(args.extraClients ?? [])],
          ...(args.registryCa !== undefined ? { registryCa: args.registryCa } : {}),
          inventory: args.vsphere.inventory,
          ...(args.vsphere.farm ? { farm: args.vsphere.farm } : {}),
          ...(args.vsphere.farmPoolId !== undefined ? { farmPoolId: args.vsphere.farmPoolId } : {}),
        },
        { parent: this },
      );
      const developer = this.vch.clientCertificates["developer"];
      this.dockerHost = this.vch.dockerHost;
      this.provider = new docker.Provider(
        `${name}-docker`,
        {
          host: this.vch.dockerHost,
          caMaterial: this.vch.caCertPem,
          certMaterial: developer.certPem,
          keyMaterial: developer.privateKeyPem,
          ...(registryAuth ? { registryAuth } : {}),
        },
        { parent: this },
      );
      // VIC refuses to create a volume that exists: volumes/adopt.ts makes it first, with the
      // developer's client certificate, only in the (secret) environment.
      this.volumeAdoption = {
        environment: pulumi.secret(
          pulumi
            .all([
              this.vch.dockerHost,
              this.vch.caCertPem,
              developer.certPem,
              developer.privateKeyPem,
            ])
            .apply(([dockerHost, ca, cert, key]): Record<string, string> => ({
              [ENSURE_ENV.dockerHost]: dockerHost,
              [ENSURE_ENV.ca]: ca,
              [ENSURE_ENV.cert]: cert,
              [ENSURE_ENV.key]: key,
            })),
        ),
        dependsOn: [this.vch],
      };
    }

    this.registerOutputs({ dockerHost: this.dockerHost, provider: this.provider });
  }

  volumeDriverOptions(volume: VolumeConfig): Record<string, string> | undefined {
    if (this.kind === "local") {
      // The local driver has no size limit; the capacity is still recorded in the labels.
      return undefined;
    }
    if (!this.volumeStoreLabels.has(volume.store)) {
      throw new Error(
        `volume store ${JSON.stringify(volume.store)} is not one of the VCH's stores`,
      );
    }
    // VIC reads a bare Capacity as MiB (storage_proxy.go:650-687, storage_handlers.go:445-452).
    return { Capacity: String(vicCapacityMiB(volume.capacityMB)), VolumeStore: volume.store };
  }
}
