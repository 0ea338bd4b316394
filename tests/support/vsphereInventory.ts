/**
 * A vSphere inventory for the mocks: what getDatacenter, getComputeCluster, getDatastore,
 * getNetwork and getResourcePool answer, named like the shipped stacks and vchStackConfig. A name
 * that is not in it is not found, answered the way govmomi's finder words it ("%s '%s' not
 * found": govmomi find/error.go:27), which the provider passes on.
 */
import { mocks } from "./harness";

export interface MockInventory {
  datacenters: Record<string, string>;
  clusters: Record<string, { id: string; resourcePoolId: string }>;
  datastores: Record<string, string>;
  networks: Record<string, string>;
  /** Pools by path relative to the datacenter's host folder (`<cluster>/Resources/<pool>`). */
  pools: Record<string, string>;
}

export const INVENTORY: MockInventory = {
  datacenters: { dc1: "datacenter-3" },
  clusters: { "build-cluster": { id: "domain-c7", resourcePoolId: "resgroup-8" } },
  datastores: { vsanDatastore: "datastore-11", "nfs-archive": "datastore-12" },
  networks: {
    "VM Network": "network-20",
    "buildenv-bridge": "dvportgroup-21",
    "buildenv-clients": "dvportgroup-22",
    "buildenv-bridge-ci": "dvportgroup-23",
    "buildenv-bridge-alice": "dvportgroup-24",
  },
  pools: { "build-cluster/Resources/buildenv": "resgroup-31" },
};

export const TOKENS = {
  datacenter: "vsphere:index/getDatacenter:getDatacenter",
  cluster: "vsphere:index/getComputeCluster:getComputeCluster",
  datastore: "vsphere:index/getDatastore:getDatastore",
  network: "vsphere:index/getNetwork:getNetwork",
  pool: "vsphere:index/getResourcePool:getResourcePool",
} as const;

function notFound(kind: string, name: unknown): never {
  throw new Error(`${kind} '${String(name)}' not found`);
}

/** Stubs the five lookups with this inventory (default INVENTORY). */
export function stubInventory(inventory: MockInventory = INVENTORY): void {
  const inDatacenter = (inputs: Record<string, unknown>) => {
    if (!Object.values(inventory.datacenters).includes(String(inputs.datacenterId))) {
      throw new Error(`datacenter id ${String(inputs.datacenterId)} is not a datacenter`);
    }
  };
  mocks.stubCall(TOKENS.datacenter, (inputs) => {
    const id = inventory.datacenters[String(inputs.name)] ?? notFound("datacenter", inputs.name);
    return { id, name: inputs.name, virtualMachines: [] };
  });
  mocks.stubCall(TOKENS.cluster, (inputs) => {
    inDatacenter(inputs);
    const found = inventory.clusters[String(inputs.name)] ?? notFound("cluster", inputs.name);
    return { ...found, name: inputs.name, datacenterId: inputs.datacenterId };
  });
  mocks.stubCall(TOKENS.datastore, (inputs) => {
    inDatacenter(inputs);
    const id = inventory.datastores[String(inputs.name)] ?? notFound("datastore", inputs.name);
    return { id, name: inputs.name, datacenterId: inputs.datacenterId };
  });
  mocks.stubCall(TOKENS.network, (inputs) => {
    inDatacenter(inputs);
    const id = inventory.networks[String(inputs.name)] ?? notFound("network", inputs.name);
    return {
      id,
      name: inputs.name,
      type: id.startsWith("dv") ? "DistributedVirtualPortgroup" : "Network",
    };
  });
  mocks.stubCall(TOKENS.pool, (inputs) => {
    inDatacenter(inputs);
    const id = inventory.pools[String(inputs.name)] ?? notFound("resource pool", inputs.name);
    return { id, name: inputs.name, datacenterId: inputs.datacenterId };
  });
}
