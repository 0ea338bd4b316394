"use strict";
// Mirrors sdk/nodejs/folder.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.Folder = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

/**
 * The `vsphere.Folder` resource can be used to manage vSphere inventory folders: datacenter
 * folders, host and cluster folders, virtual machine folders, storage folders and network folders.
 */
class Folder extends pulumi.CustomResource {
  /**
   * Get an existing Folder resource's state with the given name, ID, and optional extra
   * properties used to qualify the lookup.
   *
   * @param name The _unique_ name of the resulting resource.
   * @param id The _unique_ provider ID of the resource to lookup.
   * @param state Any extra arguments used during the lookup.
   * @param opts Optional settings to control the behavior of the CustomResource.
   */
  static get(name, id, state, opts) {
    return new Folder(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "vsphere:index/folder:Folder";

  /**
   * Returns true if the given object is an instance of Folder. This is designed to work even
   * when multiple copies of the Pulumi SDK have been loaded into the same process.
   */
  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === Folder.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["customAttributes"] = state?.customAttributes;
      resourceInputs["datacenterId"] = state?.datacenterId;
      resourceInputs["path"] = state?.path;
      resourceInputs["tags"] = state?.tags;
      resourceInputs["type"] = state?.type;
    } else {
      const args = argsOrState;
      if (args?.path === undefined && !opts.urn) {
        throw new Error("Missing required property 'path'");
      }
      if (args?.type === undefined && !opts.urn) {
        throw new Error("Missing required property 'type'");
      }
      resourceInputs["customAttributes"] = args?.customAttributes;
      resourceInputs["datacenterId"] = args?.datacenterId;
      resourceInputs["path"] = args?.path;
      resourceInputs["tags"] = args?.tags;
      resourceInputs["type"] = args?.type;
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(Folder.__pulumiType, name, resourceInputs, opts);
  }
}
exports.Folder = Folder;
