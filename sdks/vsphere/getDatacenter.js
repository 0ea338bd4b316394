"use strict";
// Mirrors sdk/nodejs/getDatacenter.ts of pulumi-vsphere as published (compiled to CommonJS).
Object.defineProperty(exports, "__esModule", { value: true });
exports.getDatacenterOutput = exports.getDatacenter = void 0;
const pulumi = require("@pulumi/pulumi");
const utilities = require("./utilities");

function getDatacenter(args, opts) {
  args = args || {};
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invoke(
    "vsphere:index/getDatacenter:getDatacenter",
    {
      name: args.name,
    },
    opts,
  );
}
exports.getDatacenter = getDatacenter;

function getDatacenterOutput(args, opts) {
  args = args || {};
  opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts || {});
  return pulumi.runtime.invokeOutput(
    "vsphere:index/getDatacenter:getDatacenter",
    {
      name: args.name,
    },
    opts,
  );
}
exports.getDatacenterOutput = getDatacenterOutput;
