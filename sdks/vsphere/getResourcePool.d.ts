import * as pulumi from "@pulumi/pulumi";
/**
 * The `vsphere.ResourcePool` data source can be used to discover the ID of a resource pool in
 * vSphere.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as vsphere from "@pulumi/vsphere";
 *
 * const datacenter = vsphere.getDatacenter({ name: "dc-01" });
 * const pool = datacenter.then((datacenter) =>
 *     vsphere.getResourcePool({ name: "cluster-01/Resources", datacenterId: datacenter.id }),
 * );
 * ```
 */
export declare function getResourcePool(args?: GetResourcePoolArgs, opts?: pulumi.InvokeOptions): Promise<GetResourcePoolResult>;
/**
 * A collection of arguments for invoking getResourcePool.
 */
export interface GetResourcePoolArgs {
    /**
     * The managed object reference ID of the datacenter in which the resource pool is located.
     * This can be omitted if the search path used in `name` is an absolute path.
     */
    datacenterId?: string;
    /**
     * The name of the resource pool. This can be a name or path. This is required when using
     * vCenter.
     */
    name?: string;
    /**
     * The managed object ID of the parent resource pool. When specified, the `name` parameter is
     * used to find a child resource pool with the given name under this parent resource pool.
     */
    parentResourcePoolId?: string;
}
/**
 * A collection of values returned by getResourcePool.
 */
export interface GetResourcePoolResult {
    readonly datacenterId?: string;
    /**
     * The provider-assigned unique ID for this managed resource.
     */
    readonly id: string;
    readonly name?: string;
    readonly parentResourcePoolId?: string;
}
/**
 * The `vsphere.ResourcePool` data source can be used to discover the ID of a resource pool in
 * vSphere.
 */
export declare function getResourcePoolOutput(args?: GetResourcePoolOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetResourcePoolResult>;
/**
 * A collection of arguments for invoking getResourcePool.
 */
export interface GetResourcePoolOutputArgs {
    /**
     * The managed object reference ID of the datacenter in which the resource pool is located.
     */
    datacenterId?: pulumi.Input<string | undefined>;
    /**
     * The name of the resource pool. This can be a name or path.
     */
    name?: pulumi.Input<string | undefined>;
    /**
     * The managed object ID of the parent resource pool.
     */
    parentResourcePoolId?: pulumi.Input<string | undefined>;
}
