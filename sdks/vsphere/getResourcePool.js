"use strict";
// Mirrors sdk/nodejs/getResourcePool.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.getResourcePoolOutput = exports.getResourcePool = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

function getResourcePool(args, opts) {
  args = args || {};
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invoke(
    "vsphere:index/getResourcePool:getResourcePool",
    {
      datacenterId: args.datacenterId,
      name: args.name,
      parentResourcePoolId: args.parentResourcePoolId,
    },
    opts,
  );
}
exports.getResourcePool = getResourcePool;

function getResourcePoolOutput(args, opts) {
  args = args || {};
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invokeOutput(
    "vsphere:index/getResourcePool:getResourcePool",
    {
      datacenterId: args.datacenterId,
      name: args.name,
      parentResourcePoolId: args.parentResourcePoolId,
    },
    opts,
  );
}
exports.getResourcePoolOutput = getResourcePoolOutput;
