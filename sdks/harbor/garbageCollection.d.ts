import * as pulumi from "@pulumi/pulumi";
/**
 * The Harbor instance's garbage collection schedule.
 */
export declare class GarbageCollection extends pulumi.CustomResource {
    /**
     * Get an existing GarbageCollection resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: GarbageCollectionState, opts?: pulumi.CustomResourceOptions): GarbageCollection;
    /**
     * Returns true if the given object is an instance of GarbageCollection.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is GarbageCollection;
    /**
     * Allow garbage collection on untagged artifacts.
     */
    readonly deleteUntagged: pulumi.Output<boolean | undefined>;
    /**
     * Sets the schedule how often the Garbage Collection will run.  Can be to `"hourly"`, `"daily"`, `"weekly"` or can be a custom cron string ie, `"0 5 4 * * *"`
     */
    readonly schedule: pulumi.Output<string>;
    /**
     * Number of workers to run the garbage collection, value must be between 1 and 5.
     */
    readonly workers: pulumi.Output<number | undefined>;
    /**
     * Create a GarbageCollection resource with the given unique name, arguments, and options.
     */
    constructor(name: string, args: GarbageCollectionArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering GarbageCollection resources.
 */
export interface GarbageCollectionState {
    /**
     * Allow garbage collection on untagged artifacts.
     */
    deleteUntagged?: pulumi.Input<boolean>;
    /**
     * Sets the schedule how often the Garbage Collection will run.  Can be to `"hourly"`, `"daily"`, `"weekly"` or can be a custom cron string ie, `"0 5 4 * * *"`
     */
    schedule?: pulumi.Input<string>;
    /**
     * Number of workers to run the garbage collection, value must be between 1 and 5.
     */
    workers?: pulumi.Input<number>;
}
/**
 * The set of arguments for constructing a GarbageCollection resource.
 */
export interface GarbageCollectionArgs {
    /**
     * Allow garbage collection on untagged artifacts.
     */
    deleteUntagged?: pulumi.Input<boolean>;
    /**
     * Sets the schedule how often the Garbage Collection will run.  Can be to `"hourly"`, `"daily"`, `"weekly"` or can be a custom cron string ie, `"0 5 4 * * *"`
     */
    schedule: pulumi.Input<string>;
    /**
     * Number of workers to run the garbage collection, value must be between 1 and 5.
     */
    workers?: pulumi.Input<number>;
}
