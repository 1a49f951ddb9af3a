import "server-only";
import { publicOrigin } from "@/lib/env";
import { getCredits } from "@/lib/snippets/get-credits";
import { getSnippet } from "@/lib/snippets/get-snippet";
import { readSnippetFiles } from "@/lib/snippets/read-snippet-files";
import { attachableImageType, buildNotebook } from "./build-notebook";
import { serializeNotebook } from "./nbformat";

/** Largest image attached to an exported notebook; bigger ones are linked instead. */
const MAX_ATTACHED_IMAGE_BYTES = 1_000_000;

/**
 * A snippet at a revision (`HEAD` or an oid) as a Jupyter notebook (see build-notebook.ts),
 * with the file name to offer: `<owner>-<slug>-<rev7>.ipynb`. 404 for a snippet or revision
 * that does not exist, like the raw and archive routes.
 */
export async function exportNotebook(options: { owner: string; slug: string; rev: string }): Promise<{ rev: string; fileName: string; text: string }> {
  const data = await getSnippet({ owner: options.owner, slug: options.slug, rev: options.rev });
  const { snippet, rev } = data;
  // The bytes of binary files only when there is an image to attach; at the oid just read, not HEAD again (it may have moved).
  const wantsBytes = data.files.some((f) => f.binary && attachableImageType(f.path));
  const [bytes, credits] = await Promise.all([
    wantsBytes ? readSnippetFiles({ owner: options.owner, slug: options.slug, rev }) : Promise.resolve({ files: [] }),
    getCredits({ owner: options.owner, slug: options.slug }),
  ]);
  const origin = publicOrigin();
  const base = `${origin}/${snippet.owner}/${snippet.slug}`;
  const byPath = new Map(bytes.files.map((f) => [f.path, f]));
  const people = [credits.primaryAuthor, ...credits.contributors].flatMap((c) => (c ? [c.username ?? c.name] : []));
  const notebook = buildNotebook({
    title: snippet.title,
    description: snippet.description,
    url: base,
    rev,
    license: { name: snippet.license.name, url: snippet.license.url },
    credits: people,
    kernel: snippet.kernel,
    mainFile: data.mainFile,
    files: data.files.map((f) => {
      const content = byPath.get(f.path)?.content;
      const image = f.text === null && content && content.byteLength <= MAX_ATTACHED_IMAGE_BYTES && attachableImageType(f.path);
      return { path: f.path, text: f.text, ...(image ? { imageBase64: Buffer.from(content).toString("base64") } : {}) };
    }),
    rawUrl: (path) => `${base}/raw/${rev}/${path.split("/").map(encodeURIComponent).join("/")}`,
  });
  return { rev, fileName: `${snippet.owner}-${snippet.slug}-${rev.slice(0, 7)}.ipynb`, text: serializeNotebook(notebook) };
}
