/** The data map exports: the Markdown record of processing and the Fides dataset, under docs/. */
import { fileURLToPath } from "node:url";
import type { DataMap } from "../enforcement/dataMap.js";
import { renderFidesExport } from "./fides.js";
import { buildDataMapModel } from "./model.js";
import type { Recipient } from "./recipients.js";
import { renderRecordOfProcessing } from "./record.js";
import type { Policy } from "../policy/policy.js";

export { personalCategories, personalColumns, type PersonalColumn } from "./columns.js";
export { buildDataMapModel, type DataMapModel, type CategoryEntry } from "./model.js";
export { loadRecipients, type Recipient } from "./recipients.js";
export { renderRecordOfProcessing, RECIPIENTS_FROM_DATABASE, RECIPIENTS_WITHOUT_DATABASE } from "./record.js";
export { buildFidesExport, renderFidesExport, FIDES_DATASET_KEY, FIDES_SYSTEM_KEY } from "./fides.js";

/** Where the committed outputs live. */
export const DATAMAP_OUTPUTS = {
  record: fileURLToPath(new URL("../../docs/record-of-processing.md", import.meta.url)),
  fides: fileURLToPath(new URL("../../docs/datamap.fides.json", import.meta.url)),
} as const;

export interface DataMapDocs {
  record: string;
  fides: string;
}

/** Both documents, from the data map and the partners (null: generated without a database). */
export function generateDataMapDocs(dataMap: DataMap, recipients: readonly Recipient[] | null, policy: Policy): DataMapDocs {
  const model = buildDataMapModel(dataMap, recipients, policy);
  return { record: renderRecordOfProcessing(model), fides: renderFidesExport(model) };
}
