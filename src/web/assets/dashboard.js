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
    headers: { authorization: `Bearer ${token}` },
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error ?? `${response.status} ${response.statusText}`);
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
      .then(({ kind, execution }) =>
        say(
          kind === 'started'
            ? `Run ${execution.id} started.`
            : `Not started: ${execution.cause ?? 'a run of this pipeline is in progress'}.`,
        ),
      )
      .catch((error) => say(`Not started: ${error.message}`))
      .finally(() => void refresh());
  } else if (target.dataset.action === 'rollback') {
    event.preventDefault();
    target.closest('dialog')?.close();
    say('Rolling back…');
    act(`/api/pipelines/${pipeline}/rollback`)
      .then(({ kind, execution, plan }) =>
        say(
          kind === 'started'
            ? `Rollback ${execution.id} started.`
            : kind === 'unchanged'
              ? `The campaign already serves ${plan.to}.`
              : `Not started: ${execution.cause ?? 'a run of this pipeline is in progress'}.`,
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
