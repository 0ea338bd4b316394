"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// Export members:
const vars = require("./vars");
for (const name of Object.keys(vars)) {
  Object.defineProperty(exports, name, {
    enumerable: true,
    get: function () {
      return vars[name];
    },
  });
}
