export declare const apiVersion: number;
export declare const bearerToken: string | undefined;
export declare const insecure: boolean;
export declare const password: string | undefined;
export declare const robotPrefix: string | undefined;
export declare const sessionId: string | undefined;
export declare const url: string | undefined;
export declare const username: string | undefined;
