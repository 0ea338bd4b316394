import * as pulumi from "@pulumi/pulumi";
/**
 * The `vsphere.ComputeCluster` data source can be used to discover the ID of a cluster in vSphere.
 * This is useful to fetch the ID of a cluster that you want to use for virtual machine placement
 * via the `vsphere.VirtualMachine` resource, allowing to specify the cluster's root resource pool
 * directly versus using the alias available through the `vsphere.ResourcePool` data source.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as vsphere from "@pulumi/vsphere";
 *
 * const datacenter = vsphere.getDatacenter({ name: "dc-01" });
 * const computeCluster = datacenter.then((dc) =>
 *     vsphere.getComputeCluster({ name: "cluster-01", datacenterId: dc.id }),
 * );
 * ```
 */
export declare function getComputeCluster(args: GetComputeClusterArgs, opts?: pulumi.InvokeOptions): Promise<GetComputeClusterResult>;
/**
 * A collection of arguments for invoking getComputeCluster.
 */
export interface GetComputeClusterArgs {
    /**
     * The managed object reference ID of the datacenter the cluster is located in. This can be
     * omitted if the search path used in `name` is an absolute path. For default datacenters, use
     * the `id` attribute from an empty `vsphere.Datacenter` data source.
     */
    datacenterId?: string;
    /**
     * The name or absolute path to the cluster.
     */
    name: string;
}
/**
 * A collection of values returned by getComputeCluster.
 */
export interface GetComputeClusterResult {
    readonly datacenterId?: string;
    /**
     * The provider-assigned unique ID for this managed resource.
     */
    readonly id: string;
    readonly name: string;
    /**
     * The managed object reference ID of the root resource pool for the cluster.
     */
    readonly resourcePoolId: string;
}
/**
 * The `vsphere.ComputeCluster` data source can be used to discover the ID of a cluster in vSphere.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as vsphere from "@pulumi/vsphere";
 *
 * const datacenter = vsphere.getDatacenterOutput({ name: "dc-01" });
 * const computeCluster = vsphere.getComputeClusterOutput({
 *     name: "cluster-01",
 *     datacenterId: datacenter.id,
 * });
 * ```
 */
export declare function getComputeClusterOutput(args: GetComputeClusterOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetComputeClusterResult>;
/**
 * A collection of arguments for invoking getComputeCluster.
 */
export interface GetComputeClusterOutputArgs {
    /**
     * The managed object reference ID of the datacenter the cluster is located in. This can be
     * omitted if the search path used in `name` is an absolute path.
     */
    datacenterId?: pulumi.Input<string | undefined>;
    /**
     * The name or absolute path to the cluster.
     */
    name: pulumi.Input<string>;
}
