"use strict";
// Mirrors sdk/nodejs/retentionPolicy.ts of pulumi-harbor v3.10.21 as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.RetentionPolicy = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

class RetentionPolicy extends pulumi.CustomResource {
  static get(name, id, state, opts) {
    return new RetentionPolicy(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "harbor:index/retentionPolicy:RetentionPolicy";

  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === RetentionPolicy.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["rules"] = state?.rules;
      resourceInputs["schedule"] = state?.schedule;
      resourceInputs["scope"] = state?.scope;
    } else {
      const args = argsOrState;
      if (args?.rules === undefined && !opts.urn) {
        throw new Error("Missing required property 'rules'");
      }
      if (args?.scope === undefined && !opts.urn) {
        throw new Error("Missing required property 'scope'");
      }
      resourceInputs["rules"] = args?.rules;
      resourceInputs["schedule"] = args?.schedule;
      resourceInputs["scope"] = args?.scope;
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(RetentionPolicy.__pulumiType, name, resourceInputs, opts);
  }
}
exports.RetentionPolicy = RetentionPolicy;
