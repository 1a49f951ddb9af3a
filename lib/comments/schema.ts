import { z } from "zod";
import "@/lib/zod-no-eval";

/** Longest comment, in characters of Markdown. */
export const MAX_COMMENT_LENGTH = 10_000;

/** Comments per page of a list. */
export const COMMENTS_PAGE_SIZE = 20;

const TOO_LONG = `A comment must be at most ${MAX_COMMENT_LENGTH.toLocaleString("en-US")} characters.`;

export const ZCommentBody = z
  .string({ error: "body is required: the comment's text (Markdown, $math$ allowed)." })
  .max(MAX_COMMENT_LENGTH, TOO_LONG)
  .refine((s) => s.trim().length > 0, "A comment cannot be empty.");

/** The text of a comment being written, to preview: as long as a comment may be; empty previews as nothing. */
export const ZCommentPreviewText = z.string({ error: "text is required: the Markdown to preview." }).max(MAX_COMMENT_LENGTH, TOO_LONG);

/** Where a comment goes: the whole snippet, or `line` (1-based) of the file `path`. */
export const ZCommentPlace = z
  .object({
    path: z.string().min(1, "path cannot be empty.").max(1000).optional(),
    line: z.number({ error: "line must be a line number (1 for the first line)." }).int().min(1, "line must be 1 or more.").optional(),
  })
  .refine((p) => (p.path === undefined) === (p.line === undefined), "A line comment needs both path and line; a comment on the snippet has neither.");

/** Which comments a list holds: all, those on lines of files, or those on the snippet as a whole. */
export const ZCommentsOn = z.enum(["all", "lines", "snippet"], { error: 'on must be "all", "lines" or "snippet".' });
export type TCommentsOn = z.infer<typeof ZCommentsOn>;
