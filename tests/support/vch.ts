/**
 * What the VCH suites share: the VCH's own Command and the spec the realistic stack
 * (tests/support/stack.ts vchStackConfig) must give vic-machine, written out by hand.
 */
import * as assert from "assert";
import type { VchSpec } from "../../components/vic/vicMachine";
import { mocks } from "./harness";
import { VCENTER_THUMBPRINT } from "./stack";
import { TOKENS } from "./vsphereInventory";

export const COMMAND = "command:local:Command";

/** The VCH's own lifecycle Command (each volume also has one that makes it: volumes/adopt.ts). */
export function vchCommand() {
  const found = mocks.ofType(COMMAND).filter((c) => c.name.endsWith("-vch"));
  assert.strictEqual(found.length, 1, "one VCH command");
  return found[0];
}
export const POOL = "vsphere:index/resourcePool:ResourcePool";

/** What the realistic stack in tests/support/stack.ts must give vic-machine, written out by hand. */
/** What vchStackConfig's host names, looked up in vSphere (tests/support/vsphereInventory.ts). */
export const EXPECTED_LOOKUPS = [
  { token: TOKENS.datacenter, inputs: { name: "dc1" } },
  { token: TOKENS.cluster, inputs: { datacenterId: "datacenter-3", name: "build-cluster" } },
  { token: TOKENS.datastore, inputs: { datacenterId: "datacenter-3", name: "vsanDatastore" } },
  { token: TOKENS.datastore, inputs: { datacenterId: "datacenter-3", name: "nfs-archive" } },
  { token: TOKENS.network, inputs: { datacenterId: "datacenter-3", name: "buildenv-bridge" } },
  { token: TOKENS.network, inputs: { datacenterId: "datacenter-3", name: "VM Network" } },
  { token: TOKENS.network, inputs: { datacenterId: "datacenter-3", name: "buildenv-clients" } },
  {
    token: TOKENS.pool,
    inputs: { datacenterId: "datacenter-3", name: "build-cluster/Resources/buildenv" },
  },
];

/** The VCH's second trigger: the ids found, so an object made anew under the same name replaces it. */
export const EXPECTED_IDS = JSON.stringify({
  datacenter: "datacenter-3",
  cluster: "domain-c7",
  datastores: { vsanDatastore: "datastore-11", "nfs-archive": "datastore-12" },
  networks: {
    "buildenv-bridge": "dvportgroup-21",
    "VM Network": "network-20",
    "buildenv-clients": "dvportgroup-22",
  },
  farmPool: "resgroup-31",
});

export const EXPECTED_SPEC: VchSpec = {
  vicMachine: "vic-machine-linux",
  target: "vcenter.example.com/dc1",
  user: "buildenv@vsphere.local",
  thumbprint: VCENTER_THUMBPRINT,
  name: "buildenv-alice",
  // The farm pool (default name buildenv): VIC validator_test.go:300-301 accepts this form.
  computeResource: "build-cluster/Resources/buildenv",
  imageStore: "vsanDatastore/buildenv-images",
  volumeStores: [
    { datastore: "vsanDatastore", path: "buildenv/vch/buildenv-alice", label: "default" },
    { datastore: "nfs-archive", path: "keep/vch/buildenv-alice", label: "archive" },
  ],
  bridgeNetwork: "buildenv-bridge",
  publicNetwork: "VM Network",
  clientNetwork: "buildenv-clients",
  tlsCname: "vch-alice.build.example.com",
  cpuShares: "high",
  memoryShares: "high",
  memoryLimitMB: 16384,
  memoryReservationMB: 4096,
  cpuLimitMHz: 16000,
  cpuReservationMHz: 4000,
  timeout: "10m",
};

export const EXPECTED_CREATE_ARGS = [
  "create",
  "--target=vcenter.example.com/dc1",
  "--user=buildenv@vsphere.local",
  `--thumbprint=${VCENTER_THUMBPRINT}`,
  "--name=buildenv-alice",
  "--compute-resource=build-cluster/Resources/buildenv",
  "--timeout=10m",
  "--image-store=vsanDatastore/buildenv-images",
  "--bridge-network=buildenv-bridge",
  "--public-network=VM Network",
  "--client-network=buildenv-clients",
  "--volume-store=vsanDatastore/buildenv/vch/buildenv-alice:default",
  "--volume-store=nfs-archive/keep/vch/buildenv-alice:archive",
  "--tls-cname=vch-alice.build.example.com",
  "--tls-server-cert=$BUILDENV_TLS_DIR/server-cert.pem",
  "--tls-server-key=$BUILDENV_TLS_DIR/server-key.pem",
  "--tls-ca=$BUILDENV_TLS_DIR/ca.pem",
  "--memory=16384",
  "--memory-reservation=4096",
  "--memory-shares=high",
  "--cpu=16000",
  "--cpu-reservation=4000",
  "--cpu-shares=high",
];

export const EXPECTED_DELETE_ARGS = [
  "delete",
  "--target=vcenter.example.com/dc1",
  "--user=buildenv@vsphere.local",
  `--thumbprint=${VCENTER_THUMBPRINT}`,
  "--name=buildenv-alice",
  "--compute-resource=build-cluster/Resources/buildenv",
  "--timeout=10m",
];
