"use strict";
// Mirrors sdk/nodejs/robotAccount.ts of pulumi-harbor v3.10.21 as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.RobotAccount = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

class RobotAccount extends pulumi.CustomResource {
  static get(name, id, state, opts) {
    return new RobotAccount(name, state, { ...opts, id: id });
  }

  /** @internal */
  static __pulumiType = "harbor:index/robotAccount:RobotAccount";

  static isInstance(obj) {
    if (obj === undefined || obj === null) {
      return false;
    }
    return obj["__pulumiType"] === RobotAccount.__pulumiType;
  }

  constructor(name, argsOrState, opts) {
    let resourceInputs = {};
    opts = opts || {};
    if (opts.id) {
      const state = argsOrState;
      resourceInputs["description"] = state?.description;
      resourceInputs["disable"] = state?.disable;
      resourceInputs["duration"] = state?.duration;
      resourceInputs["fullName"] = state?.fullName;
      resourceInputs["level"] = state?.level;
      resourceInputs["name"] = state?.name;
      resourceInputs["permissions"] = state?.permissions;
      resourceInputs["robotId"] = state?.robotId;
      resourceInputs["secret"] = state?.secret;
    } else {
      const args = argsOrState;
      if (args?.level === undefined && !opts.urn) {
        throw new Error("Missing required property 'level'");
      }
      if (args?.permissions === undefined && !opts.urn) {
        throw new Error("Missing required property 'permissions'");
      }
      resourceInputs["description"] = args?.description;
      resourceInputs["disable"] = args?.disable;
      resourceInputs["duration"] = args?.duration;
      resourceInputs["level"] = args?.level;
      resourceInputs["name"] = args?.name;
      resourceInputs["permissions"] = args?.permissions;
      resourceInputs["secret"] = args?.secret ? pulumi.secret(args.secret) : undefined;
      resourceInputs["fullName"] = undefined; /*out*/
      resourceInputs["robotId"] = undefined; /*out*/
    }
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
    const secretOpts = { additionalSecretOutputs: ["secret"] };
    opts = pulumi.mergeOptions(opts, secretOpts);
    super(RobotAccount.__pulumiType, name, resourceInputs, opts);
  }
}
exports.RobotAccount = RobotAccount;
