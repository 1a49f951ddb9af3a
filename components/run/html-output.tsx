"use client";

import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "react";
import { OUTPUT_FRAME_PATH } from "@/lib/http/security-headers";
import { hasMathScripts, typesetMathScripts } from "./html-math";
import { KATEX_OPTIONS } from "./latex-options";

/*
 * HTML from a cell is anyone's markup. It goes into an iframe with `sandbox="allow-scripts"` and
 * without allow-same-origin: an opaque origin that cannot reach this page, its cookies or its
 * storage. The frame is OUTPUT_FRAME_PATH (public/output-frame.html), whose CSP (proxy.ts) allows inline script
 * and blocks every network request, so the content cannot load scripts or call home; it asks
 * for the markup by message and reports its height. Not a srcdoc frame: that would inherit this
 * page's CSP instead of the stricter one outputs get (no requests at all).
 */
const FRAME_STYLE =
  "<style>html{color-scheme:light}body{margin:0;padding:4px;font:14px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff}" +
  "table{border-collapse:collapse}th,td{border:1px solid #d9dee5;padding:2px 6px;text-align:right}</style>";
const MAX_HEIGHT = 1200;
/** A frame that keeps navigating away (say a meta refresh with no delay) is dropped after this many resets. */
const MAX_RESETS = 3;

/**
 * A cell's `text/html`, in a sandboxed frame sized to its content; MathJax-style math in it typeset (html-math.ts).
 *
 * The sandbox lets the content navigate its own frame (`location = ...`, a meta refresh, a link,
 * `window.open(url, "_self")`); the page's CSP (`frame-src 'self'`, and `frame-ancestors 'none'`
 * on our pages) stops any other page from loading there, and any load after the frame's own is
 * such a navigation: the frame is put back to its content, with a one-line note, so the output
 * never turns into something else.
 */
export function HtmlOutput({ html: source }: { html: string }) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(40);
  // Bumped to remount the frame with its content.
  const [resets, setResets] = useState(0);
  const loads = useRef(0);
  const [typeset, setTypeset] = useState<{ source: string; html: string } | null>(null);
  // KaTeX is loaded only for HTML that has math in it.
  useEffect(() => {
    if (!hasMathScripts(source)) return;
    let live = true;
    void import("katex").then(({ default: katex }) => {
      if (!live) return;
      const html = typesetMathScripts(source, (tex, displayMode) => katex.renderToString(tex, { ...KATEX_OPTIONS, output: "mathml", displayMode }));
      setTypeset({ source, html });
    });
    return () => {
      live = false;
    };
  }, [source]);
  const html = typeset?.source === source ? typeset.html : source;
  const doc = useMemo(() => `<!doctype html><html><head><meta charset="utf-8">${FRAME_STYLE}</head><body>${html}</body></html>`, [html]);
  // Another document (math typeset, an interact's new output) is a fresh frame.
  const docKey = useMemo(() => hashString(doc), [doc]);

  // A fresh frame: its next load is its own.
  useLayoutEffect(() => {
    loads.current = 0;
  }, [docKey, resets]);

  function onLoad() {
    loads.current += 1;
    if (loads.current > 1) setResets((n) => n + 1);
  }

  useEffect(() => {
    function onMessage(e: MessageEvent) {
      const frame = frameRef.current?.contentWindow;
      if (!frame || e.source !== frame) return;
      const data = e.data as { cellarFrameHeight?: unknown; cellarFrameReady?: unknown } | null;
      // An opaque origin: "*" is the only target that reaches it. The markup is no secret from its frame.
      if (data?.cellarFrameReady === true) frame.postMessage({ cellarHtml: docRef.current }, "*");
      const h = data?.cellarFrameHeight;
      // The frame's own scripts can post too: take only a sane number, and never more than a screenful or so.
      if (typeof h === "number" && Number.isFinite(h)) setHeight(Math.min(MAX_HEIGHT, Math.max(16, Math.ceil(h))));
    }
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);
  const docRef = useRef(doc);
  useLayoutEffect(() => {
    docRef.current = doc;
  }, [doc]);

  if (resets > MAX_RESETS) {
    return (
      <p className="run-html-note" role="status">
        This HTML output kept trying to open another page, so it is not shown.
      </p>
    );
  }
  return (
    <>
      <iframe
        key={`${docKey}-${resets}`}
        ref={frameRef}
        className="run-html"
        title="HTML output"
        sandbox="allow-scripts"
        src={OUTPUT_FRAME_PATH}
        style={{ height }}
        onLoad={onLoad}
      />
      {resets > 0 && (
        <p className="run-html-note" role="status">
          This HTML output tried to open another page; it was put back.
        </p>
      )}
    </>
  );
}

/** FNV-1a: a short key that changes with the document. */
function hashString(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}
