import * as pulumi from "@pulumi/pulumi";
import * as vsphere from "@pulumi/vsphere";
import { FarmConfig } from "./farm";

export interface FarmPoolArgs {
  /** The farm's name and budget (`buildenv:farm`). */
  farm: FarmConfig;
  /** The cluster's root resource pool id (getComputeCluster's `resourcePoolId`): the parent. */
  parentResourcePoolId: pulumi.Input<string>;
}

/**
 * The build farm's resource pool under the cluster's root pool: every VCH's own pool (made by
 * vic-machine) sits inside it, so its limits cap the whole farm. Declared by the shared stack
 * only, protected: deleting it would take every VCH of the team with it.
 */
export class FarmPool extends pulumi.ComponentResource {
  readonly pool: vsphere.ResourcePool;
  /** The pool's managed object id. */
  readonly poolId: pulumi.Output<string>;

  constructor(name: string, args: FarmPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("buildenv:vsphere:FarmPool", name, {}, opts);
    const { farm } = args;
    this.pool = new vsphere.ResourcePool(
      `${name}-pool`,
      {
        name: farm.pool,
        parentResourcePoolId: args.parentResourcePoolId,
        // -1 is the provider's "unlimited" (vsphere.json ResourcePool cpuLimit/memoryLimit).
        cpuLimit: farm.cpuLimitMHz ?? -1,
        memoryLimit: farm.memoryLimitMB ?? -1,
        cpuShareLevel: farm.shares,
        memoryShareLevel: farm.shares,
      },
      { parent: this, protect: true },
    );
    this.poolId = this.pool.id;
    this.registerOutputs({ poolId: this.poolId });
  }
}
