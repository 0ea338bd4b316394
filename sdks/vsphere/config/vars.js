"use strict";
// Mirrors sdk/nodejs/config/vars.ts of pulumi-vsphere: the `vsphere:*` stack configuration read
// by the default provider, with the same environment fallbacks.
Object.defineProperty(exports, "__esModule", { value: true });
const pulumi = require("@pulumi/pulumi");
const utilities = require("../utilities");

const __config = new pulumi.Config("vsphere");

function define(name, read) {
  Object.defineProperty(exports, name, { get: read, enumerable: true });
}

define(
  "allowUnverifiedSsl",
  () =>
    __config.getObject("allowUnverifiedSsl") ??
    utilities.getEnvBoolean("VSPHERE_ALLOW_UNVERIFIED_SSL"),
);
define("apiTimeout", () => __config.getObject("apiTimeout"));
define(
  "clientDebug",
  () => __config.getObject("clientDebug") ?? utilities.getEnvBoolean("VSPHERE_CLIENT_DEBUG"),
);
define(
  "clientDebugPath",
  () => __config.get("clientDebugPath") ?? utilities.getEnv("VSPHERE_CLIENT_DEBUG_PATH"),
);
define(
  "clientDebugPathRun",
  () => __config.get("clientDebugPathRun") ?? utilities.getEnv("VSPHERE_CLIENT_DEBUG_PATH_RUN"),
);
define("password", () => __config.get("password"));
define(
  "persistSession",
  () => __config.getObject("persistSession") ?? utilities.getEnvBoolean("VSPHERE_PERSIST_SESSION"),
);
define(
  "restSessionPath",
  () => __config.get("restSessionPath") ?? utilities.getEnv("VSPHERE_REST_SESSION_PATH"),
);
define("user", () => __config.get("user"));
define("vcenterServer", () => __config.get("vcenterServer"));
define(
  "vimKeepAlive",
  () => __config.getObject("vimKeepAlive") ?? utilities.getEnvNumber("VSPHERE_VIM_KEEP_ALIVE"),
);
define(
  "vimSessionPath",
  () => __config.get("vimSessionPath") ?? utilities.getEnv("VSPHERE_VIM_SESSION_PATH"),
);
define("vsphereServer", () => __config.get("vsphereServer"));
