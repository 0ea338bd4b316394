import * as pulumi from "@pulumi/pulumi";
/**
 * A tag immutability rule of a project: matching tags can be neither overwritten nor deleted.
 */
export declare class ImmutableTagRule extends pulumi.CustomResource {
    /**
     * Get an existing ImmutableTagRule resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: ImmutableTagRuleState, opts?: pulumi.CustomResourceOptions): ImmutableTagRule;
    /**
     * Returns true if the given object is an instance of ImmutableTagRule.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is ImmutableTagRule;
    /**
     * Specify if the rule is disable or not. Defaults to `false`
     */
    readonly disabled: pulumi.Output<boolean | undefined>;
    /**
     * The project id of which you would like to apply this policy.
     */
    readonly projectId: pulumi.Output<string>;
    /**
     * For the repositories excluding.
     */
    readonly repoExcluding: pulumi.Output<string | undefined>;
    /**
     * For the repositories matching.
     */
    readonly repoMatching: pulumi.Output<string | undefined>;
    /**
     * For the tag excluding.
     */
    readonly tagExcluding: pulumi.Output<string | undefined>;
    /**
     * For the tag matching.
     */
    readonly tagMatching: pulumi.Output<string | undefined>;
    /**
     * Create a ImmutableTagRule resource with the given unique name, arguments, and options.
     */
    constructor(name: string, args: ImmutableTagRuleArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering ImmutableTagRule resources.
 */
export interface ImmutableTagRuleState {
    /**
     * Specify if the rule is disable or not. Defaults to `false`
     */
    disabled?: pulumi.Input<boolean>;
    /**
     * The project id of which you would like to apply this policy.
     */
    projectId?: pulumi.Input<string>;
    /**
     * For the repositories excluding.
     */
    repoExcluding?: pulumi.Input<string>;
    /**
     * For the repositories matching.
     */
    repoMatching?: pulumi.Input<string>;
    /**
     * For the tag excluding.
     */
    tagExcluding?: pulumi.Input<string>;
    /**
     * For the tag matching.
     */
    tagMatching?: pulumi.Input<string>;
}
/**
 * The set of arguments for constructing a ImmutableTagRule resource.
 */
export interface ImmutableTagRuleArgs {
    /**
     * Specify if the rule is disable or not. Defaults to `false`
     */
    disabled?: pulumi.Input<boolean>;
    /**
     * The project id of which you would like to apply this policy.
     */
    projectId: pulumi.Input<string>;
    /**
     * For the repositories excluding.
     */
    repoExcluding?: pulumi.Input<string>;
    /**
     * For the repositories matching.
     */
    repoMatching?: pulumi.Input<string>;
    /**
     * For the tag excluding.
     */
    tagExcluding?: pulumi.Input<string>;
    /**
     * For the tag matching.
     */
    tagMatching?: pulumi.Input<string>;
}
