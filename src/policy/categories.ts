/**
 * Data categories the gateway's code knows (each has a default mask): Fides taxonomy keys,
 * matched segment-wise by prefix (a rule on `user.contact` covers `user.contact.email`). Which
 * are in use, and how each is decided, is the policy file's.
 */
export const CATEGORIES = [
  "user.name",
  "user.contact.email",
  "user.contact.phone_number",
  "user.contact.address",
  "user.contact.address.billing",
  "user.contact.address.delivery",
  "user.account",
  "user.account.username",
  "user.authorization.credentials",
  "user.unique_id.account_number",
  "user.financial.credit_card",
  "user.content.private",
  "user.social",
  "user.location.precise",
  "user.location.imprecise",
  "user.device.ip_address",
  "user.device",
  "user.demographic.language",
  "user.behavior.browsing_history",
  "user.behavior.purchase_history",
  "user.privacy_preferences",
] as const;

export type Category = (typeof CATEGORIES)[number];

const CATEGORY_SET: ReadonlySet<string> = new Set(CATEGORIES);

export function isCategory(s: unknown): s is Category {
  return typeof s === "string" && CATEGORY_SET.has(s);
}

/** The key and each of its ancestors, most specific first: `a.b.c` -> `[a.b.c, a.b, a]`. */
export function categoryLineage(key: string): string[] {
  if (key === "") return [];
  const segments = key.split(".");
  const lineage: string[] = [];
  for (let n = segments.length; n > 0; n--) lineage.push(segments.slice(0, n).join("."));
  return lineage;
}

/** True when `prefix` equals `category` or is one of its ancestors (whole segments only). */
export function matchesPrefix(category: string, prefix: string): boolean {
  if (prefix === "" || category === "") return false;
  return category === prefix || category.startsWith(`${prefix}.`);
}
