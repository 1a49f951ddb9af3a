import { z } from "zod";
import { ZKernelName } from "@/lib/snippets/kernel";
import { MAX_CELL_CODE_BYTES, codeBytes } from "./permalink";

/** A short link's id: letters only (readable aloud, no look-alike punctuation), 6 to 32 of them. */
export const ZCellLinkId = z.string().regex(/^[A-Za-z]{6,32}$/);

/** Saved interact values by interact key ("0", "0.1"), each a map of control name to value. */
export const ZCellInteracts = z.record(
  z.string().regex(/^\d+(\.\d+)*$/, 'interacts: keys are interact keys such as "0" or "0.1".'),
  z.record(z.string(), z.unknown()),
);

/** Largest saved interact values, as JSON: far more than any set of controls holds. */
export const MAX_CELL_INTERACTS_BYTES = 16 * 1024;

/** What `POST /api/v1/cells` takes. Code over the limit is a 413 (checked separately, see create-cell-link.ts). */
export const ZCellLinkInput = z.strictObject({
  code: z.string({ error: "code must be a string (the cell's code)." }),
  kernel: ZKernelName,
  interacts: ZCellInteracts.nullable().optional(),
});
export type TCellLinkInput = z.infer<typeof ZCellLinkInput>;

/** Whether `code` fits in a cell link. */
export function codeFits(code: string): boolean {
  return codeBytes(code) <= MAX_CELL_CODE_BYTES;
}
