/** Every table, grouped by domain. drizzle-kit reads this file (drizzle.config.ts). */
export * from "./customers.js";
export * from "./finance.js";
export * from "./activity.js";
export * from "./privacy.js";
export * from "./partners.js";
