"use strict";
// Mirrors sdk/nodejs/index.ts of pulumi-vsphere as published: lazily loaded members, and the
// resource module/package registrations the runtime uses to rehydrate resource references.
Object.defineProperty(exports, "__esModule", { value: true });
exports.types =
  exports.config =
  exports.ResourcePool =
  exports.Provider =
  exports.getResourcePoolOutput =
  exports.getResourcePool =
  exports.getNetworkOutput =
  exports.getNetwork =
  exports.getHostThumbprintOutput =
  exports.getHostThumbprint =
  exports.getDatastoreOutput =
  exports.getDatastore =
  exports.getDatacenterOutput =
  exports.getDatacenter =
  exports.getComputeClusterOutput =
  exports.getComputeCluster =
  exports.Folder =
    void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

exports.Folder = null;
utilities.lazyLoad(exports, ["Folder"], () => require("./folder"));
exports.getComputeCluster = null;
exports.getComputeClusterOutput = null;
utilities.lazyLoad(exports, ["getComputeCluster", "getComputeClusterOutput"], () =>
  require("./getComputeCluster"),
);
exports.getDatacenter = null;
exports.getDatacenterOutput = null;
utilities.lazyLoad(exports, ["getDatacenter", "getDatacenterOutput"], () =>
  require("./getDatacenter"),
);
exports.getDatastore = null;
exports.getDatastoreOutput = null;
utilities.lazyLoad(exports, ["getDatastore", "getDatastoreOutput"], () =>
  require("./getDatastore"),
);
exports.getHostThumbprint = null;
exports.getHostThumbprintOutput = null;
utilities.lazyLoad(exports, ["getHostThumbprint", "getHostThumbprintOutput"], () =>
  require("./getHostThumbprint"),
);
exports.getNetwork = null;
exports.getNetworkOutput = null;
utilities.lazyLoad(exports, ["getNetwork", "getNetworkOutput"], () => require("./getNetwork"));
exports.getResourcePool = null;
exports.getResourcePoolOutput = null;
utilities.lazyLoad(exports, ["getResourcePool", "getResourcePoolOutput"], () =>
  require("./getResourcePool"),
);
const provider_1 = require("./provider");
exports.Provider = provider_1.Provider;
exports.ResourcePool = null;
utilities.lazyLoad(exports, ["ResourcePool"], () => require("./resourcePool"));

// Export sub-modules:
const config = require("./config");
exports.config = config;
const types = require("./types");
exports.types = types;

const _module = {
  version: utilities.getVersion(),
  construct: (name, type, urn) => {
    switch (type) {
      case "vsphere:index/folder:Folder":
        return new exports.Folder(name, undefined, { urn });
      case "vsphere:index/resourcePool:ResourcePool":
        return new exports.ResourcePool(name, undefined, { urn });
      default:
        throw new Error(`unknown resource type ${type}`);
    }
  },
};
pulumi.runtime.registerResourceModule("vsphere", "index/folder", _module);
pulumi.runtime.registerResourceModule("vsphere", "index/resourcePool", _module);
pulumi.runtime.registerResourcePackage("vsphere", {
  version: utilities.getVersion(),
  constructProvider: (name, type, urn) => {
    if (type !== "pulumi:providers:vsphere") {
      throw new Error(`unknown provider type ${type}`);
    }
    return new provider_1.Provider(name, undefined, { urn });
  },
});
