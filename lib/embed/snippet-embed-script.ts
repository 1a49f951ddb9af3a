import "server-only";
import { getSnippet } from "@/lib/snippets/get-snippet";

/**
 * The Gist-style embed script of a snippet (`<script src="<site>/<owner>/<slug>.js">`, docs/api.md
 * "Embeds"): it puts a frame of `/<owner>/<slug>/embed` right after its own `<script>` element
 * and sizes it to the height the frame reports. The site's origin is read from the script's
 * own URL in the browser, so the text is the same behind any host name. A missing snippet (or
 * revision) throws NOT_FOUND, as the snippet page would.
 */
export async function snippetEmbedScript(options: { owner: string; slug: string; rev?: string }): Promise<{ script: string; pinned: boolean }> {
  const { snippet, rev } = await getSnippet(options);
  const path = `/${encodeURIComponent(snippet.owner)}/${encodeURIComponent(snippet.slug)}/embed${options.rev ? `?rev=${rev}` : ""}`;
  const script = `/* Cellar: ${snippet.owner}/${snippet.slug} embedded (docs/api.md, "Embeds"). */
(function () {
  var me = document.currentScript;
  if (!me || !me.parentNode) return;
  var site = new URL(me.src, location.href).origin;
  var frame = document.createElement("iframe");
  frame.src = site + ${jsString(path)};
  frame.title = ${jsString(`${snippet.title} (${snippet.owner}/${snippet.slug} on Cellar)`)};
  frame.className = "cellar-embed";
  frame.style.cssText = "display:block;width:100%;height:320px;border:1px solid #d0d7de;border-radius:6px;box-sizing:border-box;";
  me.parentNode.insertBefore(frame, me.nextSibling);
  window.addEventListener("message", function (e) {
    if (e.source !== frame.contentWindow || e.origin !== site) return;
    var d = e.data;
    if (d && d.cellar === "height" && typeof d.height === "number" && isFinite(d.height)) {
      frame.style.height = Math.round(Math.max(60, Math.min(d.height + 2, 20000))) + "px";
    }
  });
})();
`;
  return { script, pinned: options.rev !== undefined };
}

/** A JavaScript string literal of `text` that cannot end the script or a line early. */
function jsString(text: string): string {
  return JSON.stringify(text)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
