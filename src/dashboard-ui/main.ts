/**
 * The dashboard page (docs/dashboard.md): a login form, then four views chosen by the URL's hash:
 * #/requests, #/request/{id}, #/usage, #/customers.
 */
import { adminKey, api, Unauthorized } from './api.js';
import { announce, h, show } from './dom.js';
import { customersView } from './customers-view.js';
import { requestView } from './request-view.js';
import { leaveRequests, requestsView } from './requests-view.js';
import { usageView } from './usage-view.js';

function loginView(message?: string): void {
  document.getElementById('nav')!.hidden = true;
  document.getElementById('logout')!.hidden = true;
  const input = h('input', {
    id: 'admin-key',
    name: 'key',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    { id: 'login', 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Log in'),
    message ? h('p', { role: 'alert', class: 'error-box' }, message) : null,
    h('p', {}, 'Type the admin key of this gateway (the `admin.key` option). It is kept in this tab only.'),
    h('div', { class: 'field' }, h('label', { for: 'admin-key' }, 'Admin key'), input),
    h('button', { type: 'submit' }, 'Log in'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    adminKey.set(input.value);
    void api('admin/status').then(
      () => void route(),
      (error: unknown) => {
        adminKey.clear();
        loginView(error instanceof Unauthorized ? 'That admin key was not accepted.' : String(error));
      },
    );
  });
  show(form);
  input.focus();
}

async function route(): Promise<void> {
  leaveRequests();
  if (!adminKey.get()) return loginView();
  document.getElementById('nav')!.hidden = false;
  document.getElementById('logout')!.hidden = false;
  const hash = location.hash.slice(1) || '/requests';
  const [path, search = ''] = hash.split('?');
  const query = new URLSearchParams(search);
  const view = path.split('/')[1];
  for (const link of document.querySelectorAll<HTMLAnchorElement>('#nav a')) {
    if (link.dataset.view === (view === 'request' ? 'requests' : view)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${view[0].toUpperCase()}${view.slice(1)} · modelgate`;
  try {
    if (view === 'request') await requestView(decodeURIComponent(path.slice('/request/'.length)));
    else if (view === 'usage') await usageView(query);
    else if (view === 'customers') await customersView();
    else await requestsView(query);
    document.getElementById('main')!.focus({ preventScroll: true });
    document.body.dataset.ready = hash;
  } catch (error) {
    if (error instanceof Unauthorized) {
      adminKey.clear();
      return loginView('The admin key was not accepted: log in again.');
    }
    show(
      h('h2', {}, 'Something went wrong'),
      h('p', { role: 'alert', class: 'error-box' }, String((error as Error).message ?? error)),
    );
    announce('Error');
  }
}

document.getElementById('logout')!.addEventListener('click', () => {
  adminKey.clear();
  location.hash = '';
  loginView();
});
window.addEventListener('hashchange', () => void route());
void route();
