/**
 * The git store: one bare repository per snippet. Plain values in, plain values out; errors are
 * RepoError with a stable code. Knows nothing about users, the database or HTTP, and has no
 * `server-only` import because the CLI and benchmarks use it too.
 */
export { RepoError, isRepoError, type RepoErrorCode } from "./errors";
export { repoPathFor, MAIN_REF } from "./paths";
export { LIMITS, isBinary, validateFiles, validateListing, type SnippetFile } from "./validate";
export { createRepo, commitFiles, deleteRepo, type Author } from "./commit";
export { resolveRevision, readTree, readFile, readFiles, type TreeFile, type FileContent } from "./read";
export { listRevisions, type Revision } from "./history";
export { forkRepo } from "./fork";
export { compareHistories, type HistoryComparison } from "./compare";
export { diffRevisions, diffBudget, DIFF_BUDGET_MS, type DiffBudget, type DiffHunk, type FileDiff } from "./diff";
export { archiveRevision } from "./archive";
export { addedBytes, historyBytes } from "./usage";
export { repackAll } from "./repack";
export { packIfLoose, LOOSE_FOLDERS_BEFORE_PACKING } from "./maintenance";
