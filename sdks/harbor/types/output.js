"use strict";
// Type declarations only (see the .d.ts beside this file), as in the published SDK.
Object.defineProperty(exports, "__esModule", { value: true });
