"use strict";
// Mirrors sdk/nodejs/config/vars.ts of pulumi-harbor v3.10.21: the `harbor:*` stack configuration
// read by the default provider, with the same defaults and environment fallbacks.
Object.defineProperty(exports, "__esModule", { value: true });
const pulumi = require("@pulumi/pulumi");
const utilities = require("../utilities");

const __config = new pulumi.Config("harbor");

function define(name, read) {
  Object.defineProperty(exports, name, { get: read, enumerable: true });
}

define("apiVersion", () => __config.getObject("apiVersion") ?? 2);
define("bearerToken", () => __config.get("bearerToken"));
define(
  "insecure",
  () => __config.getObject("insecure") ?? (utilities.getEnvBoolean("HARBOR_IGNORE_CERT") || true),
);
define("password", () => __config.get("password") ?? utilities.getEnv("HARBOR_PASSWORD"));
define("robotPrefix", () => __config.get("robotPrefix"));
define("sessionId", () => __config.get("sessionId"));
define("url", () => __config.get("url") ?? utilities.getEnv("HARBOR_URL"));
define("username", () => __config.get("username") ?? utilities.getEnv("HARBOR_USERNAME"));
