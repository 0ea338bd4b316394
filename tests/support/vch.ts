/**
 * What the VCH suites share: the VCH's own Command and the spec the realistic stack
 * (tests/support/stack.ts vchStackConfig) must give vic-machine, written out by hand.
 */
import * as assert from "assert";
import type { VchSpec } from "../../components/vic/vicMachine";
import { mocks } from "./harness";
import { VCENTER_THUMBPRINT } from "./stack";

export const COMMAND = "command:local:Command";

/** The VCH's own lifecycle Command (each volume also has one that makes it: volumes/adopt.ts). */
export function vchCommand() {
  const found = mocks.ofType(COMMAND).filter((c) => c.name.endsWith("-vch"));
  assert.strictEqual(found.length, 1, "one VCH command");
  return found[0];
}
export const POOL = "vsphere:index/resourcePool:ResourcePool";

/** What the realistic stack in tests/support/stack.ts must give vic-machine, written out by hand. */
export const EXPECTED_SPEC: VchSpec = {
  vicMachine: "vic-machine-linux",
  target: "vcenter.example.com/dc1",
  user: "buildenv@vsphere.local",
  thumbprint: VCENTER_THUMBPRINT,
  name: "buildenv-alice",
  computeResource: "build-cluster",
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
  "--compute-resource=build-cluster",
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
  "--compute-resource=build-cluster",
  "--timeout=10m",
];
