import * as pulumi from "@pulumi/pulumi";
/**
 * The provider type for the vsphere package. By default, resources use package-wide configuration
 * settings, however an explicit `Provider` instance may be created and passed during resource
 * construction to achieve fine-grained programmatic control over provider settings. See the
 * [documentation](https://www.pulumi.com/docs/reference/programming-model/#providers) for more information.
 */
export declare class Provider extends pulumi.ProviderResource {
    /**
     * Returns true if the given object is an instance of Provider.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Provider;
    /**
     * govmomi debug path for debug
     */
    readonly clientDebugPath: pulumi.Output<string | undefined>;
    /**
     * govmomi debug path for a single run
     */
    readonly clientDebugPathRun: pulumi.Output<string | undefined>;
    /**
     * The user password for vSphere API operations.
     */
    readonly password: pulumi.Output<string | undefined>;
    /**
     * The directory to save vSphere REST API sessions to
     */
    readonly restSessionPath: pulumi.Output<string | undefined>;
    /**
     * The user name for vSphere API operations.
     */
    readonly user: pulumi.Output<string | undefined>;
    /**
     * @deprecated This field has been renamed to vsphere_server.
     */
    readonly vcenterServer: pulumi.Output<string | undefined>;
    /**
     * The directory to save vSphere SOAP API sessions to
     */
    readonly vimSessionPath: pulumi.Output<string | undefined>;
    /**
     * The vSphere Server name for vSphere API operations.
     */
    readonly vsphereServer: pulumi.Output<string | undefined>;
    /**
     * Create a Provider resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args?: ProviderArgs, opts?: pulumi.ResourceOptions);
    /**
     * This function returns a Terraform config object with terraform-namecased keys,to be used with the Terraform Module Provider.
     */
    terraformConfig(): pulumi.Output<Provider.TerraformConfigResult>;
}
/**
 * The set of arguments for constructing a Provider resource.
 */
export interface ProviderArgs {
    /**
     * If set, VMware vSphere client will permit unverifiable SSL certificates.
     */
    allowUnverifiedSsl?: pulumi.Input<boolean | undefined>;
    /**
     * API timeout in minutes (Default: 5)
     */
    apiTimeout?: pulumi.Input<number | undefined>;
    /**
     * govmomi debug
     */
    clientDebug?: pulumi.Input<boolean | undefined>;
    /**
     * govmomi debug path for debug
     */
    clientDebugPath?: pulumi.Input<string | undefined>;
    /**
     * govmomi debug path for a single run
     */
    clientDebugPathRun?: pulumi.Input<string | undefined>;
    /**
     * The user password for vSphere API operations.
     */
    password?: pulumi.Input<string | undefined>;
    /**
     * Persist vSphere client sessions to disk
     */
    persistSession?: pulumi.Input<boolean | undefined>;
    /**
     * The directory to save vSphere REST API sessions to
     */
    restSessionPath?: pulumi.Input<string | undefined>;
    /**
     * The user name for vSphere API operations.
     */
    user?: pulumi.Input<string | undefined>;
    /**
     * @deprecated This field has been renamed to vsphere_server.
     */
    vcenterServer?: pulumi.Input<string | undefined>;
    /**
     * Keep alive interval for the VIM session in minutes
     */
    vimKeepAlive?: pulumi.Input<number | undefined>;
    /**
     * The directory to save vSphere SOAP API sessions to
     */
    vimSessionPath?: pulumi.Input<string | undefined>;
    /**
     * The vSphere Server name for vSphere API operations.
     */
    vsphereServer?: pulumi.Input<string | undefined>;
}
export declare namespace Provider {
    /**
     * The results of the Provider.terraformConfig method.
     */
    interface TerraformConfigResult {
        readonly result: {
            [key: string]: any;
        };
    }
}
