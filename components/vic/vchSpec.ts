/**
 * From a stack's VCH config to the spec vic-machine is run with. Shared by the config module,
 * which validates the spec before any resource exists, and the VirtualContainerHost component,
 * which runs it.
 */
import type { ComputeClass, Priority } from "../compute/config";
import { show, valueAt } from "../config/schema";
import type { VchHostConfig } from "./config";
import { FarmConfig, farmPoolPath } from "./farm";
import { VchSpec, vchSpecProblems } from "./vicMachine";

/**
 * `--compute-resource`: the build farm's pool, `<cluster>/Resources/<pool>` (farm.ts), or the
 * cluster itself while a stack is migrating (`buildenv:farm.placeVch: false`). With DRS,
 * vic-machine makes the VCH's own pool `<compute resource>/<name>` there with the class's limits,
 * reservations and shares (lib/install/management/create.go:57-61, resource_pool.go:33-62), a
 * sibling of every other VCH's pool in the farm, so shares compare VCHs with each other and the
 * farm pool caps them all together.
 */
export function computeResourcePath(cluster: string, farm?: FarmConfig): string {
  return farm?.placeVch ? farmPoolPath(cluster, farm.pool) : cluster;
}

/** `--target`: the vCenter address and the datacenter, never any credentials. */
export function vicTarget(server: string, datacenter: string): string {
  return `${server}/${datacenter}`;
}

/** What the spec needs besides the host config. */
export interface VchSpecExtras {
  /** Whether a registry CA PEM is handed to the VCH. */
  registryCa?: boolean;
  /** The build farm's pool; the VCH is made inside it unless `placeVch` is false. Default: none. */
  farm?: FarmConfig;
}

/** The spec for a stack's VCH; VIC's resource pool carries the VCH's name. */
export function vchSpec(
  host: VchHostConfig,
  computeClass: ComputeClass,
  thumbprint: string,
  extras: VchSpecExtras = {},
): VchSpec {
  return {
    vicMachine: host.vicMachine,
    target: vicTarget(host.vsphere.server, host.datacenter),
    user: host.vsphere.user,
    thumbprint,
    name: host.name,
    computeResource: computeResourcePath(host.cluster, extras.farm),
    imageStore: host.imageStore,
    volumeStores: host.volumeStores,
    bridgeNetwork: host.bridgeNetwork,
    publicNetwork: host.publicNetwork,
    ...(host.clientNetwork ? { clientNetwork: host.clientNetwork } : {}),
    ...(host.clientNetworkIp ? { clientNetworkIp: host.clientNetworkIp } : {}),
    ...(host.clientNetworkGateway ? { clientNetworkGateway: host.clientNetworkGateway } : {}),
    ...(host.dnsServers.length > 0 ? { dnsServers: host.dnsServers } : {}),
    tlsCname: host.cname,
    cpuShares: computeClass.shares,
    memoryShares: computeClass.shares,
    memoryLimitMB: computeClass.memoryMB,
    memoryReservationMB: computeClass.memoryReservationMB,
    cpuLimitMHz: computeClass.cpuMHz,
    cpuReservationMHz: computeClass.cpuReservationMHz,
    ...(host.opsUser ? { opsUser: host.opsUser.user } : {}),
    ...(extras.registryCa ? { registryCa: true } : {}),
    timeout: host.timeout,
  };
}

/**
 * The stack config key a spec field comes from, so that vic-machine's own rules are reported
 * under the key the user wrote. `priority` names the compute class the limits came from.
 */
export function configKeyOfSpecField(field: string, priority: string): string {
  const store = /^volumeStores(\[\d+\](?:\.\w+)?)$/.exec(field);
  if (store) {
    return `buildenv:host.volumeStores${store[1]}`;
  }
  switch (field) {
    case "target":
      return "vsphere:vsphereServer / buildenv:host.datacenter";
    case "user":
      return "vsphere:user";
    case "computeResource":
      return "buildenv:host.cluster / buildenv:farm.pool";
    case "tlsCname":
      return "buildenv:host.cname";
    case "opsUser":
      return "buildenv:host.opsUser";
    case "cpuShares":
    case "memoryShares":
      return `buildenv:computeClasses.${priority}.shares`;
    case "memoryLimitMB":
      return `buildenv:computeClasses.${priority}.memoryMB`;
    case "cpuLimitMHz":
      return `buildenv:computeClasses.${priority}.cpuMHz`;
    case "memoryReservationMB":
    case "cpuReservationMHz":
      return `buildenv:computeClasses.${priority}.${field}`;
    default:
      return `buildenv:host.${field}`;
  }
}

// A thumbprint that is looked up exists only once the program runs; this stands in for it,
// since the config cannot make a lookup's result invalid.
const THUMBPRINT_TO_LOOK_UP = Array(20).fill("00").join(":");

/**
 * vic-machine's own rules for what the VCH is made from (unsupported characters in datastore
 * paths, multi-line names, ...), checked now rather than when the create script is rendered
 * after resources exist, and reported under the config key each value came from.
 */
export function vicMachineProblems(
  host: VchHostConfig,
  computeClass: ComputeClass,
  priority: Priority,
  farm?: FarmConfig,
): string[] {
  const spec = vchSpec(host, computeClass, host.thumbprint ?? THUMBPRINT_TO_LOOK_UP, {
    ...(farm ? { farm } : {}),
  });
  return vchSpecProblems(spec).map(({ field, problem }) => {
    const value = valueAt(
      spec,
      field
        .split(/[.[\]]/)
        .filter(Boolean)
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
    );
    const shown = show(value);
    return `${configKeyOfSpecField(field, priority)}: ${problem.includes(shown) ? problem : `${shown} ${problem}`}`;
  });
}
