import { snippetEmbedScript } from "@/lib/embed/snippet-embed-script";
import { toPublicError } from "@/lib/errors";

type TParams = { owner: string; slug: string };

/**
 * `/<owner>/<slug>.js` (proxy.ts rewrites it here): the snippet's embed script, `?rev=` to pin a
 * revision. A missing snippet is a 404 whose body says so (browsers do not run a 404 script; the
 * message is for whoever fetches it by hand).
 */
export async function GET(request: Request, ctx: { params: Promise<TParams> }): Promise<Response> {
  const { owner, slug } = await ctx.params;
  const rev = new URL(request.url).searchParams.get("rev") || undefined;
  try {
    const { script, pinned } = await snippetEmbedScript({ owner, slug, rev });
    return new Response(script, {
      headers: {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": pinned ? "public, max-age=86400" : "public, max-age=300",
        // Any page may load it with <script src>; nothing in it is secret.
        "Cross-Origin-Resource-Policy": "cross-origin",
      },
    });
  } catch (e) {
    const err = toPublicError(e);
    const body = `/* ${err.message.replace(/\*\//g, "* /")} */\nconsole.error(${JSON.stringify(`Cellar: ${err.message}`).replace(/</g, "\\u003c")});\n`;
    return new Response(body, { status: err.status, headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-store" } });
  }
}
