import type { DataMap, PersonalField } from "./dataMap.js";

/**
 * The personal input fields set (not null) on an input object of type `typeName`, such as a
 * filter: a subject matched through any of them is looked up by a personal value, and each match
 * is a read of that field's category (RequestEnforcement.lookedUp).
 */
export function personalInputsOf(dataMap: DataMap, typeName: string, input: object | null | undefined): PersonalField[] {
  if (!input) return [];
  const fields: PersonalField[] = [];
  for (const [name, value] of Object.entries(input)) {
    const field = value === null || value === undefined ? undefined : dataMap.inputs.get(`${typeName}.${name}`);
    if (field) fields.push(field);
  }
  return fields;
}
