import { html, type Html } from '../html.js';

export interface PageFrame {
  readonly title: string;
  /** The per-server token that the page's script sends with actions; only same-origin pages can read it. */
  readonly token: string;
  /** Which API answer the page's script watches to refresh its content when something changes. */
  readonly watch?: string;
  readonly breadcrumbs?: readonly { readonly href: string; readonly label: string }[];
}

/** The page around every view: no external resource, one stylesheet and one small script of our own. */
export function layout(frame: PageFrame, body: Html): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="dashboard-token" content="${frame.token}" />
        <title>${frame.title} · personalize-retrain</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/assets/dashboard.css" />
        <script type="module" src="/assets/dashboard.js"></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/">personalize-retrain</a>
          <nav aria-label="Breadcrumb">
            <ol>
              <li><a href="/">Pipelines</a></li>
              ${(frame.breadcrumbs ?? []).map((crumb) => html`<li><a href="${crumb.href}">${crumb.label}</a></li>`)}
            </ol>
          </nav>
        </header>
        <main id="main" ${frame.watch ? html`data-watch="${frame.watch}"` : ''}>${body}</main>
      </body>
    </html> `;
}
