import * as pulumi from "@pulumi/pulumi";
/**
 * The `vsphere.Folder` resource can be used to manage vSphere inventory folders. The resource
 * supports creating folders of the 5 major types - datacenter folders, host and cluster folders,
 * virtual machine folders, storage folders, and network folders.
 *
 * Paths are always relative to the specific type of folder you are creating. A subfolder is
 * discovered by parsing the relative path specified in `path`, so `foo/bar` will create a folder
 * named `bar` in the parent folder `foo`, as long as the folder `foo` exists.
 *
 * ## Example Usage
 *
 * ```typescript
 * import * as vsphere from "@pulumi/vsphere";
 *
 * const datacenter = vsphere.getDatacenter({});
 * const folder = new vsphere.Folder("folder", {
 *     path: "example-vm-folder",
 *     type: "vm",
 *     datacenterId: datacenter.then((dc) => dc.id),
 * });
 * ```
 */
export declare class Folder extends pulumi.CustomResource {
    /**
     * Get an existing Folder resource's state with the given name, ID, and optional extra
     * properties used to qualify the lookup.
     *
     * @param name The _unique_ name of the resulting resource.
     * @param id The _unique_ provider ID of the resource to lookup.
     * @param state Any extra arguments used during the lookup.
     * @param opts Optional settings to control the behavior of the CustomResource.
     */
    static get(name: string, id: pulumi.Input<pulumi.ID>, state?: FolderState, opts?: pulumi.CustomResourceOptions): Folder;
    /**
     * Returns true if the given object is an instance of Folder.  This is designed to work even
     * when multiple copies of the Pulumi SDK have been loaded into the same process.
     */
    static isInstance(obj: any): obj is Folder;
    /**
     * Map of custom attribute ids to attribute value strings to set for folder.
     *
     * > **NOTE:** Custom attributes are unsupported on direct ESXi connections and require vCenter.
     */
    readonly customAttributes: pulumi.Output<{ [key: string]: string } | undefined>;
    /**
     * The ID of the datacenter the folder will be created in. Required for all folder types
     * except for datacenter folders. Forces a new resource if changed.
     */
    readonly datacenterId: pulumi.Output<string | undefined>;
    /**
     * The path of the folder to be created. This is relative to the root of the type of folder you
     * are creating, and the supplied datacenter. For example, given a default datacenter of
     * `default-dc`, a folder of type `vm` (denoting a virtual machine folder), and a supplied
     * folder of `example-vm-folder`, the resulting path would be
     * `/default-dc/vm/example-vm-folder`.
     *
     * > **NOTE:** `path` can be modified - the resulting behavior is dependent on what section of
     * `path` you are modifying. If you are modifying the parent (so any part before the last `/`),
     * your folder will be moved to that new parent. If modifying the name (the part after the last
     * `/`), your folder will be renamed.
     */
    readonly path: pulumi.Output<string>;
    /**
     * The IDs of any tags to attach to this resource.
     */
    readonly tags: pulumi.Output<string[] | undefined>;
    /**
     * The type of folder to create. Allowed options are `datacenter` for datacenter folders,
     * `host` for host and cluster folders, `vm` for virtual machine folders, `datastore` for
     * datastore folders, and `network` for network folders. Forces a new resource if changed.
     */
    readonly type: pulumi.Output<string>;
    /**
     * Create a Folder resource with the given unique name, arguments, and options.
     *
     * @param name The _unique_ name of the resource.
     * @param args The arguments to use to populate this resource's properties.
     * @param opts A bag of options that control this resource's behavior.
     */
    constructor(name: string, args: FolderArgs, opts?: pulumi.CustomResourceOptions);
}
/**
 * Input properties used for looking up and filtering Folder resources.
 */
export interface FolderState {
    /**
     * Map of custom attribute ids to attribute value strings to set for folder.
     */
    customAttributes?: pulumi.Input<{ [key: string]: pulumi.Input<string> } | undefined>;
    /**
     * The ID of the datacenter the folder will be created in. Forces a new resource if changed.
     */
    datacenterId?: pulumi.Input<string | undefined>;
    /**
     * The path of the folder to be created, relative to the root of the type of folder and the
     * supplied datacenter.
     */
    path?: pulumi.Input<string | undefined>;
    /**
     * The IDs of any tags to attach to this resource.
     */
    tags?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * The type of folder: `datacenter`, `host`, `vm`, `datastore` or `network`. Forces a new
     * resource if changed.
     */
    type?: pulumi.Input<string | undefined>;
}
/**
 * The set of arguments for constructing a Folder resource.
 */
export interface FolderArgs {
    /**
     * Map of custom attribute ids to attribute value strings to set for folder.
     *
     * > **NOTE:** Custom attributes are unsupported on direct ESXi connections and require vCenter.
     */
    customAttributes?: pulumi.Input<{ [key: string]: pulumi.Input<string> } | undefined>;
    /**
     * The ID of the datacenter the folder will be created in. Required for all folder types
     * except for datacenter folders. Forces a new resource if changed.
     */
    datacenterId?: pulumi.Input<string | undefined>;
    /**
     * The path of the folder to be created. This is relative to the root of the type of folder you
     * are creating, and the supplied datacenter. For example, given a default datacenter of
     * `default-dc`, a folder of type `vm` (denoting a virtual machine folder), and a supplied
     * folder of `example-vm-folder`, the resulting path would be
     * `/default-dc/vm/example-vm-folder`.
     */
    path: pulumi.Input<string>;
    /**
     * The IDs of any tags to attach to this resource.
     */
    tags?: pulumi.Input<pulumi.Input<string>[] | undefined>;
    /**
     * The type of folder to create. Allowed options are `datacenter` for datacenter folders,
     * `host` for host and cluster folders, `vm` for virtual machine folders, `datastore` for
     * datastore folders, and `network` for network folders. Forces a new resource if changed.
     */
    type: pulumi.Input<string>;
}
