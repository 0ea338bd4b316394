/**
 * If set, VMware vSphere client will permit unverifiable SSL certificates.
 */
export declare const allowUnverifiedSsl: boolean | undefined;
/**
 * API timeout in minutes (Default: 5)
 */
export declare const apiTimeout: number | undefined;
/**
 * govmomi debug
 */
export declare const clientDebug: boolean | undefined;
/**
 * govmomi debug path for debug
 */
export declare const clientDebugPath: string | undefined;
/**
 * govmomi debug path for a single run
 */
export declare const clientDebugPathRun: string | undefined;
/**
 * The user password for vSphere API operations.
 */
export declare const password: string | undefined;
/**
 * Persist vSphere client sessions to disk
 */
export declare const persistSession: boolean | undefined;
/**
 * The directory to save vSphere REST API sessions to
 */
export declare const restSessionPath: string | undefined;
/**
 * The user name for vSphere API operations.
 */
export declare const user: string | undefined;
/**
 * @deprecated This field has been renamed to vsphere_server.
 */
export declare const vcenterServer: string | undefined;
/**
 * Keep alive interval for the VIM session in minutes
 */
export declare const vimKeepAlive: number | undefined;
/**
 * The directory to save vSphere SOAP API sessions to
 */
export declare const vimSessionPath: string | undefined;
/**
 * The vSphere Server name for vSphere API operations.
 */
export declare const vsphereServer: string | undefined;
