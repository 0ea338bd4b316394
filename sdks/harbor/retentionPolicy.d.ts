import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * The tag retention policy of a project: which artifacts to keep, and when it runs.
 */
export declare class RetentionPolicy extends pulumi.CustomResource {
    /**
     * Get an existing RetentionPolicy resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RetentionPolicyState, opts?: pulumi.CustomResourceOptions): RetentionPolicy;
    /**
     * Returns true if the given object is an instance of RetentionPolicy.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is RetentionPolicy;
    readonly rules: pulumi.Output<outputs.RetentionPolicyRule[]>;
    /**
     * The schedule of when you would like the policy to run. This can be `Hourly`, `Daily`, `Weekly` or can be a custom cron string.
     */
    readonly schedule: pulumi.Output<string | undefined>;
    /**
     * The project id of which you would like to apply this policy.
     */
    readonly scope: pulumi.Output<string>;
    /**
     * Create a RetentionPolicy resource with the given unique name, arguments, and options.
     */
    constructor(name: string, args: RetentionPolicyArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering RetentionPolicy resources.
 */
export interface RetentionPolicyState {
    rules?: pulumi.Input<pulumi.Input<inputs.RetentionPolicyRule>[]>;
    /**
     * The schedule of when you would like the policy to run. This can be `Hourly`, `Daily`, `Weekly` or can be a custom cron string.
     */
    schedule?: pulumi.Input<string>;
    /**
     * The project id of which you would like to apply this policy.
     */
    scope?: pulumi.Input<string>;
}
/**
 * The set of arguments for constructing a RetentionPolicy resource.
 */
export interface RetentionPolicyArgs {
    rules: pulumi.Input<pulumi.Input<inputs.RetentionPolicyRule>[]>;
    /**
     * The schedule of when you would like the policy to run. This can be `Hourly`, `Daily`, `Weekly` or can be a custom cron string.
     */
    schedule?: pulumi.Input<string>;
    /**
     * The project id of which you would like to apply this policy.
     */
    scope: pulumi.Input<string>;
}
