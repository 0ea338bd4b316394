"use strict";
// Mirrors sdk/nodejs/getDatastore.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.getDatastoreOutput = exports.getDatastore = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

function getDatastore(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invoke(
    "vsphere:index/getDatastore:getDatastore",
    {
      datacenterId: args.datacenterId,
      name: args.name,
      stats: args.stats,
    },
    opts,
  );
}
exports.getDatastore = getDatastore;

function getDatastoreOutput(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invokeOutput(
    "vsphere:index/getDatastore:getDatastore",
    {
      datacenterId: args.datacenterId,
      name: args.name,
      stats: args.stats,
    },
    opts,
  );
}
exports.getDatastoreOutput = getDatastoreOutput;
