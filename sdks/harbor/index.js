"use strict";
// Mirrors sdk/nodejs/index.ts of pulumi-harbor v3.10.21 as published: lazily loaded members, and
// the resource module/package registrations the runtime uses to rehydrate resource references.
Object.defineProperty(exports, "__esModule", { value: true });
exports.types =
  exports.config =
  exports.RobotAccount =
  exports.RetentionPolicy =
  exports.Provider =
  exports.Project =
  exports.ImmutableTagRule =
  exports.GarbageCollection =
    void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

exports.GarbageCollection = null;
utilities.lazyLoad(exports, ["GarbageCollection"], () => require("./garbageCollection"));
exports.ImmutableTagRule = null;
utilities.lazyLoad(exports, ["ImmutableTagRule"], () => require("./immutableTagRule"));
exports.Project = null;
utilities.lazyLoad(exports, ["Project"], () => require("./project"));
const provider_1 = require("./provider");
exports.Provider = provider_1.Provider;
exports.RetentionPolicy = null;
utilities.lazyLoad(exports, ["RetentionPolicy"], () => require("./retentionPolicy"));
exports.RobotAccount = null;
utilities.lazyLoad(exports, ["RobotAccount"], () => require("./robotAccount"));

// Export sub-modules:
const config = require("./config");
exports.config = config;
const types = require("./types");
exports.types = types;

const _module = {
  version: utilities.getVersion(),
  construct: (name, type, urn) => {
    switch (type) {
      case "harbor:index/garbageCollection:GarbageCollection":
        return new exports.GarbageCollection(name, undefined, { urn });
      case "harbor:index/immutableTagRule:ImmutableTagRule":
        return new exports.ImmutableTagRule(name, undefined, { urn });
      case "harbor:index/project:Project":
        return new exports.Project(name, undefined, { urn });
      case "harbor:index/retentionPolicy:RetentionPolicy":
        return new exports.RetentionPolicy(name, undefined, { urn });
      case "harbor:index/robotAccount:RobotAccount":
        return new exports.RobotAccount(name, undefined, { urn });
      default:
        throw new Error(`unknown resource type ${type}`);
    }
  },
};
pulumi.runtime.registerResourceModule("harbor", "index/garbageCollection", _module);
pulumi.runtime.registerResourceModule("harbor", "index/immutableTagRule", _module);
pulumi.runtime.registerResourceModule("harbor", "index/project", _module);
pulumi.runtime.registerResourceModule("harbor", "index/retentionPolicy", _module);
pulumi.runtime.registerResourceModule("harbor", "index/robotAccount", _module);
pulumi.runtime.registerResourcePackage("harbor", {
  version: utilities.getVersion(),
  constructProvider: (name, type, urn) => {
    if (type !== "pulumi:providers:harbor") {
      throw new Error(`unknown provider type ${type}`);
    }
    return new provider_1.Provider(name, undefined, { urn });
  },
});
