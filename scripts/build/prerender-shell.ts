// The app shell prerendered into index.html (issue 13): the top bar and Home's "Khảo sát hộ mới"
// are painted from the HTML, before any script has arrived. That button is a plain link to
// NEW_SURVEY_HASH, so a tap works before any script has run (even before the inline one below);
// the app then opens on the survey, boot.ts giving the new draft its id. A small inline script,
// run while the page parses:
// - drops the prerendered Home when the address opens another screen or English was chosen
//   (the app renders those itself);
// - served by the service worker (a warm start) on another screen than Home, asks for the
//   database's code (Dexie, the `store` chunk, src/app/storage/app-store.ts) the same way: such a
//   start loads it at once, and a dynamic import would only ask for it once the app's own files
//   have run. Not on Home: a warm start there reads its first values straight from IndexedDB
//   (src/app/storage/first-reads-raw.ts) and loads Dexie once Home is up (boot.ts); asked for
//   here, its fetch, compile and code cache took main-thread time before Home's first render
//   (warm start at 4× CPU, median of 11, interleaved, load 5–6: 452 → 340 ms).
// React replaces the prerendered markup when it renders (createRoot empties #root); it holds no
// field, so nothing typed can be lost.
//
// A second inline script, at the top of <head> (before the stylesheet, which would hold a script
// after it back until it has arrived), runs as the page starts parsing, on a first visit (no
// service worker yet) only:
// - asks IndexedDB whether the phone's database exists (src/app/storage/first-read.ts, the same
//   question asked the same way; the app takes the answer, window.__goCuaDbProbe). On a new
//   browser profile that first open takes IndexedDB 50–200 ms and more, and everything the first
//   question shows waits for the answer (the lock, the ward, the draft: storage/app-store.ts):
//   asked here, it is in by the time the app's own code has arrived and run;
// - asks for the survey's code (modulepreload), with the app's own files rather than after them.
//
// The inline scripts are allowed by their SHA-256 in the Content-Security-Policy: the hashes are
// computed here and written to `csp-hashes.json` in the build output, which the server reads
// (src/server/app.ts), so the header always matches the HTML of the same build.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';
import { firstVi } from '../../src/app/i18n/locales/first-vi.generated.js';
import { APP_DB_NAME } from '../../src/app/storage/app-store.js';
import { DB_PROBE_GLOBAL } from '../../src/app/storage/first-read.js';
import { LANGUAGE_STORAGE_KEY } from '../../src/app/storage/meta.js';

export const CSP_HASHES_FILE = 'csp-hashes.json';

/** The prerendered "new survey" link's target (boot.ts swaps "new" for a fresh draft id). */
export const NEW_SURVEY_HASH = '#/survey/new';

/** The file the server reads: the script-src sources of the inline scripts in index.html. */
export interface CspHashes {
  scriptSrc: string[];
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Home as the app first paints it on a blank phone (class names of HomeScreen and App). */
export function shellMarkup(): string {
  const t = firstVi;
  const stat = (label: string) => `<li class="stat"><div class="stat__link"><span class="stat__value">…</span><span class="stat__label">${escapeHtml(label)}</span></div></li>`;
  return (
    `<div id="shell">` +
    `<header class="topbar"><a class="topbar__brand" href="#/">${escapeHtml(t.app.name)}</a></header>` +
    `<main class="screen"><div class="home">` +
    `<a class="btn btn--primary btn--huge" href="${NEW_SURVEY_HASH}" data-testid="new-survey">${escapeHtml(t.home.newSurvey)}</a>` +
    `<ul class="stats">${[t.home.surveysToday, t.home.waitingSync, t.home.drafts, t.home.revisitsDue].map(stat).join('')}</ul>` +
    `</div></main></div>`
  );
}

const preload = (file: string) => `var l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=${JSON.stringify(file)};document.head.appendChild(l)`;

/**
 * The inline script at the top of <head> (see the header): on a first visit, the database probe
 * (databaseExists of src/app/storage/first-read.ts, written out here) and the survey's code
 * (`surveyChunk`, its built file).
 */
export function headScript(surveyChunk: string | undefined): string {
  return (
    `(function(){` +
    `if(navigator.serviceWorker&&navigator.serviceWorker.controller)return;` +
    (surveyChunk ? preload(surveyChunk) + ';' : '') +
    `var f=null;try{f=window.indexedDB||null}catch(e){}` +
    `if(!f)return;` +
    `window.${DB_PROBE_GLOBAL}=new Promise(function(resolve){` +
    `var r,created=false;` +
    `try{r=f.open(${JSON.stringify(APP_DB_NAME)})}catch(e){resolve(true);return}` +
    `r.onupgradeneeded=function(){created=true;if(r.transaction)r.transaction.abort()};` +
    `r.onsuccess=function(){r.result.close();resolve(true)};` +
    `r.onerror=function(e){e.preventDefault();resolve(!created)};` +
    `r.onblocked=function(){resolve(true)}` +
    `})` +
    `})();`
  );
}

/** The inline script after the prerendered Home (see the header); `storeChunk` is the database's built file. */
export function shellScript(storeChunk?: string): string {
  return (
    `(function(){` +
    `var shell=document.getElementById('shell'),hash=location.hash,home=!hash||hash==='#'||hash==='#/',lang=null;` +
    `try{lang=localStorage.getItem(${JSON.stringify(LANGUAGE_STORAGE_KEY)})}catch(e){}` +
    `if(!home||lang==='en'){if(shell)shell.remove()}` +
    (storeChunk ? `if(!home&&navigator.serviceWorker&&navigator.serviceWorker.controller){${preload(storeChunk)}}` : '') +
    `})();`
  );
}

export function cspHash(script: string): string {
  return `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
}

export function prerenderShell(): Plugin {
  let config: ResolvedConfig;
  const hashes: string[] = [];
  return {
    name: 'go-cua:prerender-shell',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const survey = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && /features[\\/]survey[\\/]SurveyScreen\.tsx$/.test(c.facadeModuleId ?? ''));
        // The 'store' group of vite.config.ts.
        const store = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.name === 'store');
        const head = headScript(survey ? `${config.base}${survey.fileName}` : undefined);
        const script = shellScript(store ? `${config.base}${store.fileName}` : undefined);
        hashes.push(cspHash(head), cspHash(script));
        if (!html.includes('<div id="root"></div>')) throw new Error('prerender-shell: <div id="root"></div> not found in index.html');
        // Before the app's module script, its preloads and its stylesheet.
        const headAt = html.search(/<script type="module"|<link rel="(?:modulepreload|stylesheet)"/);
        if (headAt < 0 || headAt > html.indexOf('</head>')) throw new Error("prerender-shell: the app's script tags not found in <head>");
        return (html.slice(0, headAt) + `<script>${head}</script>\n    ` + html.slice(headAt)).replace('<div id="root"></div>', `<div id="root">${shellMarkup()}</div><script>${script}</script>`);
      },
    },
    writeBundle() {
      const outDir = path.resolve(config.root, config.build.outDir);
      const file: CspHashes = { scriptSrc: [...new Set(hashes)] };
      writeFileSync(path.join(outDir, CSP_HASHES_FILE), JSON.stringify(file) + '\n');
    },
  };
}
