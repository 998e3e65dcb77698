// personalize-retrain dashboard: the live parts of server-rendered pages. No framework, no build:
// actions post to /api/ with the page's token; a watched API answer that changes re-renders <main>
// from the server, so pages stay correct without client-side templates.
const POLL_MS = 1000;
const token = document.querySelector('meta[name="dashboard-token"]')?.getAttribute('content') ?? '';

function say(text) {
  const status = document.getElementById('action-status');
  if (status) status.textContent = text;
}

async function act(url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'x-dashboard-token': token },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  return body;
}

async function refresh() {
  const response = await fetch(location.href, { headers: { accept: 'text/html' } });
  if (!response.ok) return;
  const next = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('main');
  const main = document.getElementById('main');
  if (!next || !main || document.querySelector('dialog[open]')) return;
  const status = document.getElementById('action-status')?.textContent ?? '';
  main.replaceWith(next);
  if (status) say(status);
  watch();
}

let watching;
function watch() {
  const url = document.getElementById('main')?.dataset.watch;
  if (!url || watching === url) return;
  watching = url;
  let seen;
  const poll = async () => {
    if (document.getElementById('main')?.dataset.watch !== url) {
      watching = undefined;
      return watch();
    }
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } });
      const text = await response.text();
      if (seen !== undefined && text !== seen) {
        seen = text;
        await refresh();
      }
      seen = text;
    } catch {
      say('Lost contact with the server; retrying.');
    }
    setTimeout(poll, POLL_MS);
  };
  void poll();
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target.closest('button') : null;
  if (!target) return;
  const dialogId = target.dataset.openDialog;
  if (dialogId) {
    document.getElementById(dialogId)?.showModal();
    return;
  }
  const pipeline = encodeURIComponent(target.dataset.pipeline ?? '');
  if (target.dataset.action === 'run') {
    target.disabled = true;
    say('Starting a run…');
    act(`/api/pipelines/${pipeline}/runs`)
      .then((body) => say(`Run ${body.runId} started.`))
      .catch((error) => say(`Not started: ${error.message}`))
      .finally(() => void refresh());
  } else if (target.dataset.action === 'rollback') {
    event.preventDefault();
    target.closest('dialog')?.close();
    say('Rolling back…');
    act(`/api/pipelines/${pipeline}/rollback`)
      .then((body) =>
        say(
          body.run.status === 'SUCCEEDED'
            ? `Rolled back: the campaign serves ${body.run.solutionVersionArn ?? 'the previous version'} again.`
            : `Rollback ${body.run.status}: ${body.run.cause ?? body.run.error ?? ''}`,
        ),
      )
      .catch((error) => say(`Rollback refused: ${error.message}`))
      .finally(() => void refresh());
  }
});

document.addEventListener('change', (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.dataset.autosubmit !== undefined)
    event.target.form?.submit();
});

watch();
