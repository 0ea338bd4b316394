"use strict";
// Mirrors sdk/nodejs/immutableTagRule.ts of pulumi-harbor v3.10.21 as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.ImmutableTagRule = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

class ImmutableTagRule extends pulumi.CustomResource {
  static get(name, id, state, opts) {
    return new ImmutableTagRule(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "harbor:index/immutableTagRule:ImmutableTagRule";

  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === ImmutableTagRule.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["disabled"] = state?.disabled;
      resourceInputs["projectId"] = state?.projectId;
      resourceInputs["repoExcluding"] = state?.repoExcluding;
      resourceInputs["repoMatching"] = state?.repoMatching;
      resourceInputs["tagExcluding"] = state?.tagExcluding;
      resourceInputs["tagMatching"] = state?.tagMatching;
    } else {
      const args = argsOrState;
      if (args?.projectId === undefined && !opts.urn) {
        throw new Error("Missing required property 'projectId'");
      }
      resourceInputs["disabled"] = args?.disabled;
      resourceInputs["projectId"] = args?.projectId;
      resourceInputs["repoExcluding"] = args?.repoExcluding;
      resourceInputs["repoMatching"] = args?.repoMatching;
      resourceInputs["tagExcluding"] = args?.tagExcluding;
      resourceInputs["tagMatching"] = args?.tagMatching;
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    super(ImmutableTagRule.__pulumiType, name, resourceInputs, opts);
  }
}
exports.ImmutableTagRule = ImmutableTagRule;
