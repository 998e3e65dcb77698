import { html, type Html } from '../html.js';

/** What an unknown pipeline, run or path shows: what was not found and the way back. */
export function notFoundPage(what: string): Html {
  return html`<h1>Not found</h1>
    <p>${what}</p>
    <p><a href="/">Back to the pipelines</a></p>`;
}
