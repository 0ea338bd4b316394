import * as pulumi from "@pulumi/pulumi";
/**
 * The `vsphere.ResourcePool` resource can be used to create and manage resource pools on
 * DRS-enabled vSphere clusters or standalone ESXi hosts.
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
 * const resourcePool = new vsphere.ResourcePool("resource_pool", {
 *     name: "resource-pool-01",
 *     parentResourcePoolId: computeCluster.then((c) => c.resourcePoolId),
 * });
 * ```
 *
 * ## Import
 *
 * ```sh
 * $ pulumi import vsphere:index/resourcePool:ResourcePool resource_pool /dc-01/host/cluster-01/Resources/resource-pool-01
 * ```
 */
export declare class ResourcePool extends pulumi.CustomResource {
    /**
     * Get an existing ResourcePool resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     *
     * @param name The _unique_ name of the resulting resource.
     * @param id The _unique_ provider ID of the resource to lookup.
     * @param state Any extra arguments used during the lookup.
     * @param opts Optional settings to control the behavior of the CustomResource.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ResourcePoolState, opts?: pulumi.CustomResourceOptions): ResourcePool;
    /**
     * Returns true if the given object is an instance of ResourcePool.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is ResourcePool;
    /**
     * Determines if the reservation on a resource pool can grow beyond the specified value if the
     * parent resource pool has unreserved resources. Default: `true`
     */
    readonly cpuExpandable: pulumi.Output<boolean | undefined>;
    /**
     * The CPU utilization of a resource pool will not exceed this limit, even if there are
     * available resources. Set to `-1` for unlimited. Default: `-1`
     */
    readonly cpuLimit: pulumi.Output<number | undefined>;
    /**
     * Amount of CPU (MHz) that is guaranteed available to the resource pool. Default: `0`
     */
    readonly cpuReservation: pulumi.Output<number | undefined>;
    /**
     * The CPU allocation level. The level is a simplified view of shares. Levels map to a
     * pre-determined set of numeric values for shares. Can be one of `low`, `normal`, `high`, or
     * `custom`. When `low`, `normal`, or `high` are specified values in `cpuShares` will be
     * ignored.  Default: `normal`
     */
    readonly cpuShareLevel: pulumi.Output<string | undefined>;
    /**
     * The number of shares allocated for CPU. Used to determine resource allocation in case of
     * resource contention. If this is set, `cpuShareLevel` must be `custom`.
     */
    readonly cpuShares: pulumi.Output<number>;
    /**
     * A list of custom attributes to set on this resource.
     */
    readonly customAttributes: pulumi.Output<{ [key: string]: string } | undefined>;
    /**
     * Determines if the reservation on a resource pool can grow beyond the specified value if the
     * parent resource pool has unreserved resources. Default: `true`
     */
    readonly memoryExpandable: pulumi.Output<boolean | undefined>;
    /**
     * The memory utilization of a resource pool will not exceed this limit, even if there are
     * available resources. Set to `-1` for unlimited. Default: `-1`
     */
    readonly memoryLimit: pulumi.Output<number | undefined>;
    /**
     * Amount of memory (MB) that is guaranteed available to the resource pool. Default: `0`
     */
    readonly memoryReservation: pulumi.Output<number | undefined>;
    /**
     * The memory allocation level. The level is a simplified view of shares. Levels map to a
     * pre-determined set of numeric values for shares. Can be one of `low`, `normal`, `high`, or
     * `custom`. When `low`, `normal`, or `high` are specified values in `memoryShares` will be
     * ignored.  Default: `normal`
     */
    readonly memoryShareLevel: pulumi.Output<string | undefined>;
    /**
     * The number of shares allocated for memory. Used to determine resource allocation in case of
     * resource contention. If this is set, `memoryShareLevel` must be `custom`.
     */
    readonly memoryShares: pulumi.Output<number>;
    /**
     * The name of the resource pool.
     */
    readonly name: pulumi.Output<string>;
    /**
     * The managed object ID of the parent resource pool. This can be the root resource pool for a
     * cluster or standalone host, or a resource pool itself. When moving a resource pool from one
     * parent resource pool to another, both must share a common root resource pool.
     */
    readonly parentResourcePoolId: pulumi.Output<string>;
    /**
     * Determines if the shares of all descendants of the resource pool are scaled up or down when
     * the shares of the resource pool are scaled up or down. Can be one of `disabled` or
     * `scaleCpuAndMemoryShares`. Default: `disabled`.
     */
    readonly scaleDescendantsShares: pulumi.Output<string | undefined>;
    /**
     * The IDs of any tags to attach to this resource.
     */
    readonly tags: pulumi.Output<string[] | undefined>;
    /**
     * Create a ResourcePool resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: ResourcePoolArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering ResourcePool resources.
 */
export interface ResourcePoolState {
    /**
     * Determines if the reservation on a resource pool can grow beyond the specified value if the
     * parent resource pool has unreserved resources. Default: `true`
     */
    cpuExpandable?: pulumi.Input<boolean | undefined>;
    /**
     * The CPU utilization of a resource pool will not exceed this limit, even if there are
     * available resources. Set to `-1` for unlimited. Default: `-1`
     */
    cpuLimit?: pulumi.Input<number | undefined>;
    /**
     * Amount of CPU (MHz) that is guaranteed available to the resource pool. Default: `0`
     */
    cpuReservation?: pulumi.Input<number | undefined>;
    /**
     * The CPU allocation level: `low`, `normal`, `high`, or `custom`. Default: `normal`
     */
    cpuShareLevel?: pulumi.Input<string | undefined>;
    /**
     * The number of shares allocated for CPU. If this is set, `cpuShareLevel` must be `custom`.
     */
    cpuShares?: pulumi.Input<number | undefined>;
    /**
     * A list of custom attributes to set on this resource.
     */
    customAttributes?: pulumi.Input<{ [key: string]: pulumi.Input<string> } | undefined>;
    /**
     * Determines if the reservation on a resource pool can grow beyond the specified value if the
     * parent resource pool has unreserved resources. Default: `true`
     */
    memoryExpandable?: pulumi.Input<boolean | undefined>;
    /**
     * The memory utilization of a resource pool will not exceed this limit. Set to `-1` for
     * unlimited. Default: `-1`
     */
    memoryLimit?: pulumi.Input<number | undefined>;
    /**
     * Amount of memory (MB) that is guaranteed available to the resource pool. Default: `0`
     */
    memoryReservation?: pulumi.Input<number | undefined>;
    /**
     * The memory allocation level: `low`, `normal`, `high`, or `custom`. Default: `normal`
     */
    memoryShareLevel?: pulumi.Input<string | undefined>;
    /**
     * The number of shares allocated for memory. If this is set, `memoryShareLevel` must be
     * `custom`.
     */
    memoryShares?: pulumi.Input<number | undefined>;
    /**
     * The name of the resource pool.
     */
    name?: pulumi.Input<string | undefined>;
    /**
     * The managed object ID of the parent resource pool.
     */
    parentResourcePoolId?: pulumi.Input<string | undefined>;
    /**
     * Determines if the shares of all descendants of the resource pool are scaled up or down when
     * the shares of the resource pool are scaled up or down. Can be one of `disabled` or
     * `scaleCpuAndMemoryShares`. Default: `disabled`.
     */
    scaleDescendantsShares?: pulumi.Input<string | undefined>;
    /**
     * The IDs of any tags to attach to this resource.
     */
    tags?: pulumi.Input<pulumi.Input<string>[] | undefined>;
}
/**
 * The set of arguments for constructing a ResourcePool resource.
 */
export interface ResourcePoolArgs {
    /**
     * Determines if the reservation on a resource pool can grow beyond the specified value if the
     * parent resource pool has unreserved resources. Default: `true`
     */
    cpuExpandable?: pulumi.Input<boolean | undefined>;
    /**
     * The CPU utilization of a resource pool will not exceed this limit, even if there are
     * available resources. Set to `-1` for unlimited. Default: `-1`
     */
    cpuLimit?: pulumi.Input<number | undefined>;
    /**
     * Amount of CPU (MHz) that is guaranteed available to the resource pool. Default: `0`
     */
    cpuReservation?: pulumi.Input<number | undefined>;
    /**
     * The CPU allocation level. The level is a simplified view of shares. Levels map to a
     * pre-determined set of numeric values for shares. Can be one of `low`, `normal`, `high`, or
     * `custom`. When `low`, `normal`, or `high` are specified values in `cpuShares` will be
     * ignored.  Default: `normal`
     */
    cpuShareLevel?: pulumi.Input<string | undefined>;
    /**
     * The number of shares allocated for CPU. Used to determine resource allocation in case of
     * resource contention. If this is set, `cpuShareLevel` must be `custom`.
     */
    cpuShares?: pulumi.Input<number | undefined>;
    /**
     * A list of custom attributes to set on this resource.
     */
    customAttributes?: pulumi.Input<{ [key: string]: pulumi.Input<string> } | undefined>;
    /**
     * Determines if the reservation on a resource pool can grow beyond the specified value if the
     * parent resource pool has unreserved resources. Default: `true`
     */
    memoryExpandable?: pulumi.Input<boolean | undefined>;
    /**
     * The memory utilization of a resource pool will not exceed this limit, even if there are
     * available resources. Set to `-1` for unlimited. Default: `-1`
     */
    memoryLimit?: pulumi.Input<number | undefined>;
    /**
     * Amount of memory (MB) that is guaranteed available to the resource pool. Default: `0`
     */
    memoryReservation?: pulumi.Input<number | undefined>;
    /**
     * The memory allocation level. The level is a simplified view of shares. Levels map to a
     * pre-determined set of numeric values for shares. Can be one of `low`, `normal`, `high`, or
     * `custom`. When `low`, `normal`, or `high` are specified values in `memoryShares` will be
     * ignored.  Default: `normal`
     */
    memoryShareLevel?: pulumi.Input<string | undefined>;
    /**
     * The number of shares allocated for memory. Used to determine resource allocation in case of
     * resource contention. If this is set, `memoryShareLevel` must be `custom`.
     */
    memoryShares?: pulumi.Input<number | undefined>;
    /**
     * The name of the resource pool.
     */
    name?: pulumi.Input<string | undefined>;
    /**
     * The managed object ID of the parent resource pool. This can be the root resource pool for a
     * cluster or standalone host, or a resource pool itself. When moving a resource pool from one
     * parent resource pool to another, both must share a common root resource pool.
     */
    parentResourcePoolId: pulumi.Input<string>;
    /**
     * Determines if the shares of all descendants of the resource pool are scaled up or down when
     * the shares of the resource pool are scaled up or down. Can be one of `disabled` or
     * `scaleCpuAndMemoryShares`. Default: `disabled`.
     */
    scaleDescendantsShares?: pulumi.Input<string | undefined>;
    /**
     * The IDs of any tags to attach to this resource.
     */
    tags?: pulumi.Input<pulumi.Input<string>[] | undefined>;
}
