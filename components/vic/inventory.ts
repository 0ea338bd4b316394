/**
 * The vSphere inventory a VCH stack names, looked up with the vSphere provider before any
 * resource is registered (index.ts awaits it, on preview and up alike): the datacenter, the
 * cluster, every datastore of imageStore and volumeStores, every network, and for a developer
 * stack the farm pool. A missing one fails the run with one line per missing item, naming the
 * config key, the value and the datacenter; what is found is the ids the VCH depends on.
 */
import * as pulumi from "@pulumi/pulumi";
import * as vsphere from "@pulumi/vsphere";
import { show } from "../config/schema";
import type { VchHostConfig } from "./config";
import { FarmConfig, farmPoolPath } from "./farm";

/** The managed object ids found, which the VCH depends on. */
export interface VsphereInventory {
  datacenterId: string;
  clusterId: string;
  /** The cluster's root resource pool (`<cluster>/Resources`): the farm pool's parent. */
  clusterRootPoolId: string;
  /** Datastore ids by datastore name. */
  datastoreIds: Record<string, string>;
  /** Network ids by network (port group) name. */
  networkIds: Record<string, string>;
  /** The farm pool's id when this stack finds it by lookup (a developer stack placing its VCH there). */
  farmPoolId?: string;
}

/** One name to look up: the config key it comes from, the value written there, the name in it. */
export interface InventoryItem {
  key: string;
  value: string;
  name: string;
}

/** The datastores a host names: imageStore's `<datastore>[/<path>]` and each volume store's. */
export function datastoreItems(host: VchHostConfig): InventoryItem[] {
  return [
    {
      key: "buildenv:host.imageStore",
      value: host.imageStore,
      name: host.imageStore.split("/")[0],
    },
    ...host.volumeStores.map((store, i) => ({
      key: `buildenv:host.volumeStores[${i}].datastore`,
      value: store.datastore,
      name: store.datastore,
    })),
  ];
}

/**
 * The networks a host names: bridge, public and client. buildenv passes no management network to
 * vic-machine (it then shares the public one), so there is none to look up.
 */
export function networkItems(host: VchHostConfig): InventoryItem[] {
  const networks: [string, string | undefined][] = [
    ["bridgeNetwork", host.bridgeNetwork],
    ["publicNetwork", host.publicNetwork],
    ["clientNetwork", host.clientNetwork],
  ];
  return networks.flatMap(([field, value]) =>
    value === undefined ? [] : [{ key: `buildenv:host.${field}`, value, name: value }],
  );
}

/** A lookup that failed, as the one line the user sees. */
export function missingLine(
  kind: string,
  item: InventoryItem,
  where: string,
  error: unknown,
): string {
  const of = item.value === item.name ? "" : ` (from ${show(item.value)})`;
  const detail = firstLine(error);
  return `${item.key}: ${kind} ${show(item.name)}${of} was not found in ${where}${detail ? ` (vSphere: ${detail})` : ""}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split("\n").find((line) => line.trim() !== "") ?? "").trim();
}

/**
 * Raised when the inventory lacks something the config names: a RunError, so the CLI prints
 * only the message, one line per missing item.
 */
export class InventoryError extends pulumi.RunError {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "InventoryError";
  }
}

/**
 * Looks up everything the host names, through the stack's vSphere provider. The datacenter is
 * looked up first (everything else is found in it); then the rest together, and every missing
 * item is reported at once.
 *
 * @param farm The farm pool; looked up only when `lookUpFarmPool` (a developer stack whose VCH
 *   goes there; the shared stack declares the pool instead).
 */
export async function lookUpInventory(
  host: VchHostConfig,
  farm: FarmConfig | undefined,
  lookUpFarmPool: boolean,
  opts: pulumi.InvokeOptions = {},
): Promise<VsphereInventory> {
  let datacenterId: string;
  try {
    datacenterId = (await vsphere.getDatacenter({ name: host.datacenter }, opts)).id;
  } catch (error) {
    throw new InventoryError([
      missingLine(
        "datacenter",
        { key: "buildenv:host.datacenter", value: host.datacenter, name: host.datacenter },
        `vCenter ${show(host.vsphere.server)}`,
        error,
      ),
    ]);
  }
  const where = `datacenter ${show(host.datacenter)}`;
  const problems: string[] = [];
  const attempt = async <T>(kind: string, item: InventoryItem, lookup: () => Promise<T>) => {
    try {
      return await lookup();
    } catch (error) {
      problems.push(missingLine(kind, item, where, error));
      return undefined;
    }
  };
  const clusterItem = { key: "buildenv:host.cluster", value: host.cluster, name: host.cluster };
  const datastores = datastoreItems(host);
  const networks = networkItems(host);
  const datastoreNames = [...new Set(datastores.map((d) => d.name))];
  const networkNames = [...new Set(networks.map((n) => n.name))];
  const poolPath = farm ? farmPoolPath(host.cluster, farm.pool) : "";
  const [cluster, datastoreResults, networkResults, pool] = await Promise.all([
    attempt("cluster", clusterItem, () =>
      vsphere.getComputeCluster({ name: host.cluster, datacenterId }, opts),
    ),
    Promise.all(
      datastoreNames.map((name) =>
        attempt(
          "datastore",
          datastores.find((d) => d.name === name)!,
          () => vsphere.getDatastore({ name, datacenterId }, opts),
        ),
      ),
    ),
    Promise.all(
      networkNames.map((name) =>
        attempt(
          "network",
          networks.find((n) => n.name === name)!,
          () => vsphere.getNetwork({ name, datacenterId }, opts),
        ),
      ),
    ),
    farm && lookUpFarmPool
      ? attempt("farm pool", { key: "buildenv:farm.pool", value: farm.pool, name: poolPath }, () =>
          vsphere.getResourcePool({ name: poolPath, datacenterId }, opts),
        )
      : Promise.resolve(undefined),
  ]);
  if (problems.length > 0) {
    // The farm pool line says who makes it, since a developer cannot; under a missing cluster
    // the pool is missing too, and only the cluster is worth a line.
    throw new InventoryError(
      problems
        .filter((line) => !(cluster === undefined && line.startsWith("buildenv:farm.pool:")))
        .map((line) =>
          line.startsWith("buildenv:farm.pool:")
            ? `${line} (the shared stack, buildenv:shared: true, creates it: run its pulumi up first)`
            : line,
        ),
    );
  }
  return {
    datacenterId,
    clusterId: cluster!.id,
    clusterRootPoolId: cluster!.resourcePoolId,
    datastoreIds: Object.fromEntries(datastoreNames.map((n, i) => [n, datastoreResults[i]!.id])),
    networkIds: Object.fromEntries(networkNames.map((n, i) => [n, networkResults[i]!.id])),
    ...(pool ? { farmPoolId: pool.id } : {}),
  };
}

/**
 * The ids the VCH depends on, as one trigger value: a datastore, port group, cluster or farm
 * pool recreated under the same name has a new id, and the plan shows the VCH replaced.
 */
export function inventoryKey(inventory: VsphereInventory, farmPoolId?: string): string {
  return JSON.stringify({
    datacenter: inventory.datacenterId,
    cluster: inventory.clusterId,
    datastores: inventory.datastoreIds,
    networks: inventory.networkIds,
    farmPool: farmPoolId ?? null,
  });
}
