import { toPublicError } from "@/lib/errors";
import { exportNotebook } from "@/lib/notebooks/export-notebook";
import { NOTEBOOK_MEDIA_TYPE } from "@/lib/notebooks/nbformat";

type Params = { params: Promise<{ owner: string; slug: string; file: string }> };

/** `/:owner/:slug/notebook/:rev.ipynb` — the snippet at that revision (an oid, `HEAD`, `head` or `main`) as a Jupyter notebook. */
export async function GET(_request: Request, { params }: Params): Promise<Response> {
  const p = await params;
  const m = /^([0-9a-fA-F]{4,40}|HEAD|head|main)\.ipynb$/.exec(p.file);
  if (!m?.[1])
    return new Response("Not found: the notebook name is <revision>.ipynb (an oid, or main for the latest)\n", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8" },
    });
  const latest = /^(HEAD|head|main)$/.test(m[1]);
  try {
    const { rev, fileName, text } = await exportNotebook({ owner: p.owner, slug: p.slug, rev: latest ? "HEAD" : m[1].toLowerCase() });
    return new Response(text, {
      headers: {
        "Content-Type": NOTEBOOK_MEDIA_TYPE,
        // Owner and slug are [a-z0-9._-] and the rev hex, so the plain form is safe; filename* for strict clients.
        "Content-Disposition": `attachment; filename="${fileName}"; filename*=UTF-8''${encodeURIComponent(fileName)}`,
        "X-Content-Type-Options": "nosniff",
        // Not immutable even for an oid: the title, blurb, license and credits in it can change.
        "Cache-Control": "no-cache",
        "X-Cellar-Revision": rev,
      },
    });
  } catch (e) {
    const err = toPublicError(e);
    return new Response(err.message + "\n", { status: err.status, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  }
}
