import * as pulumi from "@pulumi/pulumi";
/**
 * The `vsphereThumbprint` data source can be used to discover the host thumbprint of an ESXi host.
 * This can be used when adding the `vsphere.Host` resource to a cluster or a vCenter Server
 * instance.
 *
 * * If the ESXi host is using a certificate chain, the first one returned will be used to
 * generate the thumbprint.
 *
 * * If the ESXi host has a certificate issued by a certificate authority, ensure that the the
 * certificate authority is trusted on the system running the plan.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as vsphere from "@pulumi/vsphere";
 *
 * const thumbprint = vsphere.getHostThumbprint({ address: "esxi-01.example.com", insecure: true });
 * ```
 */
export declare function getHostThumbprint(args: GetHostThumbprintArgs, opts?: pulumi.InvokeOptions): Promise<GetHostThumbprintResult>;
/**
 * A collection of arguments for invoking getHostThumbprint.
 */
export interface GetHostThumbprintArgs {
    /**
     * The address of the ESXi host to retrieve the thumbprint from.
     */
    address: string;
    /**
     * Disables SSL certificate verification. Default: `false`
     */
    insecure?: boolean;
    /**
     * The port to use connecting to the ESXi host. Default: 443
     */
    port?: string;
}
/**
 * A collection of values returned by getHostThumbprint.
 */
export interface GetHostThumbprintResult {
    readonly address: string;
    /**
     * The provider-assigned unique ID for this managed resource.
     */
    readonly id: string;
    readonly insecure?: boolean;
    readonly port?: string;
}
/**
 * The `vsphereThumbprint` data source can be used to discover the host thumbprint of an ESXi host.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as vsphere from "@pulumi/vsphere";
 *
 * const thumbprint = vsphere.getHostThumbprintOutput({ address: "esxi-01.example.com" });
 * ```
 */
export declare function getHostThumbprintOutput(args: GetHostThumbprintOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetHostThumbprintResult>;
/**
 * A collection of arguments for invoking getHostThumbprint.
 */
export interface GetHostThumbprintOutputArgs {
    /**
     * The address of the ESXi host to retrieve the thumbprint from.
     */
    address: pulumi.Input<string>;
    /**
     * Disables SSL certificate verification. Default: `false`
     */
    insecure?: pulumi.Input<boolean | undefined>;
    /**
     * The port to use connecting to the ESXi host. Default: 443
     */
    port?: pulumi.Input<string | undefined>;
}
