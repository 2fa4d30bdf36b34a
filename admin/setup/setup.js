// The setup token travels in the URL fragment so it never reaches server logs or referrers.
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const form = document.getElementById('setup');
const status = document.getElementById('status');
if (!token) {
  status.dataset.kind = 'error';
  status.textContent = 'This page needs the one-time link printed by the server on its first start.';
}
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const body = {
    token,
    name: form.name.value,
    email: form.email.value,
    password: form.password.value,
  };
  status.dataset.kind = '';
  status.textContent = 'Creating…';
  const res = await fetch('/api/v1/auth/setup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.ok) {
    history.replaceState(null, '', location.pathname);
    status.textContent = `Done. ${data.email} can now sign in.`;
    form.querySelector('button').disabled = true;
  } else {
    status.dataset.kind = 'error';
    status.textContent = data.error?.message ?? 'Something went wrong.';
  }
});
