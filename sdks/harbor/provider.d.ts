import * as pulumi from "@pulumi/pulumi";
/**
 * The provider type for the harbor package. By default, resources use package-wide configuration
 * settings, however an explicit `Provider` instance may be created and passed during resource
 * construction to achieve fine-grained programmatic control over provider settings.
 */
export declare class Provider extends pulumi.ProviderResource {
    /**
     * Returns true if the given object is an instance of Provider.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Provider;
    readonly bearerToken: pulumi.Output<string | undefined>;
    readonly password: pulumi.Output<string | undefined>;
    readonly robotPrefix: pulumi.Output<string | undefined>;
    readonly sessionId: pulumi.Output<string | undefined>;
    readonly url: pulumi.Output<string | undefined>;
    readonly username: pulumi.Output<string | undefined>;
    /**
     * Create a Provider resource with the given unique name, arguments, and options.
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
    apiVersion?: pulumi.Input<number>;
    bearerToken?: pulumi.Input<string>;
    insecure?: pulumi.Input<boolean>;
    password?: pulumi.Input<string>;
    robotPrefix?: pulumi.Input<string>;
    sessionId?: pulumi.Input<string>;
    url?: pulumi.Input<string>;
    username?: pulumi.Input<string>;
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
