"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { hasMathScripts, typesetMathScripts } from "./html-math";
import { KATEX_OPTIONS } from "./latex-options";

/*
 * HTML from a cell is anyone's markup. It goes into an iframe with `sandbox="allow-scripts"` and
 * without allow-same-origin: an opaque origin that cannot reach this page, its cookies or its
 * storage. A CSP in the frame blocks every network request, so it cannot load scripts or call
 * home either. Our small script inside reports the content's height so the frame fits it.
 */
const FRAME_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; script-src 'unsafe-inline'";
const SIZE_SCRIPT =
  "(function(){var d=document.documentElement;function s(){parent.postMessage({cellarFrameHeight:d.scrollHeight},'*')}" +
  "new ResizeObserver(s).observe(d);addEventListener('load',s)})()";
const MAX_HEIGHT = 1200;

/** A cell's `text/html`, in a sandboxed frame sized to its content; MathJax-style math in it typeset (html-math.ts). */
export function HtmlOutput({ html: source }: { html: string }) {
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(40);
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
  const srcDoc = useMemo(
    () =>
      `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${FRAME_CSP}">` +
      `<style>html{color-scheme:light}body{margin:0;padding:4px;font:14px/1.45 system-ui,sans-serif;color:#1b1f24;background:#fff}` +
      `table{border-collapse:collapse}th,td{border:1px solid #d9dee5;padding:2px 6px;text-align:right}</style>` +
      `<script>${SIZE_SCRIPT}</script></head><body>${html}</body></html>`,
    [html],
  );

  useEffect(() => {
    function onMessage(e: MessageEvent) {
      if (e.source !== frameRef.current?.contentWindow) return;
      const h = (e.data as { cellarFrameHeight?: unknown } | null)?.cellarFrameHeight;
      // The frame's own scripts can post too: take only a sane number, and never more than a screenful or so.
      if (typeof h === "number" && Number.isFinite(h)) setHeight(Math.min(MAX_HEIGHT, Math.max(16, Math.ceil(h))));
    }
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, []);

  return <iframe ref={frameRef} className="run-html" title="HTML output" sandbox="allow-scripts" srcDoc={srcDoc} style={{ height }} />;
}
