"use strict";
// Mirrors sdk/nodejs/garbageCollection.ts of pulumi-harbor v3.10.21 as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.GarbageCollection = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

class GarbageCollection extends pulumi.CustomResource {
  static get(name, id, state, opts) {
    return new GarbageCollection(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "harbor:index/garbageCollection:GarbageCollection";

  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === GarbageCollection.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["deleteUntagged"] = state?.deleteUntagged;
      resourceInputs["schedule"] = state?.schedule;
      resourceInputs["workers"] = state?.workers;
    } else {
      const args = argsOrState;
      if (args?.schedule === undefined && !opts.urn) {
        throw new Error("Missing required property 'schedule'");
      }
      resourceInputs["deleteUntagged"] = args?.deleteUntagged;
      resourceInputs["schedule"] = args?.schedule;
      resourceInputs["workers"] = args?.workers;
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(GarbageCollection.__pulumiType, name, resourceInputs, opts);
  }
}
exports.GarbageCollection = GarbageCollection;
