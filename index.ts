// buildenv: a team's build environment as a Pulumi stack. Config is read and validated first,
// so bad config fails before any resource is registered.
import { loadConfig } from "./config/load";
import { buildEnvironment } from "./program";

const env = buildEnvironment(loadConfig());

export const dockerHost = env.dockerHost;
export const volumes = env.volumes;
export const buildImage = env.buildImage;
export const buildImageManifest = env.buildImageManifest;
export const buildImageTag = env.buildImageTag;
export const computeClass = env.computeClass;
export const expiresAt = env.expiresAt;
export const buildCommand = env.buildCommand;
export const tls = env.tls;
export const tlsClientKey = env.tlsClientKey;
export const ciSecrets = env.ciSecrets;
