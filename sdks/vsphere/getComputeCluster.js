"use strict";
// Mirrors sdk/nodejs/getComputeCluster.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.getComputeClusterOutput = exports.getComputeCluster = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

function getComputeCluster(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invoke(
    "vsphere:index/getComputeCluster:getComputeCluster",
    {
      datacenterId: args.datacenterId,
      name: args.name,
    },
    opts,
  );
}
exports.getComputeCluster = getComputeCluster;

function getComputeClusterOutput(args, opts) {
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invokeOutput(
    "vsphere:index/getComputeCluster:getComputeCluster",
    {
      datacenterId: args.datacenterId,
      name: args.name,
    },
    opts,
  );
}
exports.getComputeClusterOutput = getComputeClusterOutput;
