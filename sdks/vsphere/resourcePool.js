"use strict";
// Mirrors sdk/nodejs/resourcePool.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.ResourcePool = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

/**
 * The `vsphere.ResourcePool` resource can be used to create and manage resource pools on
 * DRS-enabled vSphere clusters or standalone ESXi hosts.
 */
class ResourcePool extends pulumi.CustomResource {
  /**
   * Get an existing ResourcePool resource's state with the given name, ID, and optional extra
   * properties used to qualify the lookup.
   *
   * @param name The _unique_ name of the resulting resource.
   * @param id The _unique_ provider ID of the resource to lookup.
   * @param state Any extra arguments used during the lookup.
   * @param opts Optional settings to control the behavior of the CustomResource.
   */
  static get(name, id, state, opts) {
    return new ResourcePool(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "vsphere:index/resourcePool:ResourcePool";

  /**
   * Returns true if the given object is an instance of ResourcePool. This is designed to work even
   * when multiple copies of the Pulumi SDK have been loaded into the same process.
   */
  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === ResourcePool.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["cpuExpandable"] = state?.cpuExpandable;
      resourceInputs["cpuLimit"] = state?.cpuLimit;
      resourceInputs["cpuReservation"] = state?.cpuReservation;
      resourceInputs["cpuShareLevel"] = state?.cpuShareLevel;
      resourceInputs["cpuShares"] = state?.cpuShares;
      resourceInputs["customAttributes"] = state?.customAttributes;
      resourceInputs["memoryExpandable"] = state?.memoryExpandable;
      resourceInputs["memoryLimit"] = state?.memoryLimit;
      resourceInputs["memoryReservation"] = state?.memoryReservation;
      resourceInputs["memoryShareLevel"] = state?.memoryShareLevel;
      resourceInputs["memoryShares"] = state?.memoryShares;
      resourceInputs["name"] = state?.name;
      resourceInputs["parentResourcePoolId"] = state?.parentResourcePoolId;
      resourceInputs["scaleDescendantsShares"] = state?.scaleDescendantsShares;
      resourceInputs["tags"] = state?.tags;
    } else {
      const args = argsOrState;
      if (args?.parentResourcePoolId === undefined && !opts.urn) {
        throw new Error("Missing required property 'parentResourcePoolId'");
      }
      resourceInputs["cpuExpandable"] = args?.cpuExpandable;
      resourceInputs["cpuLimit"] = args?.cpuLimit;
      resourceInputs["cpuReservation"] = args?.cpuReservation;
      resourceInputs["cpuShareLevel"] = args?.cpuShareLevel;
      resourceInputs["cpuShares"] = args?.cpuShares;
      resourceInputs["customAttributes"] = args?.customAttributes;
      resourceInputs["memoryExpandable"] = args?.memoryExpandable;
      resourceInputs["memoryLimit"] = args?.memoryLimit;
      resourceInputs["memoryReservation"] = args?.memoryReservation;
      resourceInputs["memoryShareLevel"] = args?.memoryShareLevel;
      resourceInputs["memoryShares"] = args?.memoryShares;
      resourceInputs["name"] = args?.name;
      resourceInputs["parentResourcePoolId"] = args?.parentResourcePoolId;
      resourceInputs["scaleDescendantsShares"] = args?.scaleDescendantsShares;
      resourceInputs["tags"] = args?.tags;
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(ResourcePool.__pulumiType, name, resourceInputs, opts);
  }
}
exports.ResourcePool = ResourcePool;
