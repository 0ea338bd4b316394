import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./types/input";
import * as outputs from "./types/output";
/**
 * A Harbor robot account, at system or project level, with the permissions it is granted.
 */
export declare class RobotAccount extends pulumi.CustomResource {
    /**
     * Get an existing RobotAccount resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: RobotAccountState, opts?: pulumi.CustomResourceOptions): RobotAccount;
    /**
     * Returns true if the given object is an instance of RobotAccount.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is RobotAccount;
    /**
     * The description of the robot account will be displayed in harbor.
     */
    readonly description: pulumi.Output<string | undefined>;
    /**
     * Disables the robot account when set to `true`.
     */
    readonly disable: pulumi.Output<boolean | undefined>;
    /**
     * By default, the robot account will not expire. Set it to the amount of days until the account should expire.
     */
    readonly duration: pulumi.Output<number | undefined>;
    readonly fullName: pulumi.Output<string>;
    /**
     * Level of the robot account, currently either `system` or `project`.
     */
    readonly level: pulumi.Output<string>;
    /**
     * The name of the project that will be created in harbor.
     */
    readonly name: pulumi.Output<string>;
    readonly permissions: pulumi.Output<outputs.RobotAccountPermission[]>;
    readonly robotId: pulumi.Output<string>;
    /**
     * The secret of the robot account used for authentication. Defaults to random generated string from Harbor.
     */
    readonly secret: pulumi.Output<string>;
    /**
     * Create a RobotAccount resource with the given unique name, arguments, and options.
     */
    constructor(name: string, args: RobotAccountArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering RobotAccount resources.
 */
export interface RobotAccountState {
    /**
     * The description of the robot account will be displayed in harbor.
     */
    description?: pulumi.Input<string>;
    /**
     * Disables the robot account when set to `true`.
     */
    disable?: pulumi.Input<boolean>;
    /**
     * By default, the robot account will not expire. Set it to the amount of days until the account should expire.
     */
    duration?: pulumi.Input<number>;
    fullName?: pulumi.Input<string>;
    /**
     * Level of the robot account, currently either `system` or `project`.
     */
    level?: pulumi.Input<string>;
    /**
     * The name of the project that will be created in harbor.
     */
    name?: pulumi.Input<string>;
    permissions?: pulumi.Input<pulumi.Input<inputs.RobotAccountPermission>[]>;
    robotId?: pulumi.Input<string>;
    /**
     * The secret of the robot account used for authentication. Defaults to random generated string from Harbor.
     */
    secret?: pulumi.Input<string>;
}
/**
 * The set of arguments for constructing a RobotAccount resource.
 */
export interface RobotAccountArgs {
    /**
     * The description of the robot account will be displayed in harbor.
     */
    description?: pulumi.Input<string>;
    /**
     * Disables the robot account when set to `true`.
     */
    disable?: pulumi.Input<boolean>;
    /**
     * By default, the robot account will not expire. Set it to the amount of days until the account should expire.
     */
    duration?: pulumi.Input<number>;
    /**
     * Level of the robot account, currently either `system` or `project`.
     */
    level: pulumi.Input<string>;
    /**
     * The name of the project that will be created in harbor.
     */
    name?: pulumi.Input<string>;
    permissions: pulumi.Input<pulumi.Input<inputs.RobotAccountPermission>[]>;
    /**
     * The secret of the robot account used for authentication. Defaults to random generated string from Harbor.
     */
    secret?: pulumi.Input<string>;
}
